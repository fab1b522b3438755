from rest_framework import serializers

from vendorrisk.core.api_base import (
    ChoiceListField,
    ModelSerializer,
    RelatedNameField,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    VisibleUserField,
    VisibleUsernameField,
)

from ..choices import DataCategory, Regime
from ..models import TEXT_MAX, Engagement, Lab, Vendor, VendorDependency


class LabSerializer(ModelSerializer):
    regimes = ChoiceListField(Regime.choices)

    class Meta:
        model = Lab
        fields = ["id", "name", "slug", "description", "regimes", "created_at", "updated_at"]
        read_only_fields = ["slug"]


class VendorSerializer(ModelSerializer):
    parent = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all(), allow_null=True, required=False)
    parent_name = RelatedNameField("parent.name")

    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "slug",
            "legal_name",
            "website",
            "country",
            "parent",
            "parent_name",
            "category",
            "status",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug"]


class EngagementSerializer(ModelSerializer):
    lab = ScopedPrimaryKeyRelatedField(queryset=Lab.objects.all())
    vendor = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all())
    lab_name = serializers.CharField(source="lab.name", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    owner = VisibleUserField()
    owner_name = VisibleUsernameField("owner")
    data_categories = ChoiceListField(DataCategory.choices)
    is_exposing = serializers.BooleanField(read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            "lab",
            "lab_name",
            "vendor",
            "vendor_name",
            "title",
            "owner",
            "owner_name",
            "status",
            "criticality",
            "data_sensitivity",
            "substitutability",
            "data_categories",
            "annual_value",
            "currency",
            "start_date",
            "end_date",
            "data_disposed_on",
            "notes",
            "is_exposing",
            "created_at",
            "updated_at",
        ]


class VendorDependencySerializer(ModelSerializer):
    vendor = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all())
    depends_on = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all())
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    depends_on_name = serializers.CharField(source="depends_on.name", read_only=True)

    class Meta:
        model = VendorDependency
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "depends_on",
            "depends_on_name",
            "shares_data",
            "description",
            "created_at",
            "updated_at",
        ]
        validators = []  # the unique pair is checked by the model, with a field-named message


class WorkChangeSerializer(Serializer):
    """The body of `POST /api/vendors/{id}/suspend/` and `…/resume/`."""

    reason = serializers.CharField(max_length=TEXT_MAX, help_text="Written on the vendor's open incidents.")
    lab = ScopedPrimaryKeyRelatedField(
        queryset=Lab.objects.all(),
        required=False,
        allow_null=True,
        help_text="Only this lab's engagements (default: every lab you can see).",
    )


class SuspendResultSerializer(serializers.Serializer):
    suspended = serializers.ListField(child=serializers.IntegerField(), help_text="Engagement ids.")
    count = serializers.IntegerField()


class SkippedEngagementSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    reason = serializers.CharField()


class ResumeResultSerializer(serializers.Serializer):
    resumed = serializers.ListField(child=serializers.IntegerField(), help_text="Engagement ids.")
    count = serializers.IntegerField()
    skipped = SkippedEngagementSerializer(many=True, help_text="Suspended engagements left as they are.")
