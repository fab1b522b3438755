from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from vendorrisk.core.api_base import (
    BoundedDateField,
    ChoiceListField,
    ModelSerializer,
    ScopedPrimaryKeyRelatedField,
    Serializer,
    VisibleUserField,
    VisibleUsernameField,
)
from vendors.models import Vendor

from ..choices import AssessmentStatus, Rating, Response
from ..models import Assessment, Evidence, Finding, Question, Questionnaire


class QuestionConditionSerializer(Serializer):
    question = serializers.CharField(max_length=50, help_text="The code of an earlier question.")
    responses = ChoiceListField(Response.choices, allow_empty=False, required=True)


class QuestionSerializer(ModelSerializer):
    condition = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = ["id", "code", "domain", "text", "weight", "position", "condition"]

    def get_condition(self, obj) -> dict | None:
        if not obj.condition_question_id:
            return None
        return {"question": obj.condition_question.code, "responses": obj.condition_responses}


class QuestionWriteSerializer(Serializer):
    code = serializers.CharField(max_length=50)
    domain = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(max_length=10_000)
    weight = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("1000"), required=False
    )
    condition = QuestionConditionSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        # A PATCH is partial for the questionnaire, not for its questions: each is written whole.
        missing = {name: ["This field is required."] for name in ("code", "text") if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing)
        return attrs


class QuestionnaireSerializer(ModelSerializer):
    questions = QuestionWriteSerializer(many=True, required=False, write_only=True, max_length=2000)
    question_count = serializers.SerializerMethodField()

    class Meta:
        model = Questionnaire
        fields = [
            "id",
            "name",
            "version",
            "source",
            "description",
            "question_count",
            "questions",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version"]
        validators = []

    def get_question_count(self, obj) -> int:
        annotated = getattr(obj, "question_count", None)
        return annotated if annotated is not None else obj.questions.count()


class QuestionnaireDetailSerializer(QuestionnaireSerializer):
    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["questions"] = QuestionSerializer(instance.questions.all(), many=True).data
        return data


class AssessmentSerializer(ModelSerializer):
    vendor = ScopedPrimaryKeyRelatedField(queryset=Vendor.objects.all())
    questionnaire = ScopedPrimaryKeyRelatedField(queryset=Questionnaire.objects.all())
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    questionnaire_name = serializers.CharField(source="questionnaire.__str__", read_only=True)
    assessor = VisibleUserField()
    assessor_name = VisibleUsernameField("assessor")
    status = serializers.ChoiceField(
        choices=AssessmentStatus.choices,
        required=False,
        help_text="draft or in_progress; an assessment becomes completed only through …/complete/.",
    )
    rating = serializers.ChoiceField(
        choices=Rating.choices, read_only=True, allow_blank=True, allow_null=True
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "questionnaire",
            "questionnaire_name",
            "status",
            "assessor",
            "assessor_name",
            "completed_at",
            "valid_until",
            "score",
            "rating",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["completed_at", "score"]

    def validate_status(self, value):
        if value == AssessmentStatus.COMPLETED:
            raise serializers.ValidationError("Use POST …/complete/ to complete an assessment.")
        return value


class FindingSerializer(ModelSerializer):
    assessment = ScopedPrimaryKeyRelatedField(queryset=Assessment.objects.all())
    vendor = serializers.IntegerField(source="assessment.vendor_id", read_only=True)
    vendor_name = serializers.CharField(source="assessment.vendor.name", read_only=True)
    owner = VisibleUserField()
    owner_name = VisibleUsernameField("owner")

    class Meta:
        model = Finding
        fields = [
            "id",
            "assessment",
            "vendor",
            "vendor_name",
            "title",
            "description",
            "severity",
            "status",
            "owner",
            "owner_name",
            "due_on",
            "created_at",
            "updated_at",
        ]


class AnswerSerializer(Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**62)
    response = serializers.ChoiceField(choices=Response.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    code = serializers.CharField(read_only=True, source="question_code")


class AnswersPutSerializer(Serializer):
    """PUT body: the list itself (top-level JSON array)."""


class CompleteSerializer(Serializer):
    valid_until = BoundedDateField(required=False, help_text="Defaults from the vendor's criticality.")


class EvidenceSerializer(ModelSerializer):
    """An uploaded document's metadata; the file itself is fetched from `download_url`."""

    uploaded_by_name = VisibleUsernameField("uploaded_by")
    expired = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "assessment",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "expires_on",
            "expired",
            "uploaded_by",
            "uploaded_by_name",
            "download_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_expired(self, obj) -> bool:
        return obj.expires_on is not None and obj.expires_on < timezone.localdate()

    def get_download_url(self, obj) -> str:
        path = reverse(
            "assessment-evidence-download", kwargs={"pk": obj.assessment_id, "evidence_id": obj.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidenceUploadSerializer(Serializer):
    """multipart/form-data: the document and, optionally, the date it stops being valid."""

    file = serializers.FileField(
        allow_empty_file=False,
        use_url=False,
        help_text="PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), plain text (.txt) or CSV (.csv); "
        "the type is checked by content and must match the extension.",
    )
    expires_on = BoundedDateField(
        required=False,
        allow_null=True,
        help_text="When the document stops being valid (e.g. a SOC 2 report).",
    )
