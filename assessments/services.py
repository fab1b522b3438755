"""Writes for questionnaires (versioned), assessments and findings."""

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.audit import acting_as
from vendorrisk.errors import ApplicationError
from vendorrisk.services import blocker, model_create, model_delete, model_update
from vendors import dirty

from .choices import AssessmentStatus
from .models import Assessment, Finding, Question, Questionnaire


def _write_questions(questionnaire: Questionnaire, questions: list[dict]) -> None:
    """Create questions in order; conditions refer to another question's code in the same questionnaire."""
    codes = [q["code"] for q in questions]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValidationError({"questions": f"Question codes must be unique; repeated: {', '.join(dupes)}."})
    by_code: dict[str, Question] = {}
    for position, q in enumerate(questions):
        condition = q.get("condition") or None
        question = Question(
            questionnaire=questionnaire,
            code=q["code"],
            domain=q.get("domain", ""),
            text=q["text"],
            weight=q.get("weight", 1),
            position=position,
        )
        if condition:
            target = by_code.get(condition["question"])
            if target is None:
                raise ValidationError(
                    {
                        "questions": f"Question {q['code']}: the condition names {condition['question']!r}, "
                        "which is not an earlier question of this questionnaire."
                    }
                )
            question.condition_question = target
            question.condition_responses = condition["responses"]
        try:
            question.full_clean()
        except ValidationError as exc:
            raise ValidationError({"questions": [f"Question {q['code']}: {m}" for m in exc.messages]})
        question.save()
        by_code[question.code] = question


def _question_dicts(questionnaire: Questionnaire) -> list[dict]:
    return [
        {
            "code": q.code,
            "domain": q.domain,
            "text": q.text,
            "weight": q.weight,
            "condition": (
                {"question": q.condition_question.code, "responses": q.condition_responses}
                if q.condition_question_id
                else None
            ),
        }
        for q in questionnaire.questions.select_related("condition_question").order_by("position", "id")
    ]


@transaction.atomic
def questionnaire_create(*, actor, questions: list[dict] | None = None, **data) -> Questionnaire:
    questionnaire = model_create(Questionnaire, actor=actor, data=data)
    with acting_as(actor):
        _write_questions(questionnaire, questions or [])
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *, actor, instance: Questionnaire, questions: list[dict] | None = None, **data
) -> Questionnaire:
    """Edit in place while unused; once an assessment uses it, write a new version instead."""
    if instance.assessments.exists():
        latest = (
            Questionnaire.objects.filter(name=data.get("name", instance.name)).order_by("-version").first()
        )
        new_data = {
            "name": instance.name,
            "source": instance.source,
            "description": instance.description,
            **data,
            "version": (latest.version if latest else instance.version) + 1,
        }
        return questionnaire_create(
            actor=actor,
            questions=questions if questions is not None else _question_dicts(instance),
            **new_data,
        )
    questionnaire, _ = model_update(instance, actor=actor, data=data)
    if questions is not None:
        with acting_as(actor):
            questionnaire.questions.all().delete()
            _write_questions(questionnaire, questions)
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, actor, instance: Questionnaire) -> None:
    model_delete(instance, actor=actor, blockers={"assessments": blocker(instance.assessments.all())})


@transaction.atomic
def assessment_create(*, actor, **data) -> Assessment:
    if data.get("status") == AssessmentStatus.COMPLETED:
        raise ValidationError({"status": "Create the assessment as draft or in_progress, then complete it."})
    assessment = model_create(Assessment, actor=actor, data=data)
    return assessment


@transaction.atomic
def assessment_update(*, actor, instance: Assessment, **data) -> Assessment:
    if instance.status == AssessmentStatus.COMPLETED:
        locked = set(data) - {"notes"}
        if any(getattr(instance, f) != v for f, v in data.items() if f in locked):
            raise ApplicationError("This assessment is completed and locked; only its notes can change.")
    elif data.get("status") == AssessmentStatus.COMPLETED:
        raise ApplicationError("Use the complete action to complete an assessment.")
    old_vendor = instance.vendor_id
    assessment, changed = model_update(instance, actor=actor, data=data)
    if "vendor" in changed and assessment.status == AssessmentStatus.COMPLETED:
        dirty.mark_vendor(vendor_id=old_vendor, cause=f"assessment {assessment.id} updated")
    return assessment


@transaction.atomic
def assessment_delete(*, actor, instance: Assessment) -> None:
    was_completed = instance.status == AssessmentStatus.COMPLETED
    vendor_id, pk = instance.vendor_id, instance.pk
    model_delete(instance, actor=actor, blockers={"findings": blocker(instance.findings.all())})
    if was_completed:
        dirty.mark_vendor(vendor_id=vendor_id, cause=f"assessment {pk} deleted")


@transaction.atomic
def finding_create(*, actor, **data) -> Finding:
    return model_create(Finding, actor=actor, data=data)


@transaction.atomic
def finding_update(*, actor, instance: Finding, **data) -> Finding:
    return model_update(instance, actor=actor, data=data)[0]


@transaction.atomic
def finding_delete(*, actor, instance: Finding) -> None:
    model_delete(instance, actor=actor)


# --- answering and completing ----------------------------------------------------------------------

import calendar  # noqa: E402
from datetime import date  # noqa: E402
from decimal import ROUND_HALF_UP, Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from vendors.choices import Criticality  # noqa: E402
from vendors.models import Engagement  # noqa: E402

from .choices import Rating, Response  # noqa: E402
from .models import Answer  # noqa: E402

RESPONSE_VALUE = {Response.YES: Decimal(1), Response.PARTIAL: Decimal("0.5"), Response.NO: Decimal(0)}
RATING_FLOORS = [
    (Decimal(85), Rating.STRONG),
    (Decimal(70), Rating.SATISFACTORY),
    (Decimal(50), Rating.NEEDS_IMPROVEMENT),
]
CRITICALITY_ORDER = [Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.CRITICAL]


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def applicable_questions(questions, responses: dict[int, str]) -> list:
    """Questions that apply given the answers: a conditional one applies when its condition holds."""
    by_id = {q.id: q for q in questions}
    memo: dict[int, bool] = {}

    def applies(q, depth=0) -> bool:
        if q.id in memo:
            return memo[q.id]
        result = True
        if q.condition_question_id and depth < 50:
            parent = by_id.get(q.condition_question_id)
            result = (
                parent is not None
                and applies(parent, depth + 1)
                and responses.get(parent.id) in set(q.condition_responses)
            )
        memo[q.id] = result
        return result

    return [q for q in questions if applies(q)]


def assessment_score(questions, responses: dict[int, str]) -> Decimal | None:
    """Weighted mean of answered applicable questions (yes 1, partial 0.5, no 0, na excluded) × 100, 1 dp."""
    total = weight = Decimal(0)
    for q in applicable_questions(questions, responses):
        response = responses.get(q.id)
        if response in RESPONSE_VALUE:
            total += Decimal(q.weight) * RESPONSE_VALUE[response]
            weight += Decimal(q.weight)
    if weight == 0:
        return None
    return (total / weight * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rating_for(score: Decimal) -> str:
    for floor, rating in RATING_FLOORS:
        if score >= floor:
            return rating
    return Rating.UNSATISFACTORY


def default_valid_until(vendor_id: int, today: date) -> date:
    """From the vendor's highest exposing engagement criticality (configurable months)."""
    months = settings.VENDORRISK_ASSESSMENT_VALIDITY_MONTHS
    exposing = [
        e.criticality
        for e in Engagement.objects.filter(vendor_id=vendor_id).exclude(status="proposed")
        if e.is_exposing
    ]
    highest = max(exposing, key=CRITICALITY_ORDER.index) if exposing else "none"
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
    existing = {a.question_id: a for a in assessment.answers.all()}
    with acting_as(actor):
        for item in answers:
            answer = existing.get(item["question"])
            if answer is None:
                Answer.objects.create(
                    assessment=assessment,
                    question_id=item["question"],
                    response=item["response"],
                    comment=item.get("comment", ""),
                )
            elif (answer.response, answer.comment) != (item["response"], item.get("comment", "")):
                answer.response, answer.comment = item["response"], item.get("comment", "")
                answer.save()
        if assessment.status == AssessmentStatus.DRAFT and answers:
            assessment.status = AssessmentStatus.IN_PROGRESS
            assessment.save()
    return list(assessment.answers.select_related("question").order_by("question__position", "question_id"))


@transaction.atomic
def assessment_complete(*, actor, assessment: Assessment, valid_until: date | None = None) -> Assessment:
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
    now = timezone.now()
    assessment.score = score
    assessment.rating = rating_for(score)
    assessment.completed_at = now
    assessment.valid_until = valid_until or default_valid_until(assessment.vendor_id, now.date())
    assessment.status = AssessmentStatus.COMPLETED
    if actor is not None and getattr(actor, "is_authenticated", False) and assessment.assessor_id is None:
        assessment.assessor = actor
    with acting_as(actor):
        assessment.full_clean()
        assessment.save()
    dirty.mark_vendor(vendor_id=assessment.vendor_id, cause=f"assessment {assessment.id} completed")
    return assessment
