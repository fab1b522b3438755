"""Assessment pages: the list, one assessment with its answers, findings and evidence; the findings list."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from assessments.selectors import assessment_list, finding_list

from .base import listing
from .filters import AssessmentListFilterSet, FindingListFilterSet

ASSESSMENT_SORTS = {
    "vendor": "vendor__name",
    "status": "status",
    "score": "score",
    "completed_at": "completed_at",
    "valid_until": "valid_until",
    "id": "id",
}
FINDING_SORTS = {
    "title": "title",
    "vendor": "assessment__vendor__name",
    "severity": "severity",
    "status": "status",
    "due_on": "due_on",
}


@login_required
def assessment_list_view(request):
    page = listing(
        request,
        assessment_list(user=request.user),
        filterset_class=AssessmentListFilterSet,
        sorts=ASSESSMENT_SORTS,
        default_sort="-id",
        search_fields=("vendor__name", "notes"),
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {"listing": page, "sort": page.sort, "today": timezone.now().date()},
    )


@login_required
def assessment_detail(request, pk):
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    answers = {
        a.question_id: a
        for a in assessment.answers.select_related("question").order_by("question__position", "id")
    }
    questions = list(assessment.questionnaire.questions.order_by("position", "id"))
    rows = [{"question": q, "answer": answers.get(q.id)} for q in questions]
    context = {
        "assessment": assessment,
        "rows": rows,
        "answered": len(answers),
        "findings": list(finding_list(user=request.user).filter(assessment=assessment).order_by("id")),
        "today": timezone.now().date(),
        "evidence": list(assessment.evidence.select_related("uploaded_by").order_by("-created_at", "-id")),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def finding_list_view(request):
    page = listing(
        request,
        finding_list(user=request.user),
        filterset_class=FindingListFilterSet,
        sorts=FINDING_SORTS,
        default_sort="due_on",
        search_fields=("title", "description", "assessment__vendor__name"),
    )
    return render(request, "assessments/finding_list.html", {"listing": page, "sort": page.sort})
