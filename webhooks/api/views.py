"""The webhooks API (DESIGN.md section 8): thin views over webhooks.selectors and webhooks.services."""

from typing import ClassVar

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from vendorrisk.core.api_base import ServiceModelViewSet
from vendorrisk.core.roles import AUDIT_READERS
from vendorrisk.core.schema import ErrorSerializer

from .. import selectors, services
from ..filters import WebhookDeliveryFilterSet, WebhookFilterSet
from .serializers import WebhookDeliverySerializer, WebhookSerializer


class WebhookViewSet(ServiceModelViewSet):
    """Webhooks of admins (all of them) and security users (their own)."""

    serializer_class = WebhookSerializer
    filterset_class = WebhookFilterSet
    search_fields = ["url"]
    ordering_fields = ["id", "url", "created_at"]
    list_selector = selectors.webhook_list
    create_service = services.webhook_create
    update_service = services.webhook_update
    delete_service = services.webhook_delete
    read_roles = AUDIT_READERS
    write_roles = AUDIT_READERS
    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        # The secret is shown this once.
        shown = self.get_serializer_class()(
            serializer.instance, context={**self.get_serializer_context(), "show_secret": True}
        )
        return Response(shown.data, status=status.HTTP_201_CREATED)

    def get_queryset(self):
        if self.action == "deliveries":  # the action lists (and filters) the webhook's deliveries
            return selectors.delivery_list(user=self.request.user, webhook_pk=self.kwargs.get("pk"))
        return super().get_queryset()

    def _webhook(self):
        """The webhook of the URL (the deliveries action's queryset is the deliveries)."""
        webhooks = selectors.webhook_list(user=self.request.user).prefetch_related(None)
        webhook = get_object_or_404(webhooks, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, webhook)
        return webhook

    @extend_schema(
        responses={
            200: WebhookDeliverySerializer(many=True),
            400: OpenApiResponse(description="An invalid filter or page parameter."),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=WebhookDeliveryFilterSet,
        serializer_class=WebhookDeliverySerializer,
        ordering_fields=["id", "created_at", "next_attempt_at"],
        search_fields=[],
    )
    def deliveries(self, request, pk=None):
        """The delivery log of the webhook, newest first."""
        webhook = self._webhook()
        queryset = self.filter_queryset(selectors.delivery_list(user=request.user, webhook_pk=webhook.pk))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, 409: ErrorSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})/redeliver",
        serializer_class=WebhookDeliverySerializer,
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send the delivery's event again (a new delivery, the same `webhook-id`)."""
        webhook = self._webhook()
        delivery = get_object_or_404(
            selectors.delivery_list(user=request.user, webhook_pk=webhook.pk), pk=delivery_id
        )
        again = services.delivery_redeliver(actor=request.user, delivery=delivery)
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer, 409: ErrorSerializer})
    @action(detail=True, methods=["post"], serializer_class=WebhookDeliverySerializer)
    def test(self, request, pk=None):
        """Send a `webhook.test` event to this webhook."""
        delivery = services.webhook_test(actor=request.user, webhook=self._webhook())
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
