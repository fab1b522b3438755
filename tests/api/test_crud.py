"""CRUD of every resource through the generic tests (tests/api/base.py), plus what is special to some."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories as f

from . import resources as res
from .base import CRUDTests, result_ids


class TestLabs(CRUDTests):
    resource = res.LabResource


class TestVendors(CRUDTests):
    resource = res.VendorResource


class TestEngagements(CRUDTests):
    resource = res.EngagementResource


class TestVendorDependencies(CRUDTests):
    resource = res.VendorDependencyResource


class TestIncidents(CRUDTests):
    resource = res.IncidentResource


class TestIncidentUpdates(CRUDTests):
    resource = res.IncidentUpdateResource


class TestLabResponses(CRUDTests):
    resource = res.LabResponseResource


class TestNotifications(CRUDTests):
    resource = res.NotificationResource


class TestQuestionnaires(CRUDTests):
    resource = res.QuestionnaireResource


class TestAssessments(CRUDTests):
    resource = res.AssessmentResource


class TestFindings(CRUDTests):
    resource = res.FindingResource


class TestAudit(CRUDTests):
    resource = res.AuditResource


class TestUsers(CRUDTests):
    resource = res.UserResource


# --- what the generic tests cannot see ------------------------------------------------------------


def test_questionnaire_detail_includes_its_questions_with_conditions(world, security_api):
    r = res.QuestionnaireResource(world)
    payload = r.create_payload(world.lab_a)
    created = security_api.post(r.list_url(), payload)
    assert created.status_code == 201, created.content
    detail = security_api.get(r.detail_url(r.model.objects.get(pk=created.json()["id"])))
    questions = detail.json()["questions"]
    assert [q["code"] for q in questions] == ["SR-3", "SR-6"]
    assert questions[0]["weight"] == "2.00"
    assert questions[0]["condition"] is None
    assert questions[1]["condition"] == {"question": "SR-3", "responses": ["yes", "partial"]}
    listed = security_api.get(r.list_url()).json()["results"]
    assert {q["question_count"] for q in listed if q["id"] == created.json()["id"]} == {2}


def test_editing_a_questionnaire_in_use_writes_a_new_version(world, security_api):
    questionnaire = f.QuestionnaireFactory(questions=2)
    f.AssessmentFactory(questionnaire=questionnaire)
    r = res.QuestionnaireResource(world)
    response = security_api.patch(r.detail_url(questionnaire), {"description": "Sharper."})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert response.json()["id"] != questionnaire.pk
    questionnaire.refresh_from_db()
    assert questionnaire.description == ""
    assert len(response.json()["questions"]) == 2


def test_findings_overdue_false_lists_the_others(world, security_api):
    today = timezone.now().date()
    overdue = f.FindingFactory(due_on=today - dt.timedelta(days=3))
    closed_late = f.FindingFactory(due_on=today - dt.timedelta(days=3), status="closed")
    later = f.FindingFactory(due_on=today + dt.timedelta(days=3))
    url = res.FindingResource(world).list_url()
    assert set(result_ids(security_api.get(url, {"overdue": "true"}))) == {overdue.pk}
    assert set(result_ids(security_api.get(url, {"overdue": "false"}))) == {closed_late.pk, later.pk}


def test_notification_status_is_derived_on_read(world, security_api):
    r = res.NotificationResource(world)
    now = timezone.now()
    overdue = r.make(due_at=now - dt.timedelta(hours=1))
    pending = r.make(regime="nis2", stage="early_warning", due_at=now + dt.timedelta(hours=1))
    done = r.make(regime="dora", stage="initial", submitted_at=now - dt.timedelta(hours=2))
    dropped = r.make(regime="sec", stage="form_8k", required=False)
    statuses = {row["id"]: row["status"] for row in security_api.get(r.list_url()).json()["results"]}
    assert statuses == {
        overdue.pk: "overdue",
        pending.pk: "pending",
        done.pk: "submitted",
        dropped.pk: "not_required",
    }
    only_overdue = security_api.get(r.list_url(), {"status": "overdue"})
    assert result_ids(only_overdue) == [overdue.pk]


def test_notification_patch_ignores_system_fields(world, security_api):
    r = res.NotificationResource(world)
    notification = r.make()
    due = notification.due_at
    response = security_api.patch(
        r.detail_url(notification), {"reference": "REF-9", "due_at": "2030-01-01T00:00:00Z", "regime": "sec"}
    )
    assert response.status_code == 200
    notification.refresh_from_db()
    assert (notification.reference, notification.due_at, notification.regime) == ("REF-9", due, "gdpr")


def test_user_password_is_write_only_and_works(world, admin_api, api_client):
    r = res.UserResource(world)
    payload = r.create_payload(world.lab_a)
    response = admin_api.post(r.list_url(), payload)
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    token = api_client.post(
        "/api/auth/token/", {"username": payload["username"], "password": payload["password"]}
    )
    assert token.status_code == 200


def test_admin_may_not_delete_themself(world, admin_api):
    response = admin_api.delete(res.UserResource(world).detail_url(world.admin_user))
    assert response.status_code == 409
    assert "your own account" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [{"lab": "LAB_A"}, {"role": "procurement"}, {"all_labs": "false"}],
)
def test_user_filters(world, admin_api, query):
    query = {k: (world.lab_a.pk if v == "LAB_A" else v) for k, v in query.items()}
    found = set(result_ids(admin_api.get("/api/users/", {**query, "page_size": 500})))
    assert world.procurement_lab_a.pk in found
    assert world.viewer_all.pk not in found
