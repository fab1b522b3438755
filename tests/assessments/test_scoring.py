"""Score and rating arithmetic of DESIGN.md section 1 (assessments): weights, na excluded, half-up, bands."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from assessments.questionnaire import applicable_questions, assessment_score, rating_for

from .helpers import answered_and_completed, make_questionnaire, score_of, weighted


def questions(*weights, conditions: dict | None = None) -> list[SimpleNamespace]:
    """Plain question rows: id i, weight, and an optional condition {id: (parent id, [responses])}."""
    conditions = conditions or {}
    return [
        SimpleNamespace(
            id=i,
            weight=Decimal(str(w)),
            condition_question_id=conditions.get(i, (None, []))[0],
            condition_responses=conditions.get(i, (None, []))[1],
        )
        for i, w in enumerate(weights, start=1)
    ]


@pytest.mark.parametrize(
    ("weights", "responses", "expected"),
    [
        ((1, 1), {1: "yes", 2: "yes"}, "100.0"),
        ((1, 1), {1: "no", 2: "no"}, "0.0"),
        ((3, 1), {1: "yes", 2: "no"}, "75.0"),  # weighted, not a plain mean (50.0)
        ((1, 3), {1: "yes", 2: "no"}, "25.0"),
        ((1, 1), {1: "partial", 2: "yes"}, "75.0"),  # partial counts half
        ((2, 1, 1), {1: "partial", 2: "no", 3: "yes"}, "50.0"),
        ((1, 5), {1: "yes", 2: "na"}, "100.0"),  # na is excluded with its weight
        ((1, 1, 1), {1: "yes", 2: "no", 3: "na"}, "50.0"),
        ((1, 1, 1), {1: "yes", 2: "no", 3: "no"}, "33.3"),
        ((1, 1, 1), {1: "yes", 2: "yes", 3: "no"}, "66.7"),
    ],
)
def test_score_is_the_weighted_mean_of_answered_questions_times_100(weights, responses, expected):
    assert assessment_score(questions(*weights), responses) == Decimal(expected)


@pytest.mark.parametrize(
    ("yes_weight", "no_weight", "expected"),
    [
        ("16.97", "3.03", "84.9"),  # exactly 84.85: half-up (banker's and float rounding give 84.8)
        ("16.99", "3.01", "85.0"),  # exactly 84.95 → 85.0
        ("13.01", "6.99", "65.1"),  # exactly 65.05 (float rounding gives 65.0)
        ("1", "7", "12.5"),
    ],
)
def test_score_rounds_half_up_to_one_decimal(yes_weight, no_weight, expected):
    qs = questions(yes_weight, no_weight)
    assert assessment_score(qs, {1: "yes", 2: "no"}) == Decimal(expected)


def test_every_answer_na_or_none_answered_has_no_score():
    assert assessment_score(questions(1, 1), {1: "na", 2: "na"}) is None
    assert assessment_score(questions(1, 1), {}) is None


def test_unanswered_questions_do_not_count_towards_the_score():
    assert assessment_score(questions(1, 1, 1), {1: "yes", 2: "no"}) == Decimal("50.0")


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        ("100.0", "strong"),
        ("85.0", "strong"),
        ("84.9", "satisfactory"),
        ("70.0", "satisfactory"),
        ("69.9", "needs_improvement"),
        ("50.0", "needs_improvement"),
        ("49.9", "unsatisfactory"),
        ("0.0", "unsatisfactory"),
    ],
)
def test_rating_floors_are_85_70_and_50(score, rating):
    assert rating_for(Decimal(score)) == rating


def test_a_conditional_question_applies_only_when_its_condition_holds():
    qs = questions(1, 1, 1, conditions={2: (1, ["yes", "partial"]), 3: (2, ["no"])})
    assert [q.id for q in applicable_questions(qs, {1: "no"})] == [1]
    assert [q.id for q in applicable_questions(qs, {1: "partial"})] == [1, 2]
    assert [q.id for q in applicable_questions(qs, {1: "yes", 2: "no"})] == [1, 2, 3]
    # A chain: question 3 hangs on 2, which does not apply once 1 is "no", whatever 2's stale answer says.
    assert [q.id for q in applicable_questions(qs, {1: "no", 2: "no"})] == [1]


def test_an_answer_to_a_question_that_does_not_apply_is_not_scored():
    qs = questions(1, 1, conditions={2: (1, ["yes"])})
    assert assessment_score(qs, {1: "no", 2: "yes"}) == Decimal("0.0")
    assert assessment_score(qs, {1: "yes", 2: "no"}) == Decimal("50.0")


# --- the same arithmetic end to end: what POST …/complete/ stores and answers ----------------------


@pytest.mark.parametrize(
    ("yes", "no", "score", "rating"),
    [
        (17, 3, "85.0", "strong"),
        (7, 3, "70.0", "satisfactory"),
        (1, 1, "50.0", "needs_improvement"),
        (9, 11, "45.0", "unsatisfactory"),
    ],
)
def test_completing_stores_the_score_and_rating_at_the_boundaries(
    security_api, vendor_a, yes, no, score, rating
):
    questionnaire = make_questionnaire(security_api, *weighted(*[1] * (yes + no)))
    responses = {f"Q{i}": "yes" if i <= yes else "no" for i in range(1, yes + no + 1)}
    body = answered_and_completed(security_api, vendor_a, questionnaire, responses)
    assert (score_of(body), body["rating"], body["status"]) == (Decimal(score), rating, "completed")


def test_completing_weights_questions_and_leaves_na_out(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted("16.97", "3.03", "50"))
    body = answered_and_completed(
        security_api, vendor_a, questionnaire, {"Q1": "yes", "Q2": "no", "Q3": "na"}
    )
    assert (score_of(body), body["rating"]) == (Decimal("84.9"), "satisfactory")
