"""Questionnaire arithmetic (DESIGN.md section 2, assessments): which questions apply, the weighted score
and its rating. Pure functions of the questions and the answers: no database, no clock."""

from decimal import ROUND_HALF_UP, Decimal

from .choices import Rating, Response

RESPONSE_VALUE = {Response.YES: Decimal(1), Response.PARTIAL: Decimal("0.5"), Response.NO: Decimal(0)}
RATING_FLOORS = [
    (Decimal(85), Rating.STRONG),
    (Decimal(70), Rating.SATISFACTORY),
    (Decimal(50), Rating.NEEDS_IMPROVEMENT),
]


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
