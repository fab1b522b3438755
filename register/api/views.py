"""`/api/labs/{id}/register-of-information/` (+ `lint/`, `workbook/`) and `/api/risk/critical-providers/`."""

import re
from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from vendorrisk.core.bounds import check_date_bounds
from vendorrisk.core.pagination import StandardPagination
from vendorrisk.core.roles import PROCUREMENT_WRITERS, has_role

from .. import package, selectors, services

REFERENCE_DATE = OpenApiParameter(
    "reference_date", OpenApiTypes.DATE, required=False,
    description="The date the register is reported as at (YYYY-MM-DD; default: the last 31 December).",
)  # fmt: skip
DRAFT = OpenApiParameter(
    "draft", OpenApiTypes.BOOL, required=False,
    description="Export even with blocking findings, and do not mark contract references as reported.",
)  # fmt: skip
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class RegisterFindingSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["blocking", "error", "warning"])
    rule = serializers.CharField()
    template = serializers.CharField()
    row = serializers.IntegerField(allow_null=True, help_text="1 = the first data row of the template.")
    column = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    object_type = serializers.CharField(allow_null=True)
    object_id = serializers.IntegerField(allow_null=True)
    url = serializers.CharField(allow_null=True, help_text="The page where it is fixed.")
    api_url = serializers.CharField(allow_null=True, help_text="The API address of the object.")


class LintSerializer(serializers.Serializer):
    ready = serializers.BooleanField(help_text="No blocking finding: the package can be filed.")
    completeness = serializers.FloatField(help_text="Percentage of arrangements without errors.")
    findings = RegisterFindingSerializer(many=True)


class CriticalProviderSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(help_text="The vendor group's root vendor id.")
    vendor_name = serializers.CharField()
    labs_relying = serializers.IntegerField()
    labs_total = serializers.IntegerField()
    share_by_count = serializers.FloatField()
    share_by_assets = serializers.FloatField(
        allow_null=True,
        help_text="Share of all labs' total assets, converted to EUR at the DORA_EUR_RATES (ECB reference "
        "rates of DORA_EUR_RATES_DATE); null when no lab reports convertible assets.",
    )
    labs_relying_without_rate = serializers.IntegerField(
        help_text="Labs relying on the group whose assets are in a currency without a EUR rate (or with no "
        "currency): left out of share_by_assets."
    )
    labs_without_rate = serializers.IntegerField(
        help_text="All labs whose assets could not be converted to EUR, left out of the asset total."
    )
    over_threshold = serializers.BooleanField()
    score = serializers.FloatField(allow_null=True)


def _reference_date(request) -> date:
    """Absent: the default reference date. Given: a YYYY-MM-DD date within the bounded years (blank is not)."""
    if "reference_date" not in request.query_params:
        return selectors.default_reference_date(timezone.localdate())
    raw = request.query_params.get("reference_date", "").strip()
    try:
        if not ISO_DATE.match(raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
        check_date_bounds(value)
    except (ValueError, DjangoValidationError):
        raise ValidationError(
            {"reference_date": [f"“{raw[:40]}” is not a date from 1900 to 2200; write it as YYYY-MM-DD."]}
        ) from None
    return value


def _draft(request) -> bool:
    if "draft" not in request.query_params:
        return False
    raw = request.query_params.get("draft", "").strip().lower()
    if raw not in TRUE | FALSE:
        raise ValidationError({"draft": ["Must be true or false."]})
    return raw in TRUE


class RegisterExportView(APIView):
    @extend_schema(
        operation_id="labs_register_of_information",
        parameters=[REFERENCE_DATE, DRAFT],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The report package."),
            400: OpenApiResponse(description="A bad `reference_date` or `draft`."),
            403: OpenApiResponse(description="A final (non-draft) export is procurement's or an admin's."),
            404: OpenApiResponse(description="No such lab in your labs."),
            409: OpenApiResponse(
                LintSerializer, description="Blocking findings: fix them or ask for a draft."
            ),
        },
    )
    def get(self, request, lab_pk):
        """The DORA register of information of one lab (or its group) as an EBA xBRL-CSV report package."""
        lab = selectors.register_lab(user=request.user, pk=lab_pk)
        reference_date, draft = _reference_date(request), _draft(request)
        if not draft and not has_role(request.user, PROCUREMENT_WRITERS):
            raise PermissionDenied("A final export marks references as reported: ask for ?draft=true.")
        register, answer = selectors.lint_for(user=request.user, lab=lab, reference_date=reference_date)
        if not draft and not answer["ready"]:
            return Response(answer, status=status.HTTP_409_CONFLICT)
        name, body = package.write_zip(register)
        if not draft:
            services.mark_reported(
                actor=request.user,
                engagement_ids=[e.id for e in register.engagements],
                on=timezone.localdate(),
            )
        response = HttpResponse(body, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class RegisterLintView(APIView):
    @extend_schema(
        operation_id="labs_register_of_information_lint",
        parameters=[REFERENCE_DATE],
        responses={200: LintSerializer, 400: OpenApiResponse(description="A bad `reference_date`."),
                   404: OpenApiResponse(description="No such lab in your labs.")},
    )  # fmt: skip
    def get(self, request, lab_pk):
        """What stands between the lab's register and a clean filing, and how complete it is."""
        lab = selectors.register_lab(user=request.user, pk=lab_pk)
        _, answer = selectors.lint_for(user=request.user, lab=lab, reference_date=_reference_date(request))
        return Response(answer)


class RegisterWorkbookView(APIView):
    @extend_schema(
        operation_id="labs_register_of_information_workbook",
        parameters=[REFERENCE_DATE],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One sheet per template."
            ),
            400: OpenApiResponse(description="A bad `reference_date`."),
            404: OpenApiResponse(description="No such lab in your labs."),
        },
    )
    def get(self, request, lab_pk):
        """The same templates as an XLSX workbook, for people to read."""
        lab = selectors.register_lab(user=request.user, pk=lab_pk)
        reference_date = _reference_date(request)
        register = selectors.register_for(user=request.user, lab=lab, reference_date=reference_date)
        response = HttpResponse(
            package.write_xlsx(register),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="register-{lab.slug}-{reference_date}.xlsx"'
        return response


class CriticalProvidersView(APIView):
    pagination_class = StandardPagination

    @extend_schema(
        operation_id="risk_critical_providers_list",
        responses={
            200: CriticalProviderSerializer(many=True),
            404: OpenApiResponse(description="A page past the end."),
        },
    )
    def get(self, request):
        """Vendor groups labs rely on for critical or important functions, with the 10 % thresholds."""
        rows = selectors.critical_providers()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(CriticalProviderSerializer(page, many=True).data)
