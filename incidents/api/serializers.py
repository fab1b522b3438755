from rest_framework import serializers

from vendorrisk.core.api_base import (
    ChoiceListField,
    ModelSerializer,
    ScopedPrimaryKeyRelatedField,
    VisibleUsernameField,
)
from vendors.choices import DataCategory
from vendors.models import Lab, Vendor

from ..choices import Decision, NotificationStatus
from ..models import Incident, IncidentUpdate, LabResponse, Notification


class IncidentSerializer(ModelSerializer):
    vendor = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all())
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    data_categories_exposed = ChoiceListField(DataCategory.choices)
    reported_by_name = VisibleUsernameField("reported_by")
    note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=10_000,
        help_text="Timeline text for a status change (otherwise a standard sentence is written).",
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "title",
            "description",
            "severity",
            "status",
            "attack_vector",
            "data_exposure",
            "data_categories_exposed",
            "records_affected",
            "occurred_at",
            "discovered_at",
            "vendor_confirmed_at",
            "resolved_at",
            "source_url",
            "source",
            "external_id",
            "reported_by",
            "reported_by_name",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reported_by"]
        validators = []

    def create(self, validated_data):  # pragma: no cover - the viewset calls the service
        raise AssertionError("use incidents.services.incident_create")


class IncidentUpdateSerializer(ModelSerializer):
    status_from = serializers.CharField(
        read_only=True, help_text="Blank unless this entry changed the status."
    )
    status_to = serializers.CharField(read_only=True, help_text="Blank unless this entry changed the status.")
    author_name = VisibleUsernameField("author")

    class Meta:
        model = IncidentUpdate
        fields = ["id", "incident", "author", "author_name", "created_at", "body", "status_from", "status_to"]
        read_only_fields = ["incident", "author", "created_at", "status_from", "status_to"]


class LabResponseSerializer(ModelSerializer):
    lab = ScopedPrimaryKeyRelatedField(queryset=Lab.objects.all())
    lab_name = serializers.CharField(source="lab.name", read_only=True)
    decided_by_name = VisibleUsernameField("decided_by")
    halt_action = serializers.SerializerMethodField(
        help_text="For a halt decision: the action that suspends the lab's work with the vendor."
    )

    class Meta:
        model = LabResponse
        fields = [
            "id",
            "incident",
            "lab",
            "lab_name",
            "decision",
            "data_confirmed_exposed",
            "aware_at",
            "reason",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "halt_action",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["incident", "decided_by", "decided_at"]
        validators = []

    def get_halt_action(self, obj) -> str | None:
        if obj.decision != Decision.HALT:
            return None
        return f"/api/vendors/{obj.incident.vendor_id}/suspend/"

    def validate_lab(self, lab):
        incident = self.context["incident"]
        existing = LabResponse.objects.filter(incident=incident, lab=lab)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError(
                "This lab already has a response to this incident; update it instead."
            )
        return lab


class NotificationSerializer(ModelSerializer):
    lab_name = serializers.CharField(source="lab.name", read_only=True)
    incident_title = serializers.CharField(source="incident.title", read_only=True)
    status = serializers.ChoiceField(choices=NotificationStatus.choices, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "incident",
            "incident_title",
            "lab",
            "lab_name",
            "regime",
            "stage",
            "due_at",
            "submitted_at",
            "reference",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["incident", "lab", "regime", "stage", "due_at"]


class ImpactPathStepSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    name = serializers.CharField()


class ImpactEngagementSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    title = serializers.CharField()
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    status = serializers.CharField(help_text="The engagement's status now.")
    hops = serializers.IntegerField(help_text="Data-sharing hops from the engagement's vendor (0–3).")
    path = ImpactPathStepSerializer(
        many=True, help_text="The engagement's vendor first, the incident's last."
    )
    path_text = serializers.CharField(help_text="E.g. “Lab A → Vendor X → Vendor Y”.")
    data_categories = serializers.ListField(child=serializers.CharField())
    overlap = serializers.ListField(
        child=serializers.CharField(), help_text="Categories both held and exposed in the incident."
    )


class ImpactLabSerializer(serializers.Serializer):
    lab = serializers.IntegerField()
    lab_name = serializers.CharField()
    engagements = ImpactEngagementSerializer(many=True)


class IncidentImpactSerializer(serializers.Serializer):
    """Who is exposed: the caller's labs in full; every lab only in the totals."""

    incident = serializers.IntegerField()
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    reference_time = serializers.DateTimeField(help_text="occurred_at, else discovered_at.")
    data_categories_exposed = serializers.ListField(child=serializers.CharField())
    labs = ImpactLabSerializer(many=True)
    labs_exposed_total = serializers.IntegerField(help_text="Labs exposed, all labs counted.")
    engagements_total = serializers.IntegerField(help_text="Engagements exposed, all labs counted.")
