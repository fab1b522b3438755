from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from vendorrisk.core.api_base import ServiceModelViewSet
from vendorrisk.core.roles import SECURITY_WRITERS

from .. import selectors, services
from ..filters import AssessmentFilterSet, FindingFilterSet, QuestionnaireFilterSet
from .serializers import (
    AnswerSerializer,
    AssessmentSerializer,
    CompleteSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    FindingSerializer,
    QuestionnaireDetailSerializer,
    QuestionnaireSerializer,
)


class QuestionnaireViewSet(ServiceModelViewSet):
    filterset_class = QuestionnaireFilterSet
    search_fields = ["name", "source", "description"]
    ordering_fields = ["id", "name", "version", "created_at"]
    list_selector = selectors.questionnaire_list
    create_service = services.questionnaire_create
    update_service = services.questionnaire_update
    delete_service = services.questionnaire_delete
    write_roles = SECURITY_WRITERS

    def get_serializer_class(self):
        return QuestionnaireSerializer if self.action == "list" else QuestionnaireDetailSerializer


def _answer_rows(answers) -> list[dict]:
    return [
        {"question": a.question_id, "code": a.question.code, "response": a.response, "comment": a.comment}
        for a in answers
    ]


class AssessmentActionsMixin:
    @extend_schema(methods=["GET"], responses=AnswerSerializer(many=True))
    @extend_schema(
        methods=["PUT"], request=AnswerSerializer(many=True), responses=AnswerSerializer(many=True)
    )
    @action(
        detail=True,
        methods=["get", "put"],
        serializer_class=AnswerSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def answers(self, request, pk=None):
        assessment = self.get_object()
        if request.method == "GET":
            return Response(_answer_rows(assessment.answers.select_related("question")))
        serializer = AnswerSerializer(data=request.data, many=True, max_length=5000)
        serializer.is_valid(raise_exception=True)
        answers = services.answers_put(
            actor=request.user, assessment=assessment, answers=serializer.validated_data
        )
        return Response(_answer_rows(answers))

    @extend_schema(request=CompleteSerializer, responses={200: AssessmentSerializer})
    @action(
        detail=True,
        methods=["post"],
        serializer_class=CompleteSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def complete(self, request, pk=None):
        assessment = self.get_object()
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_complete(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return Response(
            AssessmentSerializer(assessment, context={"request": request}).data, status=status.HTTP_200_OK
        )


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """A download answers the file whatever the client says it accepts (no 406 for Accept: application/pdf)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EVIDENCE_ID = OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class EvidenceActionsMixin:
    """Documents of an assessment: security and admin upload and delete; whoever sees the vendor reads."""

    def _evidence_item(self, assessment):
        return get_object_or_404(
            selectors.evidence_list(user=self.request.user, assessment=assessment),
            pk=self.kwargs["evidence_id"],
        )

    def _evidence_data(self, rows, **kwargs):
        return EvidenceSerializer(rows, context={"request": self.request}, **kwargs).data

    @extend_schema(
        methods=["GET"],
        responses=EvidenceSerializer(many=True),
        description="The assessment's documents (metadata), newest first; fetch a file from its download_url.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={201: EvidenceSerializer},
        description="Upload a document (multipart: `file`, optional `expires_on`). The type is checked by "
        "content and must match the file's extension; larger than VENDORRISK_EVIDENCE_MAX_BYTES is a 400 "
        "on `file`, a request body over MAX_REQUEST_BODY_BYTES a 413.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=EvidenceUploadSerializer,
        parser_classes=[MultiPartParser],
        filter_backends=[],
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        assessment = self.get_object()  # 404 out of sight, then 403 for a role that may not upload
        if request.method == "GET":
            return Response(
                self._evidence_data(
                    selectors.evidence_list(user=request.user, assessment=assessment), many=True
                )
            )
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evidence = services.evidence_upload(
            actor=request.user, assessment=assessment, **serializer.validated_data
        )
        return Response(self._evidence_data(evidence), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], parameters=[EVIDENCE_ID], responses=EvidenceSerializer)
    @extend_schema(
        methods=["DELETE"],
        parameters=[EVIDENCE_ID],
        responses={
            204: None,
            409: OpenApiResponse(description="The assessment is completed: its evidence is kept."),
        },
    )
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)",
        url_name="evidence-detail",
        serializer_class=EvidenceSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def evidence_item(self, request, pk=None, evidence_id=None):
        """One document's metadata; DELETE removes it and its stored file (not once the assessment is completed)."""
        assessment = self.get_object()
        evidence = self._evidence_item(assessment)
        if request.method == "GET":
            return Response(self._evidence_data(evidence))
        services.evidence_delete(actor=request.user, instance=evidence)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[EVIDENCE_ID],
        responses={
            # One entry per type an upload may have (its sniffed type is sent), and the generic one.
            (200, media_type): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as an attachment under its original name, with its sniffed type.",
            )
            for media_type in sorted(
                {kind.content_type for kind in services.EVIDENCE_TYPES.values()}
                | {"application/octet-stream"}
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<evidence_id>[0-9]+)/download",
        url_name="evidence-download",
        filter_backends=[],
        pagination_class=None,
        content_negotiation_class=AnyAcceptNegotiation,
    )
    def evidence_download(self, request, pk=None, evidence_id=None):
        """The document itself, as an attachment (X-Content-Type-Options: nosniff), for whoever sees the vendor."""
        assessment = self.get_object()
        evidence = self._evidence_item(assessment)
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError):
            raise NotFound("The evidence file is missing from storage; upload it again.")
        content_type = evidence.content_type
        if content_type.startswith("text/"):
            content_type += "; charset=utf-8"
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


@extend_schema_view(update=extend_schema(exclude=True))  # PUT is 405 (below): keep it out of the schema
class AssessmentViewSet(EvidenceActionsMixin, AssessmentActionsMixin, ServiceModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    search_fields = ["vendor__name", "notes"]
    ordering_fields = ["id", "completed_at", "valid_until", "score", "created_at"]
    list_selector = selectors.assessment_list
    create_service = services.assessment_create
    update_service = services.assessment_update
    delete_service = services.assessment_delete
    write_roles = SECURITY_WRITERS

    @property
    def allowed_methods(self):
        # The detail route binds PUT to `update` (refused below): its Allow header must not offer it.
        methods = super().allowed_methods
        if (getattr(self, "action_map", None) or {}).get("put") == "update":
            methods = [m for m in methods if m != "PUT"]
        return methods

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            # DESIGN.md lists PATCH, not PUT, for assessments (PUT is only for …/answers/).
            raise MethodNotAllowed("PUT")
        return super().update(request, *args, **kwargs)


class FindingViewSet(ServiceModelViewSet):
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    search_fields = ["title", "description", "assessment__vendor__name"]
    ordering_fields = ["id", "due_on", "severity", "status", "created_at"]
    list_selector = selectors.finding_list
    create_service = services.finding_create
    update_service = services.finding_update
    delete_service = services.finding_delete
    write_roles = SECURITY_WRITERS
