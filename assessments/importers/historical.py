"""Write a parsed questionnaire with historical models, for data migrations (which must not use the
services or the current models). Imports nothing from Django apps, so migrations can load it."""

from __future__ import annotations

from .parsed import ParsedQuestionnaire


def questionnaire_insert_historical(parsed: ParsedQuestionnaire, *, Questionnaire, Question) -> bool:  # noqa: N803
    """Create the questionnaire with the given (historical) models unless one of that name exists.

    For data migrations, which must not use the services or the current models. Returns whether it wrote.
    """
    if Questionnaire.objects.filter(name=parsed.name).exists():
        return False
    questionnaire = Questionnaire.objects.create(
        name=parsed.name, source=parsed.source, description=parsed.description, version=1
    )
    by_code: dict[str, object] = {}
    for position, row in enumerate(parsed.questions):
        condition = row.get("condition") or None
        by_code[row["code"]] = Question.objects.create(
            questionnaire=questionnaire,
            code=row["code"],
            domain=row.get("domain", ""),
            text=row["text"],
            weight=row.get("weight", 1),
            position=position,
            condition_question=by_code[condition["question"]] if condition else None,
            condition_responses=list(condition["responses"]) if condition else [],
        )
    return True
