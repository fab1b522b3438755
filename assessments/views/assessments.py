"""Assessment pages: the list, one assessment with its answers, findings and evidence; the findings list;
starting an assessment, answering it (saved question by question through htmx), completing it, evidence."""

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors, listing, require_roles
from vendorrisk.core.roles import SECURITY_WRITERS, has_role

from .. import services as assessment_services
from ..choices import AssessmentStatus, Response
from ..filters import AssessmentListFilterSet, FindingListFilterSet
from ..forms import AssessmentCreateForm, EvidenceUploadForm
from ..selectors import assessment_list, finding_list

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
def assessment_detail(request, pk, *, evidence_form=None, status=200):
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    may_write = has_role(request.user, SECURITY_WRITERS)
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
        "may_write": may_write,
        "evidence_form": (evidence_form or EvidenceUploadForm()) if may_write else None,
    }
    return render(request, "assessments/assessment_detail.html", context, status=status)


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


# --- starting, answering, completing -------------------------------------------------------------------


@require_roles(SECURITY_WRITERS)
def assessment_create(request):
    vendor_id = request.GET.get("vendor", "")
    form = AssessmentCreateForm(request.POST or None, user=request.user)
    if vendor_id.isdigit():
        initial_vendor = form.fields["vendor"].queryset.filter(pk=int(vendor_id)).first()
        if initial_vendor is not None:
            form.initial["vendor"] = initial_vendor.pk
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_services.assessment_create(
                actor=request.user,
                vendor=form.cleaned_data["vendor"],
                questionnaire=form.cleaned_data["questionnaire"],
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Assessment of {assessment.vendor.name} started.")
            return redirect("ui:assessment-answer", pk=assessment.pk)
    return render(request, "assessments/assessment_form.html", {"form": form})


def _answer_state(assessment):
    """Questions (with their condition), answers by question, the applicable ids, and the progress."""
    questions = list(
        assessment.questionnaire.questions.select_related("condition_question").order_by("position", "id")
    )
    answers = {a.question_id: a for a in assessment.answers.all()}
    responses = {qid: a.response for qid, a in answers.items()}
    applicable = {q.id for q in assessment_services.applicable_questions(questions, responses)}
    progress = {
        "answered": sum(1 for qid in answers if qid in applicable),
        "applicable": len(applicable),
        # the first applicable question still unanswered, in page order ("Next unanswered")
        "next": next((q for q in questions if q.id in applicable and q.id not in answers), None),
    }
    return questions, answers, applicable, progress


def _condition_note(question) -> str:
    if not question.condition_question_id:
        return ""
    parent = question.condition_question
    wanted = " or ".join(str(Response(r).label).lower() for r in question.condition_responses) or "—"
    return f"Asked only when {parent.code} is answered {wanted}."


def _progress_context(assessment, questions, applicable, progress) -> dict:
    return {
        "assessment": assessment,
        "progress": progress,
        "conditional": [
            {"question": q, "applies": q.id in applicable, "note": _condition_note(q)}
            for q in questions
            if q.condition_question_id
        ],
    }


@login_required
def assessment_answer(request, pk, *, complete_error: str = "", status: int = 200):
    """The answering form: questions by domain; each change saves at once (read-only once completed)."""
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    questions, answers, applicable, progress = _answer_state(assessment)
    locked = assessment.status == AssessmentStatus.COMPLETED
    may_write = has_role(request.user, SECURITY_WRITERS) and not locked
    domains: OrderedDict[str, list] = OrderedDict()
    for q in questions:
        answer = answers.get(q.id)
        domains.setdefault(q.domain or "General", []).append(
            {
                "question": q,
                "answer": answer,
                "response": answer.response if answer else "",
                "comment": answer.comment if answer else "",
                "applies": q.id in applicable,
                "note": _condition_note(q),
            }
        )
    context = {
        **_progress_context(assessment, questions, applicable, progress),
        "domains": list(domains.items()),
        "responses": Response.choices,
        "may_write": may_write,
        "locked": locked,
        "complete_error": complete_error,
    }
    return render(request, "assessments/assessment_answer.html", context, status=status)


@require_POST
@require_roles(SECURITY_WRITERS)
def assessment_answer_save(request, pk):
    """One question's answer (htmx, on change): write it, return the progress (and applicability) fragment."""
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    question = request.POST.get("question", "")
    response = request.POST.get("response", "")
    comment = request.POST.get("comment", "").strip()
    if not question.isdigit():
        return HttpResponse("Give the question.", status=400, content_type="text/plain")
    if response not in Response.values:
        return HttpResponse(
            "Choose yes, partial, no or not applicable before the comment is saved.",
            status=400,
            content_type="text/plain",
        )
    try:
        assessment_services.answers_put(
            actor=request.user,
            assessment=assessment,
            answers=[{"question": int(question), "response": response, "comment": comment}],
        )
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=409, content_type="text/plain")
    except ValidationError as exc:
        return HttpResponse("; ".join(exc.messages), status=400, content_type="text/plain")
    assessment.refresh_from_db(fields=["status"])
    questions, _answers, applicable, progress = _answer_state(assessment)
    context = {**_progress_context(assessment, questions, applicable, progress), "oob": True}
    return render(request, "assessments/partials/answer_progress.html", context)


@require_POST
@require_roles(SECURITY_WRITERS)
def assessment_complete(request, pk):
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    try:
        assessment = assessment_services.assessment_complete(actor=request.user, assessment=assessment)
    except ApplicationError as exc:
        return assessment_answer(request, pk, complete_error=exc.message, status=409)
    except ValidationError as exc:
        return assessment_answer(request, pk, complete_error="; ".join(exc.messages), status=400)
    messages.success(
        request,
        f"Assessment completed: score {assessment.score}, rated {assessment.get_rating_display()}. "
        "Scores are recalculating.",
    )
    return redirect("ui:assessment-detail", pk=pk)


@require_POST
@require_roles(SECURITY_WRITERS)
def assessment_evidence_upload(request, pk):
    assessment = get_object_or_404(assessment_list(user=request.user), pk=pk)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return assessment_detail(request, pk, evidence_form=form, status=400)
    try:
        evidence = assessment_services.evidence_upload(
            actor=request.user,
            assessment=assessment,
            file=form.cleaned_data["file"],
            expires_on=form.cleaned_data["expires_on"],
        )
    except (ValidationError, ApplicationError) as exc:
        add_service_errors(form, exc)
        return assessment_detail(request, pk, evidence_form=form, status=400)
    messages.success(request, f"Evidence “{evidence.original_name}” attached.")
    return redirect("ui:assessment-detail", pk=pk)
