"""Findings: an owner must be an active user, due_on a date; ?overdue=true lists open ones past due."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.models import Finding
from assessments.selectors import overdue_findings
from tests import factories as f

FINDINGS = "/api/findings/"


@pytest.fixture
def assessment(vendor_a):
    return f.AssessmentFactory(vendor=vendor_a)


def body(assessment, **extra):
    return {"assessment": assessment.id, "title": "No MFA on admin accounts", "severity": "high", **extra}


def test_a_finding_with_an_active_owner_and_due_date_is_created(security_api, assessment, viewer_lab_a):
    response = security_api.post(
        FINDINGS, body(assessment, owner=viewer_lab_a.id, due_on="2030-06-30"), format="json"
    )
    assert response.status_code == 201, response.json()
    finding = Finding.objects.get(pk=response.json()["id"])
    assert (finding.owner, finding.due_on, finding.status) == (viewer_lab_a, dt.date(2030, 6, 30), "open")
    assert response.json()["owner_name"] == "viewer_lab_a"


def test_a_deactivated_owner_is_400(security_api, assessment):
    gone = f.UserFactory(username="left_the_company", is_active=False)
    response = security_api.post(FINDINGS, body(assessment, owner=gone.id), format="json")
    assert response.status_code == 400
    # a deactivated user reads like an unknown id (issue 9 finding 14: one message, no names)
    assert response.json()["owner"] == [f'Invalid pk "{gone.id}" - object does not exist.']
    assert not Finding.objects.exists()


def test_an_unknown_owner_is_400(security_api, assessment):
    response = security_api.post(FINDINGS, body(assessment, owner=999_999), format="json")
    assert response.status_code == 400
    assert "owner" in response.json()


def test_reassigning_to_a_deactivated_owner_is_400_but_other_edits_keep_a_former_owner(
    security_api, assessment
):
    former = f.UserFactory(username="former")
    finding = f.FindingFactory(assessment=assessment, owner=former)
    former.is_active = False
    former.save()
    url = f"{FINDINGS}{finding.id}/"
    response = security_api.put(url, body(assessment, owner=former.id, status="remediating"), format="json")
    assert response.status_code == 200  # unchanged owner: the edit is not blocked
    other = f.UserFactory(username="also_gone", is_active=False)
    response = security_api.patch(url, {"owner": other.id}, format="json")
    assert response.status_code == 400
    assert "owner" in response.json()
    finding.refresh_from_db()
    assert (finding.owner, finding.status) == (former, "remediating")


@pytest.mark.parametrize("due_on", ["next week", "2030-02-30", "2030-06-30T12:00:00Z", 20300630])
def test_a_due_on_that_is_not_a_date_is_400(security_api, assessment, due_on):
    response = security_api.post(FINDINGS, body(assessment, due_on=due_on), format="json")
    assert response.status_code == 400
    assert "due_on" in response.json()


@pytest.mark.parametrize("role", ["viewer", "procurement"])
def test_only_security_and_admin_write_findings(api_client_for, role_users, assessment, role):
    client = api_client_for(role_users[role])
    assert client.post(FINDINGS, body(assessment), format="json").status_code == 403
    assert client.get(FINDINGS).status_code == 200


def test_overdue_lists_open_and_remediating_findings_past_their_due_date(
    viewer_lab_a_api, viewer_lab_a, assessment
):
    today = timezone.localdate()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)

    def finding(status, due_on):
        return f.FindingFactory(assessment=assessment, status=status, due_on=due_on).id

    overdue = {finding("open", yesterday), finding("remediating", yesterday - dt.timedelta(days=30))}
    not_overdue = {
        finding("open", today),  # due today is not yet overdue
        finding("open", tomorrow),
        finding("open", None),
        finding("accepted", yesterday),
        finding("closed", yesterday),
    }
    ids = {r["id"] for r in viewer_lab_a_api.get(FINDINGS, {"overdue": "true"}).json()["results"]}
    assert ids == overdue
    ids = {r["id"] for r in viewer_lab_a_api.get(FINDINGS, {"overdue": "false"}).json()["results"]}
    assert ids == not_overdue
    # The dashboard's selector agrees with the API filter.
    assert set(overdue_findings(user=viewer_lab_a).values_list("id", flat=True)) == overdue
