"""Writes for questionnaires: versioned, each question with its optional condition; each write records
its `questionnaire.*` event (a new version of a questionnaire in use is a `questionnaire.created`)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.core import events
from vendorrisk.core.audit import acting_as
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.services import blocker, model_create, model_delete, model_update

from ..events import questionnaire_event
from ..models import Question, Questionnaire


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
    events.record_many([questionnaire_event("created", questionnaire)], actor=actor)
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
    questionnaire, changed = model_update(instance, actor=actor, data=data)
    changes = changes_of(changed, questionnaire)
    if questions is not None:
        before = _question_dicts(questionnaire)
        with acting_as(actor):
            questionnaire.questions.all().delete()
            _write_questions(questionnaire, questions)
        after = _question_dicts(questionnaire)
        if before != after:  # the questions as codes, in order (the full list is on the questionnaire)
            changes["questions"] = [[q["code"] for q in before], [q["code"] for q in after]]
    if changes:
        events.record_many([questionnaire_event("updated", questionnaire, changes)], actor=actor)
    return questionnaire


@transaction.atomic
def questionnaire_delete(*, actor, instance: Questionnaire) -> None:
    deleted = questionnaire_event("deleted", instance)
    model_delete(
        instance, actor=actor, blockers={"assessments": blocker(instance.assessments.all(), actor=actor)}
    )
    events.record_many([deleted], actor=actor)
