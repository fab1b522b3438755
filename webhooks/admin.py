from django.contrib import admin

from .models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Read and deactivate; webhooks are made through the API or the Webhooks page (their secret is shown
    once there), so no add here, and the secret is never displayed."""

    list_display = ["id", "url", "created_by", "active", "failure_count"]
    list_filter = ["active"]
    search_fields = ["url"]
    fields = ["url", "event_types", "labs", "active", "created_by", "failure_count", "disabled_reason"]
    readonly_fields = ["url", "event_types", "labs", "created_by", "failure_count", "disabled_reason"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "webhook", "event", "attempt", "status", "response_code", "created_at"]
    list_filter = ["status"]
    list_select_related = ["webhook", "event"]
    raw_id_fields = ["webhook", "event"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
