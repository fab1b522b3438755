"""Incident pages: impact, timeline, status changes (forward only, reopen to investigating), updates."""

import pytest

from incidents.models import IncidentUpdate

from .test_pages import body


def test_the_incident_page_shows_impact_responses_deadlines_and_timeline(world, security_lab_a, client_for):
    html = body(client_for(security_lab_a).get(f"/incidents/{world.incident.id}/"))
    assert "<strong>personal data</strong>" in html  # Meridian for A holds what was exposed
    assert "Alpha investigates" in html
    assert "GDPR" in html and "left</span>" in html
    assert "Vendor confirmed unauthorised access." in html
    assert "Change status</button>" in html and "Add update</button>" in html


@pytest.mark.parametrize("role", ["viewer", "procurement"])
def test_only_security_may_change_an_incident(role, world, role_users, client_for):
    client = client_for(role_users[role])
    html = body(client.get(f"/incidents/{world.incident.id}/"))
    assert "Change status</button>" not in html and "Add update</button>" not in html
    before = IncidentUpdate.objects.count()
    assert client.post(f"/incidents/{world.incident.id}/status/", {"status": "contained"}).status_code == 403
    assert client.post(f"/incidents/{world.incident.id}/updates/", {"body": "x"}).status_code == 403
    assert IncidentUpdate.objects.count() == before


def test_a_status_change_writes_the_timeline_with_its_note(world, security_lab_a, client_for):
    client = client_for(security_lab_a)
    response = client.post(
        f"/incidents/{world.incident.id}/status/",
        {"status": "contained", "note": "Access revoked."},
        follow=True,
    )
    world.incident.refresh_from_db()
    assert world.incident.status == "contained"
    entry = world.incident.updates.order_by("-id").first()
    assert (entry.status_from, entry.status_to, entry.body) == (
        "investigating",
        "contained",
        "Access revoked.",
    )
    html = body(response)
    assert "Status changed to contained." in html
    # Only forward moves are offered now (and reopening once it is resolved or closed).
    assert '<option value="investigating">' not in html and '<option value="resolved">' in html


def test_a_backward_move_is_refused_with_the_reason(world, security_lab_a, client_for):
    response = client_for(security_lab_a).post(
        f"/incidents/{world.incident.id}/status/", {"status": "reported"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in body(response)
    world.incident.refresh_from_db()
    assert world.incident.status == "investigating"


def test_reopening_a_closed_incident_is_offered_and_works(world, security_lab_a, client_for):
    client = client_for(security_lab_a)
    client.post(f"/incidents/{world.incident.id}/status/", {"status": "closed"})
    html = body(client.get(f"/incidents/{world.incident.id}/"))
    assert '<option value="investigating">Investigating</option>' in html
    client.post(
        f"/incidents/{world.incident.id}/status/", {"status": "investigating", "note": "New evidence."}
    )
    world.incident.refresh_from_db()
    assert world.incident.status == "investigating" and world.incident.resolved_at is None


def test_adding_an_update_appends_to_the_timeline(world, security_lab_a, client_for):
    client = client_for(security_lab_a)
    response = client.post(f"/incidents/{world.incident.id}/updates/", {"body": "  Forensics engaged.  "})
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    entry = world.incident.updates.order_by("-id").first()
    assert (entry.body, entry.author) == ("Forensics engaged.", security_lab_a)
    response = client.post(f"/incidents/{world.incident.id}/updates/", {"body": "   "})
    assert response.status_code == 200 and "This field is required." in body(response)


def test_the_incident_list_filters_like_the_api_and_sorts_by_severity(world, viewer_lab_a, client_for):
    from tests.factories import IncidentFactory

    IncidentFactory(vendor=world.vendor_a, title="Old low thing", severity="low", status="closed")
    client = client_for(viewer_lab_a)
    open_only = body(client.get("/incidents/", {"open": "true"}))
    assert "Meridian workspace breach" in open_only and "Old low thing" not in open_only
    by_severity = body(client.get("/incidents/", {"sort": "severity"}))
    assert by_severity.index("Old low thing") < by_severity.index("Meridian workspace breach")


def test_security_logs_an_incident_and_it_starts_the_timeline(world, security_lab_a, client_for):
    client = client_for(security_lab_a)
    html = body(client.get("/incidents/new/", {"vendor": world.pi.id}))
    assert f'<option value="{world.pi.id}" selected>Platform Pi</option>' in html
    data = {
        "vendor": world.pi.id, "title": "Pi export bucket exposed", "severity": "high", "status": "reported",
        "attack_vector": "misconfiguration", "data_exposure": "suspected", "data_categories_exposed": ["training_data"],
        "records_affected": "", "occurred_at": "", "discovered_at": "2026-01-05T09:30", "vendor_confirmed_at": "",
        "source_url": "", "description": "",
    }  # fmt: skip
    response = client.post("/incidents/new/", data, follow=True)
    from incidents.models import Incident

    incident = Incident.objects.get(title="Pi export bucket exposed")
    assert response.redirect_chain == [(f"/incidents/{incident.id}/", 302)]
    assert incident.reported_by == security_lab_a and incident.discovered_at.hour == 9
    assert incident.updates.count() == 1
    assert "Lab A → Meridian Data → Platform Pi" in body(response)  # a fourth party's breach reaches Lab A


def test_an_incident_cannot_occur_after_its_discovery(world, security_lab_a, client_for):
    data = {"vendor": world.pi.id, "title": "Backwards", "severity": "low", "status": "reported",
            "attack_vector": "unknown", "data_exposure": "none", "discovered_at": "2026-01-05T09:30",
            "occurred_at": "2026-02-01T00:00"}  # fmt: skip
    response = client_for(security_lab_a).post("/incidents/new/", data)
    assert response.context["form"].errors["occurred_at"] == [
        "An incident cannot occur after it was discovered."
    ]


def test_only_security_and_admin_may_log_incidents(world, viewer_lab_a, procurement_lab_a, client_for):
    for user in (viewer_lab_a, procurement_lab_a):
        assert client_for(user).get("/incidents/new/").status_code == 403
