"""Domain rules the API enforces (DESIGN.md section 1): status moves, date rules, graphs, delete blockers."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from incidents.models import Incident, IncidentUpdate
from tests import factories as f
from vendors.models import Lab, Vendor, VendorDependency

from .base import row_counts

TODAY = timezone.now().date()  # the app judges "the future" in UTC


def resolved_incident(vendor, **kwargs):
    kwargs.setdefault("resolved_at", dt.datetime(2025, 3, 5, tzinfo=dt.UTC))
    kwargs.setdefault("status", "resolved")
    return f.IncidentFactory(vendor=vendor, **kwargs)


# --- incident status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("resolved", "contained"),
        ("resolved", "reported"),
        ("investigating", "reported"),
        ("closed", "resolved"),
    ],
)
def test_a_backward_status_move_is_409_and_changes_nothing(security_api, vendor_a, start, target):
    incident = f.IncidentFactory(vendor=vendor_a, status=start)
    updates = IncidentUpdate.objects.count()
    response = security_api.patch(f"/api/incidents/{incident.pk}/", {"status": target})
    assert response.status_code == 409, response.content
    assert f"from {start} to {target}" in response.json()["detail"]
    incident.refresh_from_db()
    assert incident.status == start
    assert IncidentUpdate.objects.count() == updates


@pytest.mark.parametrize("start", ["resolved", "closed"])
def test_reopening_to_investigating_clears_resolved_at_and_writes_the_timeline(security_api, vendor_a, start):
    incident = resolved_incident(vendor_a, status=start)
    response = security_api.patch(
        f"/api/incidents/{incident.pk}/", {"status": "investigating", "note": "Again."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["resolved_at"] is None
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at) == ("investigating", None)
    update = IncidentUpdate.objects.filter(incident=incident).latest("id")
    assert (update.status_from, update.status_to, update.body) == (start, "investigating", "Again.")


def test_setting_the_same_status_is_a_no_op(security_api, vendor_a):
    incident = resolved_incident(vendor_a)
    resolved_at = incident.resolved_at
    response = security_api.patch(f"/api/incidents/{incident.pk}/", {"status": "resolved"})
    assert response.status_code == 200
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at) == ("resolved", resolved_at)
    assert not IncidentUpdate.objects.filter(incident=incident).exists()


def test_moving_forward_may_skip_steps_and_sets_resolved_at_once(security_api, vendor_a):
    incident = f.IncidentFactory(vendor=vendor_a)
    response = security_api.patch(f"/api/incidents/{incident.pk}/", {"status": "resolved"})
    assert response.status_code == 200
    incident.refresh_from_db()
    first = incident.resolved_at
    assert first is not None and abs(timezone.now() - first) < dt.timedelta(minutes=1)
    assert security_api.patch(f"/api/incidents/{incident.pk}/", {"status": "closed"}).status_code == 200
    incident.refresh_from_db()
    assert (incident.status, incident.resolved_at) == ("closed", first)
    moves = list(IncidentUpdate.objects.filter(incident=incident).values_list("status_from", "status_to"))
    assert moves == [("reported", "resolved"), ("resolved", "closed")]


def test_creating_an_incident_writes_the_first_timeline_entry(security_api, security_all, vendor_a):
    response = security_api.post(
        "/api/incidents/",
        {
            "vendor": vendor_a.pk,
            "title": "Leak",
            "severity": "high",
            "data_exposure": "suspected",
            "discovered_at": "2025-03-01T00:00:00Z",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["attack_vector"], body["reported_by"]) == (
        "reported",
        "unknown",
        security_all.pk,
    )
    entry = IncidentUpdate.objects.get(incident_id=body["id"])
    assert (entry.status_to, entry.author) == ("reported", security_all)


def test_an_incident_cannot_occur_after_it_was_discovered(security_api, vendor_a):
    before = row_counts()
    response = security_api.post(
        "/api/incidents/",
        {
            "vendor": vendor_a.pk,
            "title": "Backwards",
            "severity": "low",
            "data_exposure": "none",
            "occurred_at": "2025-03-02T00:00:00Z",
            "discovered_at": "2025-03-01T00:00:00Z",
        },
    )
    assert response.status_code == 400
    assert "occurred_at" in response.json()
    assert row_counts() == before


def test_resolved_at_cannot_be_in_the_future(security_api, vendor_a):
    incident = f.IncidentFactory(vendor=vendor_a)
    later = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = security_api.patch(
        f"/api/incidents/{incident.pk}/", {"status": "resolved", "resolved_at": later}
    )
    assert response.status_code == 400
    assert "resolved_at" in response.json()


# --- engagements ----------------------------------------------------------------------------------


def engagement_body(lab, vendor, **changes):
    body = {
        "lab": lab.pk,
        "vendor": vendor.pk,
        "title": "Rules",
        "status": "active",
        "criticality": "high",
        "data_sensitivity": "confidential",
        "substitutability": "moderate",
        "start_date": "2024-05-01",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"end_date": "2024-04-30"}, "end_date", id="end-before-start"),
        pytest.param({"status": "ended"}, "end_date", id="ended-without-end-date"),
        pytest.param({"data_disposed_on": "2024-06-01"}, "data_disposed_on", id="disposal-while-active"),
        pytest.param(
            {"status": "proposed", "data_disposed_on": "2024-06-01"},
            "data_disposed_on",
            id="disposal-proposed",
        ),
        pytest.param(
            {"status": "suspended", "data_disposed_on": "2024-04-01"},
            "data_disposed_on",
            id="disposal-before-start",
        ),
        pytest.param(
            {
                "status": "ended",
                "end_date": "2024-06-01",
                "data_disposed_on": str(TODAY + dt.timedelta(days=1)),
            },
            "data_disposed_on",
            id="disposal-in-future",
        ),
        pytest.param({"annual_value": "1000"}, "currency", id="value-without-currency"),
        pytest.param({"currency": "XYZ", "annual_value": "5"}, "currency", id="unknown-currency"),
        pytest.param({"annual_value": "-5", "currency": "USD"}, "annual_value", id="negative-value"),
        pytest.param({"data_categories": ["training_data", "training_data"]}, "data_categories", id="repeat"),
        pytest.param({"start_date": "2024-02-30"}, "start_date", id="impossible-date"),
    ],
)
def test_engagement_rules_are_400_on_the_field(procurement_lab_a_api, lab_a, vendor_a, changes, field):
    before = row_counts()
    response = procurement_lab_a_api.post("/api/engagements/", engagement_body(lab_a, vendor_a, **changes))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert row_counts() == before


@pytest.mark.parametrize("status", ["suspended", "ended"])
def test_disposal_may_be_recorded_on_a_stopped_engagement(procurement_lab_a_api, lab_a, vendor_a, status):
    body = engagement_body(lab_a, vendor_a, status=status, end_date="2024-06-01", data_disposed_on=str(TODAY))
    response = procurement_lab_a_api.post("/api/engagements/", body)
    assert response.status_code == 201, response.content
    assert response.json()["is_exposing"] is False


def test_ending_an_engagement_by_patch_needs_an_end_date(procurement_lab_a_api, engagement_a):
    response = procurement_lab_a_api.patch(f"/api/engagements/{engagement_a.pk}/", {"status": "ended"})
    assert response.status_code == 400
    assert "end_date" in response.json()
    engagement_a.refresh_from_db()
    assert engagement_a.status == "active"
    ok = procurement_lab_a_api.patch(
        f"/api/engagements/{engagement_a.pk}/", {"status": "ended", "end_date": "2024-12-31"}
    )
    assert ok.status_code == 200
    assert ok.json()["is_exposing"] is True  # stopped work is still exposure until disposal


def test_moving_an_engagement_to_another_lab_is_refused_like_an_unknown_lab(
    procurement_lab_a_api, engagement_a, lab_b
):
    response = procurement_lab_a_api.patch(f"/api/engagements/{engagement_a.pk}/", {"lab": lab_b.pk})
    assert response.status_code == 400
    assert response.json() == {"lab": [f'Invalid pk "{lab_b.pk}" - object does not exist.']}
    engagement_a.refresh_from_db()
    assert engagement_a.lab_id != lab_b.pk


# --- vendor groups and dependencies ---------------------------------------------------------------


def test_a_vendor_cannot_be_its_own_parent(procurement_api, vendor_a):
    response = procurement_api.patch(f"/api/vendors/{vendor_a.pk}/", {"parent": vendor_a.pk})
    assert response.status_code == 400
    assert "parent" in response.json()


def test_a_parent_cycle_is_refused(procurement_api):
    top = f.VendorFactory()
    middle = f.VendorFactory(parent=top)
    bottom = f.VendorFactory(parent=middle)
    response = procurement_api.patch(f"/api/vendors/{top.pk}/", {"parent": bottom.pk})
    assert response.status_code == 400
    assert "cycle" in response.json()["parent"][0]
    top.refresh_from_db()
    assert top.parent_id is None


def test_vendor_names_are_unique_ignoring_case(procurement_api, vendor_a):
    before = Vendor.objects.count()
    response = procurement_api.post("/api/vendors/", {"name": vendor_a.name.upper(), "category": "other"})
    assert response.status_code == 400
    assert "name" in response.json()
    assert Vendor.objects.count() == before


def test_lab_names_are_unique_ignoring_case(admin_api, lab_a):
    response = admin_api.post("/api/labs/", {"name": "lab a"})
    assert response.status_code == 400
    assert "name" in response.json()


def test_a_vendor_country_must_be_iso(procurement_api):
    response = procurement_api.post(
        "/api/vendors/", {"name": "Nowhere Ltd", "category": "other", "country": "XX"}
    )
    assert response.status_code == 400
    assert "country" in response.json()


def test_a_dependency_cannot_loop_to_itself(procurement_api, vendor_a):
    response = procurement_api.post(
        "/api/vendor-dependencies/", {"vendor": vendor_a.pk, "depends_on": vendor_a.pk}
    )
    assert response.status_code == 400
    assert "depends_on" in response.json()
    assert not VendorDependency.objects.exists()


def test_a_dependency_pair_is_unique(procurement_api, vendor_a, vendor_b):
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=vendor_b)
    response = procurement_api.post(
        "/api/vendor-dependencies/", {"vendor": vendor_a.pk, "depends_on": vendor_b.pk}
    )
    assert response.status_code == 400
    assert "already exists" in response.json()["depends_on"][0]
    assert VendorDependency.objects.count() == 1
    reverse = procurement_api.post(
        "/api/vendor-dependencies/", {"vendor": vendor_b.pk, "depends_on": vendor_a.pk}
    )
    assert reverse.status_code == 201  # cycles may exist in the data


def test_changing_a_dependency_into_a_duplicate_is_refused(procurement_api, vendor_a, vendor_b):
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=vendor_b)
    other = f.VendorDependencyFactory(vendor=vendor_a)
    response = procurement_api.patch(f"/api/vendor-dependencies/{other.pk}/", {"depends_on": vendor_b.pk})
    assert response.status_code == 400
    assert "depends_on" in response.json()


# --- deletes that something blocks ----------------------------------------------------------------


def test_deleting_a_lab_with_engagements_is_409_listing_them(admin_api, lab_a, engagement_a):
    response = admin_api.delete(f"/api/labs/{lab_a.pk}/")
    assert response.status_code == 409
    body = response.json()
    assert "engagements" in body["detail"]
    assert body["blockers"] == {"engagements": {"count": 1, "ids": [engagement_a.pk]}}
    assert Lab.objects.filter(pk=lab_a.pk).exists()


def test_deleting_a_lab_with_incident_responses_is_409(admin_api):
    response = f.LabResponseFactory()
    answer = admin_api.delete(f"/api/labs/{response.lab_id}/")
    assert answer.status_code == 409
    assert answer.json()["blockers"]["incident responses"]["ids"] == [response.pk]


def test_deleting_a_vendor_with_engagements_dependencies_and_incidents_is_409(procurement_api, engagement_a):
    vendor = engagement_a.vendor
    dependency = f.VendorDependencyFactory(depends_on=vendor)
    incident = f.IncidentFactory(vendor=vendor)
    response = procurement_api.delete(f"/api/vendors/{vendor.pk}/")
    assert response.status_code == 409
    blockers = response.json()["blockers"]
    assert blockers["engagements"] == {"count": 1, "ids": [engagement_a.pk]}
    assert blockers["dependencies"] == {"count": 1, "ids": [dependency.pk]}
    assert blockers["incidents"] == {"count": 1, "ids": [incident.pk]}
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_delete_blocked_by_another_labs_engagement_shows_only_a_count(
    procurement_lab_a_api, engagement_b
):
    response = procurement_lab_a_api.delete(f"/api/vendors/{engagement_b.vendor_id}/")
    assert response.status_code == 409
    assert response.json()["blockers"]["engagements"] == {"count": 0, "ids": []}  # cut to the caller's labs
    assert "Lab B" not in response.content.decode()
    assert engagement_b.title not in response.content.decode()


def test_deleting_an_assessment_with_findings_is_409(security_api):
    finding = f.FindingFactory()
    response = security_api.delete(f"/api/assessments/{finding.assessment_id}/")
    assert response.status_code == 409
    assert response.json()["blockers"]["findings"]["ids"] == [finding.pk]


def test_deleting_a_questionnaire_in_use_is_409(security_api):
    assessment = f.AssessmentFactory()
    response = security_api.delete(f"/api/questionnaires/{assessment.questionnaire_id}/")
    assert response.status_code == 409
    assert response.json()["blockers"]["assessments"]["ids"] == [assessment.pk]


def test_deleting_an_incident_with_a_submitted_notification_is_409(security_api):
    notification = f.NotificationFactory(submitted_at=timezone.now())
    response = security_api.delete(f"/api/incidents/{notification.incident_id}/")
    assert response.status_code == 409
    assert Incident.objects.filter(pk=notification.incident_id).exists()


# --- other resources ------------------------------------------------------------------------------


def test_a_lab_answers_an_incident_once(security_lab_a_api, lab_a):
    response = f.LabResponseFactory(lab=lab_a)
    again = security_lab_a_api.post(
        f"/api/incidents/{response.incident_id}/responses/",
        {"lab": lab_a.pk, "decision": "halt", "reason": "Twice"},
    )
    assert again.status_code == 400
    assert "already has a response" in again.json()["lab"][0]


def test_a_notification_cannot_be_submitted_in_the_future(security_api):
    notification = f.NotificationFactory()
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = security_api.patch(f"/api/notifications/{notification.pk}/", {"submitted_at": later})
    assert response.status_code == 400
    assert "submitted_at" in response.json()
    notification.refresh_from_db()
    assert notification.submitted_at is None


@pytest.mark.parametrize(
    ("questions", "needle"),
    [
        pytest.param(
            [
                {"code": "Q1", "text": "a"},
                {"code": "Q2", "text": "b", "condition": {"question": "Q9", "responses": ["yes"]}},
            ],
            "Q9",
            id="condition-on-unknown-question",
        ),
        pytest.param([{"code": "Q1", "text": "a"}, {"code": "Q1", "text": "b"}], "Q1", id="repeated-code"),
    ],
)
def test_questionnaire_question_errors_name_the_question(security_api, questions, needle):
    before = row_counts()
    response = security_api.post("/api/questionnaires/", {"name": "Broken", "questions": questions})
    assert response.status_code == 400
    assert needle in str(response.json()["questions"])
    assert row_counts() == before


def test_an_assessment_cannot_be_created_completed(security_api, vendor_a):
    questionnaire = f.QuestionnaireFactory(questions=1)
    response = security_api.post(
        "/api/assessments/", {"vendor": vendor_a.pk, "questionnaire": questionnaire.pk, "status": "completed"}
    )
    assert response.status_code == 400
    assert "status" in response.json()


# --- users ----------------------------------------------------------------------------------------


def test_a_non_admin_user_needs_all_labs_or_a_lab(admin_api):
    before = row_counts()
    response = admin_api.post(
        "/api/users/", {"username": "nobody", "password": "Orbital-Tangerine-42", "role": "viewer"}
    )
    assert response.status_code == 400
    assert "labs" in response.json()
    assert row_counts() == before


def test_an_admin_needs_neither(admin_api):
    response = admin_api.post(
        "/api/users/", {"username": "boss", "password": "Orbital-Tangerine-42", "role": "admin"}
    )
    assert response.status_code == 201
    assert response.json()["all_labs"] is True


def test_removing_a_users_last_lab_by_patch_is_400(admin_api, viewer_lab_a):
    response = admin_api.patch(f"/api/users/{viewer_lab_a.pk}/", {"labs": []})
    assert response.status_code == 400
    assert "labs" in response.json()
    assert list(viewer_lab_a.labs.values_list("name", flat=True)) == ["Lab A"]


def test_a_weak_password_is_400(admin_api):
    response = admin_api.post("/api/users/", {"username": "weak", "password": "123", "all_labs": True})
    assert response.status_code == 400
    assert "password" in response.json()


def test_a_user_whose_last_lab_is_deleted_sees_no_labs(admin_api, api_client_for):
    lab = f.LabFactory()
    user = f.UserFactory(role="viewer", labs=[lab])
    f.EngagementFactory()  # another lab's engagement, which the user must still not see
    assert admin_api.delete(f"/api/labs/{lab.pk}/").status_code == 204
    client = api_client_for(user)
    for url in ("/api/labs/", "/api/engagements/", "/api/notifications/"):
        assert client.get(url).json()["count"] == 0, url


# --- request size ---------------------------------------------------------------------------------


def test_an_oversized_json_body_is_413_json(procurement_api):
    before = row_counts()
    filler = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = procurement_api.post(
        "/api/vendors/",
        f'{{"name": "Big", "category": "other", "description": "{filler}"}}',
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]
    assert row_counts() == before
