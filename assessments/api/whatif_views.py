"""`POST /api/what-if/` (DESIGN.md section 9): what a plan of changes would do to the scores, unwritten."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from vendorrisk.core.roles import Role

from ..choices import BANDS, HHI_BANDS
from ..whatif.answer import PlanTooSlow, what_if
from ..whatif.plan import MAX_CHANGES, ChangeSerializer, PlanInvalid, PlanTooLarge


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
