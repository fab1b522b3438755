"""The reference case of DESIGN.md section 2, end to end: services → marks → drain → stored → API."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from assessments.models import LabConcentration, VendorScore, VendorScoreHistory
from vendors.models import ScoreMark

from .helpers import admin_user, engagement, incident, lab, vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_world():
    m = vendor("Vendor M")
    labs = [lab(f"Reference Lab {i}") for i in range(3)]
    for each in labs:
        engagement(each, m)
    return m, labs


def test_reference_case_scores_67_1_then_87_2_after_a_critical_incident(reference_world):
    m, labs = reference_world
    client = APIClient()
    client.force_authenticate(admin_user())

    risk = client.get(f"/api/vendors/{m.id}/risk/").json()
    assert risk["score"] == 67.1
    assert risk["band"] == "high"
    assert risk["impact"] == pytest.approx(0.894601, abs=1e-6)
    assert risk["likelihood"] == 0.5
    assert risk["lab_equivalents"] == 2.25
    assert risk["labs_exposed"] == 3
    assert risk["stale"] is False
    for each in labs:
        concentration = client.get(f"/api/labs/{each.id}/concentration/").json()
        assert concentration["hhi"] == 10000
        assert concentration["band"] == "high"
        assert concentration["top_vendor"] == m.id
        assert concentration["vendors"] == [
            {"vendor": m.id, "harm": 0.75, "score": 56.3, "band": "high"}
        ]  # 100·0.75·0.75 = 56.25, half up

    incident(m)
    risk = client.get(f"/api/vendors/{m.id}/risk/").json()
    assert risk["likelihood"] == 0.95
    assert risk["score"] == 87.2
    assert risk["band"] == "critical"

    history = client.get(f"/api/vendors/{m.id}/risk/history/").json()
    assert [h["score"] for h in history[:2]] == [87.2, 67.1]
    assert history[0]["causes"][0]["cause"].startswith("incident ")
    assert ScoreMark.objects.count() == 0


def test_pending_marks_show_as_stale(reference_world):
    m, _ = reference_world
    ScoreMark.objects.create(kind="vendor", object_id=m.id, cause="test")
    client = APIClient()
    client.force_authenticate(admin_user())
    assert client.get(f"/api/vendors/{m.id}/risk/").json()["stale"] is True
    rows = client.get("/api/risk/vendors/").json()["results"]
    assert rows[0]["vendor"] == m.id and rows[0]["stale"] is True and rows[0]["vendor_name"] == "Vendor M"


def test_history_is_written_only_when_a_stored_value_changes(reference_world):
    m, labs = reference_world
    before = VendorScoreHistory.objects.filter(vendor=m).count()
    # A change that does not move M's score (a note) writes no history row.
    from vendors import services

    e = labs[0].engagements.first()
    services.engagement_update(actor=None, instance=e, notes="renewal discussed")
    assert VendorScoreHistory.objects.filter(vendor=m).count() == before
    assert VendorScore.objects.get(vendor=m).score == Decimal("67.1")
    assert LabConcentration.objects.count() == 3
