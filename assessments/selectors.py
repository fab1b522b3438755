"""Reads for questionnaires, assessments and findings."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from vendors.scoping import scope

from .choices import OPEN_FINDING_STATUSES
from .models import Assessment, Finding, Question, Questionnaire


def questionnaire_list(*, user) -> QuerySet[Questionnaire]:
    questions = Question.objects.select_related("condition_question").order_by("position", "id")
    return scope(
        Questionnaire.objects.annotate(question_count=Count("questions", distinct=True)).prefetch_related(
            Prefetch("questions", queryset=questions)
        ),
        user,
    )


def assessment_list(*, user) -> QuerySet[Assessment]:
    return scope(Assessment.objects.select_related("vendor", "questionnaire", "assessor"), user)


def finding_list(*, user) -> QuerySet[Finding]:
    return scope(Finding.objects.select_related("assessment__vendor", "owner"), user)


def overdue_findings(*, user, today=None) -> QuerySet[Finding]:
    today = today or timezone.now().date()
    return finding_list(user=user).filter(status__in=OPEN_FINDING_STATUSES, due_on__lt=today)
