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
from vendorrisk.core.roles import Role, user_role
from vendorrisk.core.scoping import can_see_lab

from ..choices import DataCategory, Regime
from ..models import ENGAGEMENT_REGISTER_FIELDS, TEXT_MAX, Engagement, Function, Lab, Vendor, VendorDependency
from ..register_fields import FUNCTION_FIELDS


class VisibleLabField(ScopedPrimaryKeyRelatedField):
    """A lab group (parent lab): null for a caller who may not see it, so no other lab's id shows."""

    def to_representation(self, value):
        request = self.context.get("request")
        if request is not None and not can_see_lab(request.user, value.pk):
            return None
        return super().to_representation(value)


class CountryListField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty", True)
        # Checked by the model (`validate_country_list`): a field error naming the unknown codes.
        super().__init__(child=serializers.CharField(min_length=2, max_length=2), **kwargs)


class IdListField(serializers.ListField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty", True)
        kwargs.setdefault("max_length", 500)
        super().__init__(child=serializers.IntegerField(min_value=1), **kwargs)


class LabSerializer(ModelSerializer):
    regimes = ChoiceListField(Regime.choices)
    parent = VisibleLabField(
        queryset=Lab.objects.all(), allow_null=True, required=False, help_text="The lab group."
    )

    class Meta:
        model = Lab
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "regimes",
            "lei",
            "country",
            "entity_type",
            "competent_authority",
            "total_assets",
            "assets_currency",
            "parent",
            "created_at",
            "updated_at",
        ]
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
            "identifier",
            "identifier_type",
            "person_type",
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
    functions = IdListField(help_text="Ids of the lab's functions this engagement supports.")
    alternative_providers = IdListField(help_text="Vendor ids that could replace this one.")
    data_locations_at_rest = CountryListField()
    data_locations_processing = CountryListField()

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
            *ENGAGEMENT_REGISTER_FIELDS,
            "reference_reported_on",
            "is_exposing",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["reference_reported_on"]
        validators = []  # the unique contract reference is checked by the model, with a field-named message

    def validate_contract_reference(self, value):
        instance = self.instance
        if (
            instance is not None
            and instance.reference_reported_on is not None
            and value != instance.contract_reference
            and user_role(self.context["request"].user) != Role.ADMIN
        ):
            raise serializers.ValidationError(
                "This reference has been reported in a register of information; only an admin may change it."
            )
        return value


class FunctionSerializer(ModelSerializer):
    lab = ScopedPrimaryKeyRelatedField(queryset=Lab.objects.all())
    lab_name = serializers.CharField(source="lab.name", read_only=True)

    class Meta:
        model = Function
        fields = ["id", "lab", "lab_name", *FUNCTION_FIELDS, "created_at", "updated_at"]
        validators = []  # the unique identifier per lab is checked by the model


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
