"""Halting and resuming work at a vendor: POST /api/vendors/{id}/suspend/ and …/resume/."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from assessments.models import VendorScore
from incidents.models import IncidentUpdate
from tests import factories as f
from tests.scores import helpers as score_helpers
from vendors.models import Engagement

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(lab_a, lab_b, vendor_a):
    """Vendor Alpha's engagements: two active and one proposed of Lab A, one active of Lab B."""
    return {
        "a1": f.EngagementFactory(lab=lab_a, vendor=vendor_a, title="A one"),
        "a2": f.EngagementFactory(lab=lab_a, vendor=vendor_a, title="A two"),
        "a_proposed": f.EngagementFactory(lab=lab_a, vendor=vendor_a, status="proposed", title="A later"),
        "b1": f.EngagementFactory(lab=lab_b, vendor=vendor_a, title="B one"),
        "elsewhere": f.EngagementFactory(lab=lab_a, title="A at another vendor"),
    }


def suspend_url(vendor) -> str:
    return f"/api/vendors/{vendor.pk}/suspend/"


def resume_url(vendor) -> str:
    return f"/api/vendors/{vendor.pk}/resume/"


def status_of(engagement) -> str:
    return Engagement.objects.get(pk=engagement.pk).status


def test_suspend_halts_the_active_engagements_in_the_callers_labs_only(work, vendor_a, security_lab_a_api):
    response = security_lab_a_api.post(suspend_url(vendor_a), {"reason": "Breach under investigation"})

    assert response.status_code == 200, response.content
    assert response.json() == {"suspended": [work["a1"].id, work["a2"].id], "count": 2}
    assert status_of(work["a1"]) == status_of(work["a2"]) == "suspended"
    assert status_of(work["a_proposed"]) == "proposed"
    assert status_of(work["b1"]) == "active"  # Lab B is not the caller's
    assert status_of(work["elsewhere"]) == "active"
    assert "Lab B" not in response.content.decode()


def test_suspend_can_be_limited_to_one_lab(work, vendor_a, lab_b, security_api):
    response = security_api.post(suspend_url(vendor_a), {"reason": "Lab B halts", "lab": lab_b.id})
    assert response.json() == {"suspended": [work["b1"].id], "count": 1}
    assert status_of(work["a1"]) == "active"


def test_a_lab_outside_the_callers_scope_is_400_like_an_unknown_lab(
    work, vendor_a, lab_b, security_lab_a_api
):
    out = security_lab_a_api.post(suspend_url(vendor_a), {"reason": "x", "lab": lab_b.id})
    unknown = security_lab_a_api.post(suspend_url(vendor_a), {"reason": "x", "lab": 999999})
    assert out.status_code == unknown.status_code == 400
    assert out.json()["lab"] == [unknown.json()["lab"][0].replace("999999", str(lab_b.id))]
    assert status_of(work["b1"]) == "active"


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}])
def test_the_reason_is_required(work, vendor_a, security_api, payload):
    response = security_api.post(suspend_url(vendor_a), payload)
    assert response.status_code == 400 and "reason" in response.json()
    assert status_of(work["a1"]) == "active"


@pytest.mark.parametrize("path", ["suspend", "resume"])
def test_only_security_and_admin_may_halt_or_resume_work(
    work, vendor_a, api_client_for, role_users, api_client, path
):
    url = f"/api/vendors/{vendor_a.pk}/{path}/"
    expected = {"viewer": 403, "procurement": 403, "security": 200, "admin": 200}
    got = {
        role: api_client_for(user).post(url, {"reason": "Checking roles"}).status_code
        for role, user in role_users.items()
    }
    assert got == expected
    assert api_client.post(url, {"reason": "anonymous"}).status_code == 401
    assert (
        api_client_for(role_users["security"])
        .post("/api/vendors/999999/suspend/", {"reason": "x"})
        .status_code
        == 404
    )


def test_suspend_writes_an_update_on_each_open_incident_without_lab_names(work, vendor_a, security_lab_a_api):
    open_one = f.IncidentFactory(vendor=vendor_a, status="investigating")
    closed = f.IncidentFactory(vendor=vendor_a, status="closed")
    other = f.IncidentFactory(status="investigating")

    security_lab_a_api.post(suspend_url(vendor_a), {"reason": "Vendor breach"})

    updates = list(IncidentUpdate.objects.filter(incident=open_one).values_list("body", "author__username"))
    assert updates == [("Work halted on 2 engagements by security_lab_a: Vendor breach", "security_lab_a")]
    assert not IncidentUpdate.objects.filter(incident__in=[closed, other]).exists()

    security_lab_a_api.post(suspend_url(vendor_a), {"reason": "Again"})  # nothing left to suspend
    assert IncidentUpdate.objects.filter(incident=open_one).count() == 1


def test_each_suspension_is_in_the_audit_log_as_the_caller(
    work, vendor_a, security_lab_a, security_lab_a_api
):
    security_lab_a_api.post(suspend_url(vendor_a), {"reason": "Audit me"})
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Engagement),
        object_pk__in=[str(work["a1"].id), str(work["a2"].id)],
        actor=security_lab_a,
    )
    assert entries.count() == 2
    assert all(e.changes_dict["status"] == ["active", "suspended"] for e in entries)


def test_resume_sets_suspended_ones_back_to_active_and_skips_disposed_ones(
    work, vendor_a, lab_a, security_api
):
    security_api.post(suspend_url(vendor_a), {"reason": "Halt", "lab": lab_a.id})
    Engagement.objects.filter(pk=work["a2"].pk).update(data_disposed_on=dt.date(2025, 1, 1))
    incident = f.IncidentFactory(vendor=vendor_a, status="contained")

    response = security_api.post(resume_url(vendor_a), {"reason": "Vendor cleared"})

    assert response.status_code == 200
    body = response.json()
    assert body["resumed"] == [work["a1"].id] and body["count"] == 1
    assert [s["engagement"] for s in body["skipped"]] == [work["a2"].id]
    assert "disposed" in body["skipped"][0]["reason"]
    assert status_of(work["a1"]) == "active" and status_of(work["a2"]) == "suspended"
    assert list(IncidentUpdate.objects.filter(incident=incident).values_list("body", flat=True)) == [
        "Work resumed on 1 engagement by security_all: Vendor cleared"
    ]


def test_resume_touches_only_the_callers_labs(work, vendor_a, security_api, security_lab_a_api):
    security_api.post(suspend_url(vendor_a), {"reason": "Everyone halts"})
    response = security_lab_a_api.post(resume_url(vendor_a), {"reason": "A resumes"})
    assert response.json()["resumed"] == [work["a1"].id, work["a2"].id]
    assert status_of(work["b1"]) == "suspended"


@pytest.mark.django_db(transaction=True)
def test_halting_work_keeps_the_score_and_confirmed_disposal_lowers_it():
    m = score_helpers.vendor("Vendor M")
    engagements = [score_helpers.engagement(score_helpers.lab(f"Halting Lab {i}"), m) for i in range(3)]
    client = APIClient()
    client.force_authenticate(score_helpers.admin_user())
    assert VendorScore.objects.get(vendor=m).score == Decimal("67.1")

    response = client.post(f"/api/vendors/{m.id}/suspend/", {"reason": "Breach at M"})

    assert response.json()["count"] == 3
    assert VendorScore.objects.get(vendor=m).score == Decimal("67.1")  # the vendor still holds the data
    assert client.get(f"/api/vendors/{m.id}/risk/").json()["labs_exposed"] == 3

    today = dt.datetime.now(dt.UTC).date().isoformat()
    disposed = client.patch(f"/api/engagements/{engagements[0].id}/", {"data_disposed_on": today})

    assert disposed.status_code == 200, disposed.content
    score = VendorScore.objects.get(vendor=m)
    assert score.score == Decimal("58.3")  # H = 1.5, I = 1 − e^−1.5, R = 100 · I · 0.75
    assert score.labs_exposed == 2
