"""The incident lifecycle through the API: forward moves, reopening, 409s, resolved_at and the timeline."""

import pytest

from incidents.models import IncidentUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(security_api, vendor_a):
    def make(**extra):
        body = {
            "vendor": vendor_a.id,
            "title": "Labeling platform breach",
            "severity": "high",
            "data_exposure": "suspected",
            "discovered_at": "2025-03-01T12:00:00Z",
            **extra,
        }
        response = security_api.post("/api/incidents/", body)
        assert response.status_code == 201, response.content
        return response.json()

    return make


def timeline(incident_id) -> list[tuple[str, str]]:
    return list(
        IncidentUpdate.objects.filter(incident_id=incident_id)
        .order_by("id")
        .values_list("status_from", "status_to")
    )


def test_status_moves_forward_skipping_steps_and_writes_one_update_per_change(create, security_api):
    incident = create()
    url = f"/api/incidents/{incident['id']}/"
    assert incident["status"] == "reported" and incident["resolved_at"] is None

    assert (
        security_api.patch(url, {"status": "contained", "note": "Contained by the vendor."}).status_code
        == 200
    )
    resolved = security_api.patch(url, {"status": "resolved"}).json()
    assert resolved["resolved_at"] is not None
    closed = security_api.patch(url, {"status": "closed"}).json()
    assert closed["resolved_at"] == resolved["resolved_at"]  # kept from resolved to closed

    assert timeline(incident["id"]) == [
        ("", "reported"),
        ("reported", "contained"),
        ("contained", "resolved"),
        ("resolved", "closed"),
    ]
    bodies = list(IncidentUpdate.objects.filter(incident_id=incident["id"]).values_list("body", flat=True))
    assert bodies[1] == "Contained by the vendor."
    assert bodies[2] == "Status changed from contained to resolved."


def test_reopening_goes_to_investigating_and_clears_resolved_at(create, security_api):
    incident = create(status="resolved")
    url = f"/api/incidents/{incident['id']}/"
    assert incident["resolved_at"] is not None

    reopened = security_api.patch(url, {"status": "investigating"})

    assert reopened.status_code == 200
    assert reopened.json()["resolved_at"] is None
    assert timeline(incident["id"])[-1] == ("resolved", "investigating")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("investigating", "reported"),
        ("contained", "investigating"),
        ("resolved", "contained"),
        ("closed", "resolved"),
        ("closed", "reported"),
    ],
)
def test_any_other_backward_move_is_409_and_changes_nothing(create, security_api, start, target):
    incident = create(status=start)
    before = timeline(incident["id"])

    response = security_api.patch(f"/api/incidents/{incident['id']}/", {"status": target})

    assert response.status_code == 409
    assert "cannot move" in response.json()["detail"]
    assert security_api.get(f"/api/incidents/{incident['id']}/").json()["status"] == start
    assert timeline(incident["id"]) == before


def test_setting_the_same_status_is_a_no_op(create, security_api):
    incident = create(status="investigating")
    response = security_api.patch(f"/api/incidents/{incident['id']}/", {"status": "investigating"})
    assert response.status_code == 200
    assert timeline(incident["id"]) == [("", "investigating")]


def test_an_incident_created_resolved_gets_resolved_at_and_a_historical_one_keeps_it(create):
    assert create(status="closed")["resolved_at"] is not None
    historical = create(status="resolved", resolved_at="2025-03-05T00:00:00Z")
    assert historical["resolved_at"] == "2025-03-05T00:00:00Z"
    assert create(status="reported", resolved_at="2025-03-05T00:00:00Z")["resolved_at"] is None


def test_resolved_at_in_the_future_is_400(create, security_api):
    incident = create()
    response = security_api.patch(
        f"/api/incidents/{incident['id']}/", {"status": "resolved", "resolved_at": "2999-01-01T00:00:00Z"}
    )
    assert response.status_code == 400 and "resolved_at" in response.json()


def test_only_security_and_admin_move_incidents(create, viewer_api, procurement_api):
    incident = create()
    for client in (viewer_api, procurement_api):
        assert client.patch(f"/api/incidents/{incident['id']}/", {"status": "closed"}).status_code == 403


def test_a_done_incident_keeps_a_resolution_time_when_sent_null(create, security_api):
    incident = create(status="investigating")
    url = f"/api/incidents/{incident['id']}/"
    resolved = security_api.patch(url, {"status": "resolved", "resolved_at": None}).json()
    assert resolved["resolved_at"] is not None
    closed = security_api.patch(url, {"status": "closed", "resolved_at": None}).json()
    assert closed["resolved_at"] == resolved["resolved_at"]
