from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from vendorrisk.api_base import ServiceModelViewSet
from vendorrisk.roles import SECURITY_WRITERS

from .. import selectors, services
from ..filters import AssessmentFilterSet, FindingFilterSet, QuestionnaireFilterSet
from .serializers import (
    AnswerSerializer,
    AssessmentSerializer,
    CompleteSerializer,
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


@extend_schema_view(update=extend_schema(exclude=True))  # PUT is 405 (below): keep it out of the schema
class AssessmentViewSet(AssessmentActionsMixin, ServiceModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    search_fields = ["vendor__name", "notes"]
    ordering_fields = ["id", "completed_at", "valid_until", "score", "created_at"]
    list_selector = selectors.assessment_list
    create_service = services.assessment_create
    update_service = services.assessment_update
    delete_service = services.assessment_delete
    write_roles = SECURITY_WRITERS

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
