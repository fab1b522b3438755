"""Completing an assessment marks the vendor dirty; the drain (in-process, after commit) moves its likelihood."""

import pytest

from assessments.models import VendorScore, VendorScoreHistory
from tests.scores.helpers import admin_user, engagement, lab, vendor
from vendors.models import ScoreMark

from .helpers import (
    answered_and_completed,
    complete,
    make_questionnaire,
    put_answers,
    start_assessment,
    weighted,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(api_client_for):
    return api_client_for(admin_user())


def test_completing_changes_the_stored_base_likelihood(client):
    m = vendor("Vendor M")
    engagement(lab("Lab M"), m)
    assert VendorScore.objects.get(vendor=m).base_likelihood == 0.5  # no assessment yet
    questionnaire = make_questionnaire(client, *weighted(1, 1))

    body = answered_and_completed(client, m, questionnaire, {"Q1": "yes", "Q2": "yes"})
    assert body["rating"] == "strong"
    score = VendorScore.objects.get(vendor=m)
    assert (score.base_likelihood, score.assessment_id) == (0.10, body["id"])
    assert not ScoreMark.objects.filter(kind="vendor", object_id=m.id).exists()  # drained
    causes = VendorScoreHistory.objects.filter(vendor=m).order_by("-computed_at", "-id").first().causes
    assert f"assessment {body['id']} completed" in [c["cause"] for c in causes]

    # A newer, worse assessment replaces it.
    worse = answered_and_completed(client, m, questionnaire, {"Q1": "no", "Q2": "no"})
    assert worse["rating"] == "unsatisfactory"
    score = VendorScore.objects.get(vendor=m)
    assert (score.base_likelihood, score.assessment_id) == (0.60, worse["id"])


def test_a_failed_completion_marks_nothing(client):
    m = vendor("Vendor N")
    engagement(lab("Lab N"), m)
    questionnaire = make_questionnaire(client, *weighted(1, 1))
    before = VendorScore.objects.get(vendor=m).computed_at
    assessment_id = start_assessment(client, m, questionnaire)
    put_answers(client, assessment_id, questionnaire, {"Q1": "yes"})
    assert complete(client, assessment_id).status_code == 409
    score = VendorScore.objects.get(vendor=m)
    assert (score.base_likelihood, score.computed_at) == (0.5, before)
    assert not ScoreMark.objects.exists()
