"""Which answers the demo gives: the scenario's own for its questionnaire, seeded draws for any other."""

import random

from assessments.models import Questionnaire

from .scenario import DEMO_QUESTIONNAIRE, DEMO_QUESTIONS, RANDOM_RESPONSE_WEIGHTS

OWN_RESPONSES = {q.code: q.response for q in DEMO_QUESTIONS}


def plan_answers(questionnaire: Questionnaire, share: float, rng: random.Random) -> dict:
    """Responses for the applicable questions (in order, a condition seeing the earlier answers), the first
    `share` of them. At least one is a real answer, so a complete plan can be scored."""
    questions = list(questionnaire.questions.select_related("condition_question").order_by("position", "id"))
    own = OWN_RESPONSES if questionnaire.name == DEMO_QUESTIONNAIRE else {}
    by_code: dict[str, str] = {}
    plan: dict = {}
    for question in questions:
        if question.condition_question_id:
            condition = by_code.get(question.condition_question.code)
            if condition not in question.condition_responses:
                continue
        response = own.get(question.code)
        if response is None:
            response = rng.choices(
                list(RANDOM_RESPONSE_WEIGHTS), weights=list(RANDOM_RESPONSE_WEIGHTS.values())
            )[0]
        by_code[question.code] = response
        plan[question] = response
    if plan and all(r == "na" for r in plan.values()):
        plan[next(iter(plan))] = "yes"
    keep = max(1, round(len(plan) * share))
    return dict(list(plan.items())[:keep])
