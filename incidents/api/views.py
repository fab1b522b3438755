from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vendorrisk.core.api_base import ReadUpdateViewSet, ServiceModelViewSet
from vendorrisk.core.roles import SECURITY_WRITERS

from .. import selectors, services
from ..filters import IncidentFilterSet, IncidentUpdateFilterSet, LabResponseFilterSet, NotificationFilterSet
from .serializers import (
    IncidentImpactSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    LabResponseSerializer,
    NotificationSerializer,
)


class IncidentViewSet(ServiceModelViewSet):
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    search_fields = ["title", "description", "vendor__name", "external_id"]
    ordering_fields = [
        "id",
        "discovered_at",
        "occurred_at",
        "severity",
        "status",
        "records_affected",
        "created_at",
    ]
    list_selector = selectors.incident_list
    create_service = services.incident_create
    update_service = services.incident_update
    delete_service = services.incident_delete
    write_roles = SECURITY_WRITERS

    @extend_schema(responses=IncidentImpactSerializer)
    @action(
        detail=True,
        methods=["get"],
        serializer_class=IncidentImpactSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def impact(self, request, pk=None):
        """The labs exposed to the incident, with each engagement's shortest data path to the vendor."""
        incident = self.get_object()
        data = selectors.incident_impact(user=request.user, incident=incident)
        return Response(IncidentImpactSerializer(data).data)


class IncidentChildMixin:
    """Views nested under /api/incidents/{incident_pk}/: the incident must be visible (else 404)."""

    def get_incident(self):
        if not hasattr(self, "_incident"):
            self._incident = get_object_or_404(
                selectors.incident_list(user=self.request.user), pk=self.kwargs["incident_pk"]
            )
        return self._incident

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "incident_pk" in self.kwargs and not getattr(self, "swagger_fake_view", False):
            context["incident"] = self.get_incident()
        return context


class IncidentUpdateViewSet(
    IncidentChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The incident's append-only timeline."""

    serializer_class = IncidentUpdateSerializer
    filterset_class = IncidentUpdateFilterSet
    search_fields = ["body"]
    ordering_fields = ["created_at", "id"]
    write_roles = SECURITY_WRITERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.IncidentUpdate.objects.none()
        return selectors.incident_update_list(user=self.request.user, incident=self.get_incident())

    def perform_create(self, serializer):
        serializer.instance = services.incident_update_create(
            actor=self.request.user, incident=self.get_incident(), **serializer.validated_data
        )


class LabResponseViewSet(
    IncidentChildMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """One recorded decision per exposed lab."""

    serializer_class = LabResponseSerializer
    filterset_class = LabResponseFilterSet
    search_fields = ["reason"]
    ordering_fields = ["id", "decided_at"]
    write_roles = SECURITY_WRITERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.LabResponse.objects.none()
        return selectors.lab_response_list(user=self.request.user, incident=self.get_incident())

    def perform_create(self, serializer):
        serializer.instance = services.lab_response_create(
            actor=self.request.user, incident=self.get_incident(), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.lab_response_update(
            actor=self.request.user, instance=serializer.instance, **serializer.validated_data
        )


class NotificationViewSet(ReadUpdateViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    search_fields = ["reference", "incident__title"]
    ordering_fields = ["id", "due_at", "submitted_at"]
    list_selector = selectors.notification_list
    update_service = services.notification_update
    write_roles = SECURITY_WRITERS
    http_method_names = ["get", "patch", "head", "options"]
