from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.response import Response

from vendorrisk.core.api_base import ServiceModelViewSet
from vendorrisk.core.roles import ADMIN_ONLY, PROCUREMENT_WRITERS, SECURITY_WRITERS

from .. import csv_import, selectors, services
from ..filters import (
    EngagementFilterSet,
    FunctionFilterSet,
    LabFilterSet,
    VendorDependencyFilterSet,
    VendorFilterSet,
)
from ..services import functions as function_services
from .serializers import (
    EngagementSerializer,
    FunctionSerializer,
    LabSerializer,
    ResumeResultSerializer,
    SuspendResultSerializer,
    VendorDependencySerializer,
    VendorSerializer,
    WorkChangeSerializer,
)

WORK_ACTIONS = ("suspend", "resume")


class LabViewSet(ServiceModelViewSet):
    serializer_class = LabSerializer
    filterset_class = LabFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["id", "name", "created_at"]
    list_selector = selectors.lab_list
    create_service = services.lab_create
    update_service = services.lab_update
    delete_service = services.lab_delete
    write_roles = ADMIN_ONLY


class VendorViewSet(ServiceModelViewSet):
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet
    search_fields = ["name", "legal_name", "description", "website"]
    ordering_fields = ["id", "name", "category", "status", "country", "created_at"]
    list_selector = selectors.vendor_list
    create_service = services.vendor_create
    update_service = services.vendor_update
    delete_service = services.vendor_delete
    write_roles = PROCUREMENT_WRITERS

    def get_write_roles(self):
        # Halting and resuming work is an incident response: security's call, not procurement's.
        return SECURITY_WRITERS if self.action in WORK_ACTIONS else self.write_roles

    def _work_change_input(self, request):
        vendor = self.get_object()  # 404 for an unknown vendor, then the role check (403)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return vendor, serializer.validated_data

    @extend_schema(request=WorkChangeSerializer, responses={200: SuspendResultSerializer})
    @action(
        detail=True,
        methods=["post"],
        serializer_class=WorkChangeSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def suspend(self, request, pk=None):
        """Halt work: suspend the vendor's active engagements in your labs (or only `lab`'s)."""
        vendor, data = self._work_change_input(request)
        suspended = services.vendor_suspend(actor=request.user, vendor=vendor, **data)
        return Response({"suspended": [e.id for e in suspended], "count": len(suspended)})

    @extend_schema(request=WorkChangeSerializer, responses={200: ResumeResultSerializer})
    @action(
        detail=True,
        methods=["post"],
        serializer_class=WorkChangeSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def resume(self, request, pk=None):
        """Resume work: set the vendor's suspended engagements in your labs (or only `lab`'s) back to active."""
        vendor, data = self._work_change_input(request)
        resumed, skipped = services.vendor_resume(actor=request.user, vendor=vendor, **data)
        return Response(
            {
                "resumed": [e.id for e in resumed],
                "count": len(resumed),
                "skipped": [
                    {
                        "engagement": e.id,
                        "reason": f"Its data was disposed of on {e.data_disposed_on.isoformat()}; "
                        "an engagement whose data is gone cannot be active again.",
                    }
                    for e in skipped
                ],
            }
        )


class CSVParser(BaseParser):
    """A raw CSV body (`Content-Type: text/csv`): handed to the importer as bytes."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class ImportErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line in the file (the header is line 1).")
    column = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    read = serializers.IntegerField(help_text="Rows read (blank lines are not rows).")
    created = serializers.IntegerField(
        help_text="Engagements created (0 on a dry run or when any row is bad)."
    )
    valid = serializers.IntegerField(help_text="Rows that passed every check.")
    errors = ImportErrorSerializer(many=True)
    error_count = serializers.IntegerField(help_text="All problems found (at most 1000 are listed).")
    dry_run = serializers.BooleanField()


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The CSV file (same columns as the web template).")


TRUE_VALUES, FALSE_VALUES = {"true", "1", "yes", "on"}, {"false", "0", "no", "off", ""}


class EngagementViewSet(ServiceModelViewSet):
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilterSet
    search_fields = ["title", "notes", "vendor__name", "lab__name"]
    ordering_fields = [
        "id",
        "title",
        "status",
        "criticality",
        "start_date",
        "end_date",
        "annual_value",
        "created_at",
    ]
    list_selector = selectors.engagement_list
    create_service = services.engagement_create
    update_service = services.engagement_update
    delete_service = services.engagement_delete
    write_roles = PROCUREMENT_WRITERS

    @extend_schema(
        operation_id="engagements_import",
        request={"text/csv": OpenApiTypes.BINARY, "multipart/form-data": ImportUploadSerializer},
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description="Check every row and write nothing.", required=False
            )
        ],
        responses={
            200: OpenApiResponse(ImportReportSerializer, description="Dry run: every row is valid."),
            201: OpenApiResponse(ImportReportSerializer, description="Every row was created."),
            400: OpenApiResponse(
                ImportReportSerializer,
                description="At least one row (or the request: `dry_run`, `file`) is bad: nothing was written.",
            ),
            415: OpenApiResponse(description="Send text/csv or multipart/form-data."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[CSVParser, MultiPartParser],
        filter_backends=[],
        pagination_class=None,
        serializer_class=ImportReportSerializer,
    )
    def import_csv(self, request):
        """Create engagements from a CSV (all or nothing): the same importer as the web page."""
        dry_run = str(request.query_params.get("dry_run", "")).strip().lower()
        if dry_run not in TRUE_VALUES | FALSE_VALUES:
            return self._request_error("dry_run", "Must be true or false.")
        if isinstance(request.data, bytes | str):
            content = request.data
        else:
            upload = request.data.get("file")
            if upload is None or isinstance(upload, str):
                return self._request_error(
                    "file",
                    "Send the CSV as the body (Content-Type: text/csv) or as a multipart field `file`.",
                )
            content = upload.read()
        result = csv_import.run_import(content, user=request.user, dry_run=dry_run in TRUE_VALUES)
        if not result.ok:
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED
        return Response(result.as_dict(), status=code)

    @staticmethod
    def _request_error(field: str, reason: str) -> Response:
        """A request the importer cannot start on: the same row report, naming the parameter."""
        report = csv_import.ImportResult()
        report.error(None, field, reason)
        return Response(report.as_dict(), status=status.HTTP_400_BAD_REQUEST)


class VendorDependencyViewSet(ServiceModelViewSet):
    serializer_class = VendorDependencySerializer
    filterset_class = VendorDependencyFilterSet
    search_fields = ["vendor__name", "depends_on__name", "description"]
    ordering_fields = ["id", "created_at"]
    list_selector = selectors.dependency_list
    create_service = services.dependency_create
    update_service = services.dependency_update
    delete_service = services.dependency_delete
    write_roles = PROCUREMENT_WRITERS


class FunctionViewSet(ServiceModelViewSet):
    """A lab's functions (register of information template B_06.01)."""

    serializer_class = FunctionSerializer
    filterset_class = FunctionFilterSet
    search_fields = ["identifier", "name", "reasons"]
    ordering_fields = ["id", "identifier", "name", "critical_or_important", "last_assessed_on", "created_at"]
    list_selector = selectors.function_list
    create_service = function_services.function_create
    update_service = function_services.function_update
    delete_service = function_services.function_delete
    write_roles = PROCUREMENT_WRITERS
