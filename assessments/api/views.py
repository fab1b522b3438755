from vendorrisk.api_base import ServiceModelViewSet
from vendorrisk.roles import SECURITY_WRITERS

from .. import selectors, services
from ..filters import AssessmentFilterSet, FindingFilterSet, QuestionnaireFilterSet
from .serializers import (
    AssessmentSerializer,
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


class AssessmentViewSet(ServiceModelViewSet):
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilterSet
    search_fields = ["vendor__name", "notes"]
    ordering_fields = ["id", "completed_at", "valid_until", "score", "created_at"]
    list_selector = selectors.assessment_list
    create_service = services.assessment_create
    update_service = services.assessment_update
    delete_service = services.assessment_delete
    write_roles = SECURITY_WRITERS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]


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
