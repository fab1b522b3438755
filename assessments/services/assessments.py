"""Writes for assessments: create, edit, delete, answer, and complete (score, rate, lock); the score
marks follow the events (`assessments.consumers`)."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vendorrisk.core import events
from vendorrisk.core.accounts import check_assignee
from vendorrisk.core.audit import acting_as
from vendorrisk.core.dates import add_months
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.services import blocker, model_create, model_delete, model_update
from vendors.models import Engagement
from vendors.rules import highest_criticality

from ..choices import AssessmentStatus
from ..events import answers_recorded_event, assessment_events
from ..models import Answer, Assessment
from ..questionnaire import applicable_questions, assessment_score, rating_for


@transaction.atomic
def assessment_create(*, actor, **data) -> Assessment:
    if data.get("status") == AssessmentStatus.COMPLETED:
        raise ValidationError({"status": "Create the assessment as draft or in_progress, then complete it."})
    check_assignee(field="assessor", user=data.get("assessor"))
    assessment = model_create(Assessment, actor=actor, data=data)
    events.record_many(assessment_events("created", [assessment]), actor=actor)
    return assessment


@transaction.atomic
def assessment_update(*, actor, instance: Assessment, **data) -> Assessment:
    if instance.status == AssessmentStatus.COMPLETED:
        locked = set(data) - {"notes"}
        if any(getattr(instance, f) != v for f, v in data.items() if f in locked):
            raise ApplicationError("This assessment is completed and locked; only its notes can change.")
    elif data.get("status") == AssessmentStatus.COMPLETED:
        raise ApplicationError("Use the complete action to complete an assessment.")
    check_assignee(field="assessor", user=data.get("assessor"), previous_id=instance.assessor_id)
    assessment, changed = model_update(instance, actor=actor, data=data)
    if changed:
        events.record_many(
            assessment_events("updated", [assessment], [changes_of(changed, assessment)]), actor=actor
        )
    return assessment


@transaction.atomic
def assessment_delete(*, actor, instance: Assessment) -> None:
    deleted = assessment_events("deleted", [instance])
    model_delete(
        instance,
        actor=actor,
        blockers={
            "findings": blocker(instance.findings.all(), actor=actor),
            "evidence": blocker(instance.evidence.all(), actor=actor),
        },
    )
    events.record_many(deleted, actor=actor)


def default_valid_until(vendor_id: int, today: date) -> date:
    """From the vendor's highest exposing engagement criticality (configurable months)."""
    months = settings.VENDORRISK_ASSESSMENT_VALIDITY_MONTHS
    exposing = Engagement.objects.filter(vendor_id=vendor_id).exposing()
    highest = highest_criticality(exposing.values_list("criticality", flat=True)) or "none"
    return add_months(today, months[highest])


def _locked(assessment: Assessment) -> None:
    if assessment.status == AssessmentStatus.COMPLETED:
        raise ApplicationError("This assessment is completed; its answers are locked.")


@transaction.atomic
def answers_put(*, actor, assessment: Assessment, answers: list[dict]) -> list[Answer]:
    """Create or replace the given answers (others are kept). Questions must be the questionnaire's own."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _locked(assessment)
    questions = {q.id: q for q in assessment.questionnaire.questions.all()}
    errors = {}
    for index, item in enumerate(answers):
        if item["question"] not in questions:
            errors[str(index)] = (
                f"Question {item['question']} is not part of this assessment's questionnaire."
            )
    if errors:
        raise ValidationError({"answers": [f"item {k}: {v}" for k, v in errors.items()]})
    existing = {a.question_id: a for a in assessment.answers.select_related("question")}
    saved: list[Answer] = []
    with acting_as(actor):
        for item in answers:
            answer = existing.get(item["question"])
            if answer is None:
                answer = Answer.objects.create(
                    assessment=assessment,
                    question=questions[item["question"]],
                    response=item["response"],
                    comment=item.get("comment", ""),
                )
            elif (answer.response, answer.comment) != (item["response"], item.get("comment", "")):
                answer.response, answer.comment = item["response"], item.get("comment", "")
                answer.save()
            else:
                continue
            saved.append(answer)
        if assessment.status == AssessmentStatus.DRAFT and answers:
            assessment.status = AssessmentStatus.IN_PROGRESS
            assessment.save()
    if saved:  # one event for the save, however many answers it wrote
        events.record_many([answers_recorded_event(assessment, saved)], actor=actor)
    return list(assessment.answers.select_related("question").order_by("question__position", "question_id"))


@transaction.atomic
def assessment_complete(
    *, actor, assessment: Assessment, valid_until: date | None = None, completed_at: datetime | None = None
) -> Assessment:
    """Score, rate and lock the assessment. `completed_at` (default now) records a completion made earlier
    (the demo's history); the default validity counts from it."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _locked(assessment)
    questions = list(assessment.questionnaire.questions.all())
    responses = dict(assessment.answers.values_list("question_id", "response"))
    missing = [q.code for q in applicable_questions(questions, responses) if q.id not in responses]
    if missing:
        shown = ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")
        raise ApplicationError(
            f"{len(missing)} applicable question(s) are unanswered: {shown}.", extra={"unanswered": missing}
        )
    score = assessment_score(questions, responses)
    if score is None:
        raise ApplicationError("Every answer is “not applicable”: at least one question needs a real answer.")
    completed_at = completed_at or timezone.now()
    assessment.score = score
    assessment.rating = rating_for(score)
    assessment.completed_at = completed_at
    assessment.valid_until = valid_until or default_valid_until(assessment.vendor_id, completed_at.date())
    assessment.status = AssessmentStatus.COMPLETED
    if actor is not None and getattr(actor, "is_authenticated", False) and assessment.assessor_id is None:
        assessment.assessor = actor
    with acting_as(actor):
        assessment.full_clean()
        assessment.save()
    events.record_many(assessment_events("completed", [assessment]), actor=actor)
    return assessment
