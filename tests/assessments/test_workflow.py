"""Answering, completing and locking an assessment; conditional questions; validity; versioning."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from assessments.models import Answer, Assessment, Question, Questionnaire
from tests import factories as f

from .helpers import (
    ASSESSMENTS,
    complete,
    make_questionnaire,
    put_answers,
    question_ids,
    start_assessment,
    weighted,
)

CONDITIONAL = (
    {"code": "SR-1"},
    {"code": "SR-2", "condition": {"question": "SR-1", "responses": ["yes", "partial"]}},
    {"code": "SR-3"},
)


# --- conditional questions -------------------------------------------------------------------------


def test_a_conditional_question_whose_condition_fails_is_not_required(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *CONDITIONAL)
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"SR-1": "no", "SR-3": "yes"})
    response = complete(security_api, assessment_id)
    assert response.status_code == 200, response.json()
    assert response.json()["score"] == "50.0"  # SR-2 neither required nor scored


def test_a_conditional_question_whose_condition_holds_is_required(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *CONDITIONAL)
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"SR-1": "partial", "SR-3": "yes"})
    response = complete(security_api, assessment_id)
    assert response.status_code == 409
    assert response.json()["unanswered"] == ["SR-2"]
    assert "SR-2" in response.json()["detail"]

    put_answers(security_api, assessment_id, questionnaire, {"SR-2": "no"})
    response = complete(security_api, assessment_id)
    assert response.status_code == 200
    assert response.json()["score"] == "50.0"  # partial 0.5 + no 0 + yes 1 over 3


# --- completion rules and locking ------------------------------------------------------------------


def test_completing_with_unanswered_questions_is_409_listing_their_codes(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1, 1, 1, 1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"Q2": "yes"})
    response = complete(security_api, assessment_id)
    assert response.status_code == 409
    assert response.json()["unanswered"] == ["Q1", "Q3", "Q4"]
    assessment = Assessment.objects.get(pk=assessment_id)
    assert (assessment.status, assessment.score, assessment.completed_at) == ("in_progress", None, None)


def test_completing_when_every_answer_is_na_is_409(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1, 1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"Q1": "na", "Q2": "na"})
    response = complete(security_api, assessment_id)
    assert response.status_code == 409
    assert "not applicable" in response.json()["detail"]
    assert Assessment.objects.get(pk=assessment_id).status == "in_progress"


def test_completion_sets_dates_and_locks_the_answers(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1, 1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    assert Assessment.objects.get(pk=assessment_id).status == "draft"
    put_answers(security_api, assessment_id, questionnaire, {"Q1": "yes", "Q2": "partial"})
    assert Assessment.objects.get(pk=assessment_id).status == "in_progress"
    before = timezone.now()
    body = complete(security_api, assessment_id).json()
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.status == body["status"] == "completed"
    assert before <= assessment.completed_at <= timezone.now()
    assert assessment.valid_until is not None and body["valid_until"] == assessment.valid_until.isoformat()
    assert (body["score"], body["rating"]) == ("75.0", "satisfactory")

    # Answers are locked: changing one, or adding one, is 409 and changes nothing.
    response = put_answers(security_api, assessment_id, questionnaire, {"Q1": "no"})
    assert response.status_code == 409
    assert "locked" in response.json()["detail"]
    assert Answer.objects.get(assessment_id=assessment_id, question__code="Q1").response == "yes"
    # Completing twice is 409 too, and keeps the first result.
    again = complete(security_api, assessment_id)
    assert again.status_code == 409
    assert Assessment.objects.get(pk=assessment_id).completed_at == assessment.completed_at
    # Reading still works.
    answers = security_api.get(f"{ASSESSMENTS}{assessment_id}/answers/").json()
    assert {a["code"]: a["response"] for a in answers} == {"Q1": "yes", "Q2": "partial"}


def test_a_completed_assessment_keeps_its_result_fields_but_notes_may_change(
    security_api, vendor_a, vendor_b
):
    questionnaire = make_questionnaire(security_api, *weighted(1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"Q1": "yes"})
    complete(security_api, assessment_id)
    url = f"{ASSESSMENTS}{assessment_id}/"
    assert security_api.patch(url, {"vendor": vendor_b.id}, format="json").status_code == 409
    assert security_api.patch(url, {"valid_until": "2040-01-01"}, format="json").status_code == 409
    response = security_api.patch(url, {"notes": "Reviewed with the vendor's CISO."}, format="json")
    assert response.status_code == 200
    assessment = Assessment.objects.get(pk=assessment_id)
    assert (assessment.vendor_id, assessment.notes) == (vendor_a.id, "Reviewed with the vendor's CISO.")


def test_status_completed_cannot_be_set_by_hand(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    response = security_api.patch(f"{ASSESSMENTS}{assessment_id}/", {"status": "completed"}, format="json")
    assert response.status_code == 400
    assert "status" in response.json()
    assert Assessment.objects.get(pk=assessment_id).status == "draft"


def test_answering_a_question_of_another_questionnaire_is_400(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1), name="Ours")
    other = make_questionnaire(security_api, *weighted(1), name="Theirs")
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    foreign = other.questions.get().id
    response = security_api.put(
        f"{ASSESSMENTS}{assessment_id}/answers/", [{"question": foreign, "response": "yes"}], format="json"
    )
    assert response.status_code == 400
    assert str(foreign) in str(response.json()["answers"])
    assert not Answer.objects.filter(assessment_id=assessment_id).exists()


@pytest.mark.parametrize("role", ["viewer", "procurement"])
def test_only_security_and_admin_answer_and_complete(
    api_client_for, role_users, security_api, vendor_a, role
):
    questionnaire = make_questionnaire(security_api, *weighted(1))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    client = api_client_for(role_users[role])
    assert put_answers(client, assessment_id, questionnaire, {"Q1": "yes"}).status_code == 403
    put_answers(security_api, assessment_id, questionnaire, {"Q1": "yes"})
    assert complete(client, assessment_id).status_code == 403
    assert client.get(f"{ASSESSMENTS}{assessment_id}/answers/").status_code == 200
    assert Assessment.objects.get(pk=assessment_id).status == "in_progress"


# --- valid_until defaults --------------------------------------------------------------------------

TODAY = dt.datetime(2026, 8, 31, 12, 0, tzinfo=dt.UTC)  # a month end: +6 months clamps to Feb 28


def _complete_on_today(client, vendor, **body):
    questionnaire = make_questionnaire(client, *weighted(1), name=f"Review of {vendor.name}")
    assessment_id = start_assessment(client, vendor, questionnaire)
    put_answers(client, assessment_id, questionnaire, {"Q1": "yes"})
    with mock.patch("django.utils.timezone.now", return_value=TODAY):
        response = complete(client, assessment_id, **body)
    assert response.status_code == 200, response.json()
    return response.json()["valid_until"]


@pytest.mark.parametrize(
    ("criticalities", "expected"),
    [
        (["critical"], "2027-02-28"),  # 6 months
        (["high"], "2027-08-31"),  # 12
        (["medium"], "2028-08-31"),  # 24
        (["low"], "2029-08-31"),  # 36
        ([], "2027-08-31"),  # no engagement: 12
        (["low", "critical", "medium"], "2027-02-28"),  # the highest counts
    ],
)
def test_valid_until_defaults_from_the_highest_exposing_criticality(
    security_api, lab_a, lab_b, criticalities, expected
):
    vendor = f.VendorFactory()
    for i, criticality in enumerate(criticalities):
        f.EngagementFactory(lab=(lab_a, lab_b)[i % 2], vendor=vendor, criticality=criticality)
    assert _complete_on_today(security_api, vendor) == expected


def test_engagements_that_do_not_expose_do_not_set_the_validity(security_api, lab_a):
    vendor = f.VendorFactory()
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="critical", status="proposed")
    f.EngagementFactory(
        lab=lab_a,
        vendor=vendor,
        criticality="critical",
        status="ended",
        end_date=dt.date(2025, 6, 30),
        data_disposed_on=dt.date(2025, 7, 15),
    )
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="medium")
    # Neither a proposed engagement nor one whose data was disposed of exposes: medium decides.
    assert _complete_on_today(security_api, vendor) == "2028-08-31"


def test_a_suspended_engagement_without_disposal_still_sets_the_validity(security_api, lab_a):
    vendor = f.VendorFactory()
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="critical", status="suspended")
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="low")
    assert _complete_on_today(security_api, vendor) == "2027-02-28"


def test_the_validity_months_are_configurable(security_api, settings, lab_a):
    settings.VENDORRISK_ASSESSMENT_VALIDITY_MONTHS = {
        "critical": 3,
        "high": 9,
        "medium": 18,
        "low": 48,
        "none": 1,
    }
    vendor = f.VendorFactory()
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="critical")
    assert _complete_on_today(security_api, vendor) == "2026-11-30"
    assert _complete_on_today(security_api, f.VendorFactory()) == "2026-09-30"


def test_an_explicit_valid_until_overrides_the_default(security_api, lab_a):
    vendor = f.VendorFactory()
    f.EngagementFactory(lab=lab_a, vendor=vendor, criticality="critical")
    assert _complete_on_today(security_api, vendor, valid_until="2026-12-15") == "2026-12-15"


# --- versioning ------------------------------------------------------------------------------------


def test_editing_a_questionnaire_in_use_creates_a_new_version(security_api, vendor_a):
    questionnaire = make_questionnaire(security_api, *weighted(1, 2), name="Annual review")
    old_questions = list(questionnaire.questions.values_list("id", "code", "text", "weight"))
    assessment_id = start_assessment(security_api, vendor_a, questionnaire)
    put_answers(security_api, assessment_id, questionnaire, {"Q1": "yes"})

    body = {
        "name": "Annual review",
        "source": "NIST SP 800-53r5",
        "description": "Now with subprocessors.",
        "questions": [
            {"code": "Q1", "text": "Reworded?", "weight": "3"},
            {"code": "Q9", "text": "Subprocessors listed?"},
        ],
    }
    response = security_api.put(f"/api/questionnaires/{questionnaire.id}/", body, format="json")
    assert response.status_code == 200, response.json()
    new = response.json()
    assert new["id"] != questionnaire.id
    assert new["version"] == questionnaire.version + 1 == 2
    assert [q["code"] for q in new["questions"]] == ["Q1", "Q9"]

    # The old version and its questions are untouched, and the assessment still uses them.
    questionnaire.refresh_from_db()
    assert (questionnaire.version, questionnaire.description) == (1, "")
    assert list(questionnaire.questions.values_list("id", "code", "text", "weight")) == old_questions
    assessment = Assessment.objects.get(pk=assessment_id)
    assert assessment.questionnaire_id == questionnaire.id
    answers = security_api.get(f"{ASSESSMENTS}{assessment_id}/answers/").json()
    assert [(a["question"], a["code"]) for a in answers] == [(question_ids(questionnaire)["Q1"], "Q1")]
    assert Questionnaire.objects.filter(name="Annual review").count() == 2
    # A new assessment of the new version asks the new questions.
    new_id = start_assessment(security_api, vendor_a, Questionnaire.objects.get(pk=new["id"]))
    response = complete(security_api, new_id)
    assert response.status_code == 409 and response.json()["unanswered"] == ["Q1", "Q9"]


def test_editing_a_questionnaire_no_assessment_uses_edits_it_in_place(security_api):
    questionnaire = make_questionnaire(security_api, *weighted(1), name="Draft review")
    body = {"name": "Draft review", "questions": [{"code": "Q2", "text": "New?"}]}
    response = security_api.put(f"/api/questionnaires/{questionnaire.id}/", body, format="json")
    assert response.status_code == 200
    assert (response.json()["id"], response.json()["version"]) == (questionnaire.id, 1)
    assert list(Question.objects.filter(questionnaire=questionnaire).values_list("code", flat=True)) == ["Q2"]
