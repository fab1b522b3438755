"""Running an incident from its page: each exposed lab's response (a halt suspends that lab's work after a
confirmation listing exactly what), filings marked filed and undone, and the Deadlines page."""

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import IncidentUpdate, LabResponse, Notification
from tests import factories as f
from vendors.models import Engagement

from .test_pages import body


def _response_data(lab, **values) -> dict:
    data = {
        "decision": "halt",
        "data_confirmed_exposed": "yes",
        "aware_at": "",
        "reason": "Legal asked us to stop.",
    }
    data.update(values)
    return {f"lab{lab.id}-{k}": v for k, v in data.items()}


def test_the_incident_page_offers_a_response_form_per_exposed_lab_and_labels_who_reads_what(
    world, security_lab_a, client_for
):
    html = body(client_for(security_lab_a).get(f"/incidents/{world.incident.id}/"))
    assert f'action="/incidents/{world.incident.id}/responses/{world.lab_a.id}/"' in html
    assert f"/responses/{world.lab_b.id}/" not in html  # Lab B is not Lab A's user's to answer for
    assert "Reason (read only by this lab&#x27;s users)" in html
    assert "Note for the incident timeline (every lab&#x27;s users read it)" in html
    assert "Alpha investigates" in html and "Bravo halts everything" not in html


def test_a_halt_with_suspension_is_confirmed_first_listing_exactly_the_lab_engagements(
    world, security_lab_a, client_for
):
    client = client_for(security_lab_a)
    other = f.EngagementFactory(
        lab=world.lab_a, vendor=world.meridian, title="Meridian labelling", status="proposed"
    )
    url = f"/incidents/{world.incident.id}/responses/{world.lab_a.id}/"
    data = _response_data(world.lab_a, suspend="on", timeline_note="Work paused pending forensics.")
    confirm = client.post(url, data)
    assert confirm.status_code == 200
    html = body(confirm)
    assert "1 engagement will be suspended" in html
    assert "Meridian for A" in html and "Secret Meridian work for B" not in html and other.title not in html
    # Nothing is written before the confirmation.
    assert LabResponse.objects.get(incident=world.incident, lab=world.lab_a).decision == "investigating"
    assert Engagement.objects.get(pk=world.meridian_a.pk).status == "active"

    response = client.post(
        url, {**data, "confirmed": "yes", "engagements": [world.meridian_a.id]}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#responses")
    recorded = LabResponse.objects.get(incident=world.incident, lab=world.lab_a)
    assert (recorded.decision, recorded.data_confirmed_exposed, recorded.decided_by) == (
        "halt",
        "yes",
        security_lab_a,
    )
    assert Engagement.objects.get(pk=world.meridian_a.pk).status == "suspended"
    assert Engagement.objects.get(pk=world.meridian_b.pk).status == "active"  # Lab B's work is untouched
    entry = IncidentUpdate.objects.filter(incident=world.incident).order_by("-id").first()
    assert entry.body.endswith("Work paused pending forensics.") and "Lab A" not in entry.body
    html = body(response)
    assert "Lab A: halt work recorded. 1 engagement suspended" in html
    assert "Legal asked us to stop." in html


def test_a_confirmation_that_no_longer_matches_writes_nothing(world, security_lab_a, client_for):
    url = f"/incidents/{world.incident.id}/responses/{world.lab_a.id}/"
    data = _response_data(world.lab_a, suspend="on", timeline_note="Paused.")
    late = f.EngagementFactory(lab=world.lab_a, vendor=world.meridian, title="Started meanwhile")
    response = client_for(security_lab_a).post(
        url, {**data, "confirmed": "yes", "engagements": [world.meridian_a.id]}, follow=True
    )
    assert "changed since you confirmed" in body(response)
    assert LabResponse.objects.get(incident=world.incident, lab=world.lab_a).decision == "investigating"
    assert set(
        Engagement.objects.filter(pk__in=[world.meridian_a.pk, late.pk]).values_list("status", flat=True)
    ) == {"active"}


def test_a_decision_without_suspension_changes_no_engagement(world, security_lab_a, client_for):
    url = f"/incidents/{world.incident.id}/responses/{world.lab_a.id}/"
    aware = (timezone.now() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    response = client_for(security_lab_a).post(
        url, _response_data(world.lab_a, decision="continue", aware_at=aware)
    )
    assert response.status_code == 302
    recorded = LabResponse.objects.get(incident=world.incident, lab=world.lab_a)
    assert recorded.decision == "continue" and recorded.aware_at is not None
    assert Engagement.objects.get(pk=world.meridian_a.pk).status == "active"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {"decision": "continue", "suspend": "on", "timeline_note": "x"},
            "suspend",
            "Only a halt decision suspends work.",
        ),
        ({"suspend": "on", "timeline_note": ""}, "timeline_note", "Give the note the timeline shows"),
        ({"aware_at": "2199-01-01T00:00"}, "aware_at", "cannot be in the future"),
        ({"decision": "maybe"}, "decision", "Select a valid choice"),
        ({"reason": ""}, "reason", "This field is required."),
    ],
)
def test_bad_response_input_is_a_form_error_at_its_field(
    values, field, message, world, security_lab_a, client_for
):
    url = f"/incidents/{world.incident.id}/responses/{world.lab_a.id}/"
    response = client_for(security_lab_a).post(url, _response_data(world.lab_a, **values))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert LabResponse.objects.get(incident=world.incident, lab=world.lab_a).decision == "investigating"


def test_another_lab_or_a_reader_cannot_record_a_response(world, security_lab_a, viewer_lab_a, client_for):
    other_lab = client_for(security_lab_a).post(
        f"/incidents/{world.incident.id}/responses/{world.lab_b.id}/", _response_data(world.lab_b)
    )
    assert other_lab.status_code == 404 and "Lab B" not in body(other_lab)
    unexposed = f.LabFactory(name="Lab C")
    security_lab_a.labs.add(unexposed)
    assert (
        client_for(security_lab_a)
        .get(f"/incidents/{world.incident.id}/responses/{unexposed.id}/")
        .status_code
        == 404
    )
    reader = client_for(viewer_lab_a).post(
        f"/incidents/{world.incident.id}/responses/{world.lab_a.id}/", _response_data(world.lab_a)
    )
    assert reader.status_code == 403
    assert LabResponse.objects.get(incident=world.incident, lab=world.lab_b).decision == "halt"


def _overdue(world) -> Notification:
    return f.NotificationFactory(
        incident=world.incident, lab=world.lab_a, regime="nis2", stage="early_warning",
        due_at=timezone.now() - dt.timedelta(hours=30),
    )  # fmt: skip


def test_a_filing_is_marked_filed_from_the_deadlines_page_and_leaves_it_and_undo_brings_it_back(
    world, security_lab_a, client_for
):
    client = client_for(security_lab_a)
    late = _overdue(world)
    html = body(client.get("/deadlines/"))
    assert "NIS2 early warning — 24 h" in html and "overdue by 1 d 6 h" in html
    assert html.index("NIS2 early warning") < html.index("GDPR breach report")  # soonest due first
    assert "SEC Form 8-K" not in html  # Lab B's filing
    filed_at = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/notifications/{late.id}/file/",
        {f"n{late.id}-submitted_at": filed_at, f"n{late.id}-reference": "CSIRT-2291", "next": "/deadlines/"},
        follow=True,
    )
    late.refresh_from_db()
    assert late.reference == "CSIRT-2291" and late.status == "submitted"
    assert response.redirect_chain[-1][0] == "/deadlines/"
    assert "NIS2 early warning — 24 h for Lab A marked as filed." in body(response)
    assert f'data-notification="{late.id}"' not in body(response)
    submitted = body(client.get("/deadlines/", {"status": "submitted"}))
    assert f'data-notification="{late.id}"' in submitted and "ref. CSIRT-2291" in submitted
    client.post(f"/notifications/{late.id}/unfile/", {"next": "/deadlines/"})
    late.refresh_from_db()
    assert late.submitted_at is None and late.reference == "" and late.status == "overdue"


def test_filing_refuses_a_future_time_and_another_labs_row(world, security_lab_a, viewer_lab_a, client_for):
    client = client_for(security_lab_a)
    notice = world.notice_a
    response = client.post(
        f"/notifications/{notice.id}/file/", {f"n{notice.id}-submitted_at": "2199-01-01T00:00"}, follow=True
    )
    assert "A submission time cannot be in the future." in body(response)
    notice.refresh_from_db()
    assert notice.submitted_at is None
    theirs = Notification.objects.get(incident=world.incident, lab=world.lab_b)
    assert client.post(f"/notifications/{theirs.id}/file/", {}).status_code == 404
    assert client_for(viewer_lab_a).post(f"/notifications/{notice.id}/file/", {}).status_code == 403


def test_the_incident_page_files_a_notification_and_shows_it_filed(world, security_lab_a, client_for):
    client = client_for(security_lab_a)
    notice = world.notice_a
    page = f"/incidents/{world.incident.id}/"
    assert "GDPR breach report — 72 h" in body(client.get(page))
    now = timezone.now().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/notifications/{notice.id}/file/", {f"n{notice.id}-submitted_at": now, "next": page}, follow=True
    )
    assert response.redirect_chain[-1][0] == page
    assert "Filed " in body(response) and "Undo" in body(response)


def test_deadlines_filter_by_regime_lab_and_status_and_export_the_same_rows(world, security_all, client_for):
    client = client_for(security_all)
    _overdue(world)
    only_nis2 = body(client.get("/deadlines/", {"regime": "nis2"}))
    assert "NIS2 early warning" in only_nis2 and "GDPR breach report" not in only_nis2
    lab_b = body(client.get("/deadlines/", {"lab": world.lab_b.id}))
    assert "SEC Form 8-K — 4 business days" in lab_b and "GDPR breach report" not in lab_b
    overdue = body(client.get("/deadlines/", {"status": "overdue"}))
    assert "NIS2 early warning" in overdue and "GDPR breach report" not in overdue
    bad = client.get("/deadlines/", {"lab": "999999"})
    assert "Select a valid choice" in body(bad) and "data-notification" not in body(bad)
    csv_text = body(client.get("/deadlines/export.csv", {"regime": "nis2"}))
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("due_at_utc,status,filing")
    assert len(lines) == 2 and "NIS2 early warning — 24 h" in lines[1] and ",overdue," in lines[1]


def test_the_deadlines_export_never_names_another_lab(world, viewer_lab_a, client_for):
    csv_text = body(client_for(viewer_lab_a).get("/deadlines/export.csv"))
    assert "Lab A" in csv_text and "Lab B" not in csv_text and "Form 8-K" not in csv_text


def test_lists_put_the_key_columns_first_so_phones_see_them(world, viewer_lab_a, client_for):
    client = client_for(viewer_lab_a)
    incidents = body(client.get("/incidents/"))
    head = incidents[incidents.index("<thead>") : incidents.index("</thead>")]
    assert (
        head.index("Incident") < head.index("Next filing due") < head.index("Severity") < head.index("Vendor")
    )
    assert "GDPR breach report — 72 h · Lab A" in incidents
    findings = body(client.get("/findings/"))
    head = findings[findings.index("<thead>") : findings.index("</thead>")]
    assert head.index("Finding") < head.index("Due") < head.index("Vendor")
