from rest_framework import serializers

from vendorrisk.core.api_base import ScopedPrimaryKeyRelatedField
from vendors.models import Lab

from ..models import Webhook, WebhookDelivery


class WebhookSerializer(serializers.ModelSerializer):
    """`secret` is in the create response only; `labs` are ids among the caller's labs (empty: all)."""

    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64), allow_empty=False, max_length=50
    )
    labs = ScopedPrimaryKeyRelatedField(many=True, queryset=Lab.objects.all(), required=False)
    secret = serializers.SerializerMethodField()

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "event_types",
            "labs",
            "active",
            "secret",
            "created_by",
            "failure_count",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "failure_count", "disabled_reason", "created_at", "updated_at"]

    def get_secret(self, obj) -> str | None:
        """The signing secret (`whsec_…`): in the create response only, null afterwards."""
        return obj.secret if self.context.get("show_secret") else None


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "attempt",
            "status",
            "response_code",
            "duration_ms",
            "error",
            "created_at",
            "next_attempt_at",
        ]
        read_only_fields = fields
