"""`POST /api/what-if/` (DESIGN.md section 9): what a plan of changes would do to the scores, unwritten."""

import django_filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from vendorrisk.core.api_base import ModelSerializer, ScopedPrimaryKeyRelatedField, ServiceModelViewSet
from vendorrisk.core.filters import FilterSet, ModelMultipleChoiceFilter, scoped_queryset
from vendorrisk.core.roles import Role
from vendors.models import Lab

from ..choices import BANDS, HHI_BANDS
from ..models import WhatIfPlan
from ..services.plans import PLAN_SAVERS, what_if_plan_delete, what_if_plan_save
from ..whatif.answer import PlanTooSlow, evaluate, what_if
from ..whatif.plan import MAX_CHANGES, ChangeSerializer, PlanInvalid, PlanTooLarge
from ..whatif.selectors import what_if_plan_list


class PlanSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True, help_text=f"Applied in order; at most {MAX_CHANGES}.")


class VendorNumbersSerializer(serializers.Serializer):
    score = serializers.FloatField()
    band = serializers.ChoiceField(choices=BANDS)
    impact = serializers.FloatField()
    likelihood = serializers.FloatField()
    lab_equivalents = serializers.FloatField()
    labs_exposed = serializers.IntegerField()


class SpofSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    share = serializers.FloatField()


class LabNumbersSerializer(serializers.Serializer):
    hhi = serializers.FloatField()
    hhi_look_through = serializers.FloatField()
    band = serializers.ChoiceField(choices=HHI_BANDS)
    top_vendor = serializers.IntegerField(allow_null=True)
    top_share = serializers.FloatField(allow_null=True)
    effective_providers = serializers.FloatField(allow_null=True)
    single_point_of_failure = SpofSerializer(allow_null=True)


class VendorChangeSerializer(serializers.Serializer):
    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    before = VendorNumbersSerializer(allow_null=True)
    after = VendorNumbersSerializer(allow_null=True)


class LabChangeSerializer(serializers.Serializer):
    lab = serializers.IntegerField()
    lab_name = serializers.CharField()
    before = LabNumbersSerializer(allow_null=True)
    after = LabNumbersSerializer(allow_null=True)


class SharedChangeSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.IntegerField())
    removed = serializers.ListField(child=serializers.IntegerField())


class ClockSerializer(serializers.Serializer):
    incident = serializers.JSONField(help_text='An incident id, or the plan\'s "new:<n>".')
    lab = serializers.IntegerField()
    regime = serializers.CharField()
    stage = serializers.CharField()
    due_at = serializers.DateTimeField()


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    vendor = serializers.IntegerField(required=False)
    lab = serializers.IntegerField(required=False)


class WhatIfAnswerSerializer(serializers.Serializer):
    vendors = VendorChangeSerializer(many=True)
    labs = LabChangeSerializer(many=True)
    shared_dependencies = SharedChangeSerializer()
    notifications = ClockSerializer(many=True)
    warnings = WarningSerializer(many=True)


EXAMPLE_PLAN = {
    "changes": [
        {
            "op": "create",
            "object": "engagement",
            "ref": "new:1",
            "fields": {
                "lab": 3,
                "vendor": 12,
                "title": "Evaluation set labelling",
                "status": "active",
                "criticality": "high",
                "data_sensitivity": "confidential",
                "substitutability": "difficult",
                "start_date": "2026-01-05",
            },
        },
        {"op": "update", "object": "engagement", "id": 41, "fields": {"status": "ended", "end_date": "2026-02-01"}},
        {"op": "create", "object": "incident", "ref": "new:2", "fields": {
            "vendor": 12, "title": "Breach tomorrow", "severity": "critical", "data_exposure": "suspected",
            "discovered_at": "2026-03-01T09:00:00Z"}},
        {"op": "assess", "vendor": 7, "rating": "strong"},
    ]
}  # fmt: skip
EXAMPLE_ANSWER = {
    "vendors": [
        {
            "vendor": 12,
            "vendor_name": "Example Labelling Co",
            "before": {"score": 24.1, "band": "low", "impact": 0.39, "likelihood": 0.5,
                       "lab_equivalents": 0.494, "labs_exposed": 1},
            "after": {"score": 61.8, "band": "high", "impact": 0.65, "likelihood": 0.95,
                      "lab_equivalents": 1.05, "labs_exposed": 2},
        }  # fmt: skip
    ],
    "labs": [
        {
            "lab": 3,
            "lab_name": "Example Lab",
            "before": {"hhi": 5000.0, "hhi_look_through": 5000.0, "band": "high", "top_vendor": 4,
                       "top_share": 0.5, "effective_providers": 2.0,
                       "single_point_of_failure": {"vendor": 4, "share": 0.5}},
            "after": {"hhi": 3800.0, "hhi_look_through": 3800.0, "band": "high", "top_vendor": 12,
                      "top_share": 0.52, "effective_providers": 2.63,
                      "single_point_of_failure": {"vendor": 12, "share": 0.52}},
        }  # fmt: skip
    ],
    "shared_dependencies": {"added": [], "removed": []},
    "notifications": [
        {"incident": "new:2", "lab": 3, "regime": "nis2", "stage": "early_warning", "due_at": "2026-03-02T09:00:00Z"}
    ],
    "warnings": [
        {"code": "single_point_of_failure", "lab": 3, "vendor": 12,
         "message": "Example Labelling Co becomes a single point of failure for Example Lab: 52% of its data reach goes through it."}
    ],
}  # fmt: skip


class WhatIfView(APIView):
    """What a plan of hypothetical changes would do to every score, validated like the real writes.

    Every role may ask (nothing is written: no row, mark, audit entry or event). Labs outside your labs
    appear only in the vendors' aggregates.
    """

    write_roles = frozenset(Role)  # a plan writes nothing, so every role may make one

    @extend_schema(
        operation_id="what_if_create",
        request=PlanSerializer,
        responses={
            200: WhatIfAnswerSerializer,
            400: OpenApiResponse(description='Invalid change: `{"changes": {"<index>": {field errors}}}`.'),
            413: OpenApiResponse(description="More than 500 changes, or past the time budget."),
        },
        examples=[
            OpenApiExample("A plan", value=EXAMPLE_PLAN, request_only=True),
            OpenApiExample("The answer", value=EXAMPLE_ANSWER, response_only=True, status_codes=["200"]),
            OpenApiExample(
                "An invalid change",
                value={"changes": {"1": {"criticality": ['"extreme" is not a valid choice.']}}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        changes = request.data.get("changes") if isinstance(request.data, dict) else None
        if changes is None:
            return Response({"changes": ["This field is required."]}, status=400)
        try:
            answer = what_if(changes, user=request.user, request=request)
        except PlanInvalid as exc:
            return Response({"changes": exc.errors}, status=400)
        except (PlanTooLarge, PlanTooSlow) as exc:
            return Response({"detail": str(exc)}, status=413)
        return Response(WhatIfAnswerSerializer(answer).data)


# --- saved plans: /api/what-if/plans/ -------------------------------------------------------------------


class PlanTooLargeError(APIException):
    status_code = 413
    default_detail = "The plan is too large."
    default_code = "plan_too_large"


class SavedPlanSerializer(ModelSerializer):
    """A named plan of a lab, shared with every user who may see that lab (the planning page's "Save")."""

    lab = ScopedPrimaryKeyRelatedField(
        queryset=Lab.objects.all(), help_text="The plan is shared with the users of this lab."
    )
    lab_name = serializers.CharField(source="lab.name", read_only=True)
    changes = serializers.JSONField(
        help_text=f"The changes, exactly as in POST /api/what-if/ (at most {MAX_CHANGES}); checked by "
        "running the plan, like the page does before saving."
    )

    class Meta:
        model = WhatIfPlan
        fields = ["id", "name", "lab", "lab_name", "changes", "created_by", "created_at", "updated_at"]
        read_only_fields = ["created_by"]

    def validate_changes(self, value):
        request = self.context["request"]
        try:
            evaluate(value, user=request.user, request=request)
        except PlanInvalid as exc:
            raise serializers.ValidationError(exc.errors) from None
        except (PlanTooLarge, PlanTooSlow) as exc:
            raise PlanTooLargeError(str(exc)) from None
        return value


class SavedPlanFilterSet(FilterSet):
    lab = ModelMultipleChoiceFilter(queryset=scoped_queryset(Lab))
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = WhatIfPlan
        fields = ["lab", "name"]


EXAMPLE_SAVED_PLAN = {
    "name": "Move labelling from Vendor X to Vendor Y",
    "lab": 3,
    "changes": [{"op": "update", "object": "engagement", "id": 41, "fields": {"vendor": 12}}],
}
PLAN_RESPONSES = {
    400: OpenApiResponse(description='Invalid change: `{"changes": {"<index>": {field errors}}}`.'),
    413: OpenApiResponse(description="More than 500 changes, or past the time budget."),
}


@extend_schema_view(
    list=extend_schema(operation_id="what_if_plans_list", description="The saved plans of your labs."),
    retrieve=extend_schema(operation_id="what_if_plans_retrieve"),
    create=extend_schema(
        operation_id="what_if_plans_create",
        responses={201: SavedPlanSerializer, **PLAN_RESPONSES},
        examples=[OpenApiExample("A saved plan", value=EXAMPLE_SAVED_PLAN, request_only=True)],
    ),
    update=extend_schema(
        operation_id="what_if_plans_update", responses={200: SavedPlanSerializer, **PLAN_RESPONSES}
    ),
    partial_update=extend_schema(
        operation_id="what_if_plans_partial_update",
        responses={200: SavedPlanSerializer, **PLAN_RESPONSES},
        examples=[OpenApiExample("Rename", value={"name": "Plan B"}, request_only=True)],
    ),
    destroy=extend_schema(operation_id="what_if_plans_destroy"),
)
class SavedPlanViewSet(ServiceModelViewSet):
    """Saved what-if plans (DESIGN.md section 9): named, shared with the users of the plan's lab, re-run
    against current data on demand. Reads: every role, plans of your labs only; writes: procurement and
    security (as on the planning page); running: every role (a run writes nothing)."""

    serializer_class = SavedPlanSerializer
    filterset_class = SavedPlanFilterSet
    search_fields = ["name"]
    ordering_fields = ["id", "name", "updated_at", "created_at"]
    list_selector = what_if_plan_list
    write_roles = PLAN_SAVERS

    def get_write_roles(self):
        return frozenset(Role) if self.action == "run" else self.write_roles

    def perform_create(self, serializer):
        serializer.instance = what_if_plan_save(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        data = {name: getattr(serializer.instance, name) for name in ("name", "lab", "changes")}
        data.update(serializer.validated_data)
        serializer.instance = what_if_plan_save(actor=self.request.user, instance=serializer.instance, **data)

    def destroy(self, request, *args, **kwargs):
        what_if_plan_delete(actor=request.user, instance=self.get_object())
        return Response(status=204)

    @extend_schema(
        operation_id="what_if_plans_run",
        request=None,
        responses={
            200: WhatIfAnswerSerializer,
            409: OpenApiResponse(
                description='The saved plan no longer applies to current data: `{"changes": {"<index>": '
                "{field errors}}}` (e.g. an engagement it names was deleted since)."
            ),
            413: OpenApiResponse(description="Past the time budget."),
        },
        examples=[
            OpenApiExample("The answer", value=EXAMPLE_ANSWER, response_only=True, status_codes=["200"])
        ],
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def run(self, request, pk=None):
        """Re-run the saved plan against current data: the answer of POST /api/what-if/, nothing written."""
        plan = self.get_object()
        try:
            answer = what_if(plan.changes, user=request.user, request=request)
        except PlanInvalid as exc:
            return Response({"changes": exc.errors}, status=409)
        except (PlanTooLarge, PlanTooSlow) as exc:
            return Response({"detail": str(exc)}, status=413)
        return Response(WhatIfAnswerSerializer(answer).data)
