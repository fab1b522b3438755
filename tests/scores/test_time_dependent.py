"""Time changes score inputs: the daily beat task marks what crossed a line, and the drain applies it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, Question, Questionnaire, VendorScore
from assessments.tasks import mark_time_dependent_scores
from incidents.models import Incident

from .helpers import engagement, incident, lab, vendor

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_incident_fading_past_365_days_lowers_the_score_through_the_beat_task():
    m = vendor("Vendor M")
    for i in range(3):
        engagement(lab(f"Lab {i}"), m)
    resolved = timezone.now() - timedelta(days=364, hours=23)
    incident(m, status="closed", resolved_at=resolved, discovered_at=resolved - timedelta(days=10))
    with_incident = VendorScore.objects.get(vendor=m).likelihood
    assert with_incident == pytest.approx(1 - 0.5 * (1 - 0.9 * 0.25))

    # Two hours later the incident is past the line: nobody touches the vendor, the beat task marks it.
    later = timezone.now() + timedelta(hours=2)
    Incident.objects.update(resolved_at=resolved)  # unchanged; only time moves
    from unittest import mock

    from assessments import recompute

    with mock.patch("django.utils.timezone.now", return_value=later):
        assert recompute.mark_time_dependent() == 1  # the drain runs in-process after commit
    assert VendorScore.objects.get(vendor=m).likelihood == 0.5
    assert VendorScore.objects.get(vendor=m).score == Decimal("67.1")


def test_an_expired_assessment_returns_the_base_likelihood_to_none_through_the_beat_task():
    m = vendor("Vendor M")
    engagement(lab("Lab A"), m)
    questionnaire = Questionnaire.objects.create(name="Q", version=1)
    question = Question.objects.create(questionnaire=questionnaire, code="SR-1", text="Do you?")
    assessment = assessment_services.assessment_create(actor=None, vendor=m, questionnaire=questionnaire)
    assessment_services.answers_put(
        actor=None, assessment=assessment, answers=[{"question": question.id, "response": "yes"}]
    )
    assessment_services.assessment_complete(actor=None, assessment=assessment)
    assert VendorScore.objects.get(vendor=m).base_likelihood == 0.10  # strong

    Assessment.objects.filter(pk=assessment.pk).update(valid_until=timezone.now().date() - timedelta(days=1))
    assert mark_time_dependent_scores.delay().get() == 1  # eager in tests: the drain follows on commit
    score = VendorScore.objects.get(vendor=m)
    assert score.base_likelihood == 0.5
    assert score.assessment_id is None
