"""Per-lab responses: only exposed labs respond, awareness is not in the future, halting offers the action."""

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import LabResponse
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(vendor_a, engagement_a, engagement_b):
    """A breach at Vendor Alpha: Lab A is exposed (engagement_a), Lab B is not (it works with Beta)."""
    return f.IncidentFactory(vendor=vendor_a, title="Alpha breach")


def url(incident) -> str:
    return f"/api/incidents/{incident.pk}/responses/"


def body(lab, **extra) -> dict:
    return {"lab": lab.id, "decision": "investigating", "reason": "Waiting for the vendor's report.", **extra}


def test_an_exposed_lab_records_its_response(incident, lab_a, security_lab_a_api):
    response = security_lab_a_api.post(url(incident), body(lab_a, aware_at="2025-03-02T09:00:00Z"))
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["lab"], row["lab_name"], row["decision"], row["halt_action"]) == (
        lab_a.id,
        "Lab A",
        "investigating",
        None,
    )
    assert row["decided_by_name"] == "security_lab_a"


def test_a_lab_that_is_not_exposed_cannot_respond(incident, lab_b, security_api):
    response = security_api.post(url(incident), body(lab_b))
    assert response.status_code == 400
    assert response.json() == {"lab": ["This lab is not exposed to this incident."]}
    assert not LabResponse.objects.exists()


def test_an_out_of_scope_lab_reads_like_an_unknown_one(incident, lab_b, security_lab_a_api):
    out = security_lab_a_api.post(url(incident), body(lab_b)).json()
    unknown = security_lab_a_api.post(url(incident), {**body(lab_b), "lab": 999999}).json()
    assert out["lab"] == [unknown["lab"][0].replace("999999", str(lab_b.id))]
    assert "exposed" not in str(out)


def test_awareness_cannot_be_in_the_future(incident, lab_a, security_api):
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = security_api.post(url(incident), body(lab_a, aware_at=future))
    assert response.status_code == 400 and list(response.json()) == ["aware_at"]

    made = security_api.post(url(incident), body(lab_a)).json()
    response = security_api.patch(f"{url(incident)}{made['id']}/", {"aware_at": future})
    assert response.status_code == 400 and list(response.json()) == ["aware_at"]


def test_a_halt_decision_offers_the_suspend_action(incident, lab_a, vendor_a, security_api):
    made = security_api.post(url(incident), body(lab_a, decision="halt")).json()
    assert made["halt_action"] == f"/api/vendors/{vendor_a.id}/suspend/"

    changed = security_api.patch(f"{url(incident)}{made['id']}/", {"decision": "continue"}).json()
    assert changed["halt_action"] is None
    listed = security_api.get(url(incident)).json()["results"]
    assert [r["halt_action"] for r in listed] == [None]


def test_one_response_per_lab(incident, lab_a, security_api):
    assert security_api.post(url(incident), body(lab_a)).status_code == 201
    second = security_api.post(url(incident), body(lab_a))
    assert second.status_code == 400 and "lab" in second.json()
