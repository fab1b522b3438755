"""Reads of the webhooks app. A security user sees the webhooks it owns; an admin sees all."""

from django.db.models import QuerySet

from vendorrisk.core.roles import Role, user_role

from .models import Webhook, WebhookDelivery


def webhook_list(*, user) -> QuerySet:
    webhooks = Webhook.objects.select_related("created_by").prefetch_related("labs").order_by("id")
    if user_role(user) == Role.ADMIN:
        return webhooks
    if user_role(user) == Role.SECURITY:
        return webhooks.filter(created_by=user)
    return webhooks.none()


def webhook_get(*, user, pk) -> Webhook:
    return webhook_list(user=user).get(pk=pk)


def delivery_list(*, user, webhook_pk) -> QuerySet:
    """The deliveries of one webhook the user may see (none otherwise), newest first."""
    return WebhookDelivery.objects.filter(
        webhook__in=webhook_list(user=user), webhook_id=webhook_pk
    ).order_by("-id")
