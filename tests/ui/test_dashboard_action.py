"""The dashboard leads with what needs action today, counted per filing and cut to the reader's labs; a
vendor with an open incident says so at the top of its page."""

import datetime as dt
import re

from django.utils import timezone

from tests import factories as f

from .test_pages import body


def _count(html: str, name: str) -> int:
    match = re.search(rf'data-count="{name}"><span class="num">(\d+)</span>', html)
    assert match, name
    return int(match.group(1))


def test_action_counts_are_per_filing_and_only_the_readers_labs(world, viewer_lab_a, viewer_all, client_for):
    past = timezone.now() - dt.timedelta(hours=3)
    f.NotificationFactory(
        incident=world.incident, lab=world.lab_a, regime="nis2", stage="early_warning", due_at=past
    )
    f.NotificationFactory(
        incident=world.incident, lab=world.lab_a, regime="dora", stage="initial", due_at=past
    )
    f.NotificationFactory(
        incident=world.incident, lab=world.lab_b, regime="nis2", stage="early_warning", due_at=past
    )
    f.NotificationFactory(  # filed: owes nothing
        incident=world.incident,
        lab=world.lab_a,
        regime="nis2",
        stage="notification",
        due_at=past,
        submitted_at=past,
    )
    f.NotificationFactory(  # due in 5 days: not within 72 h
        incident=world.incident, lab=world.lab_a, regime="hipaa", stage="notice",
        due_at=timezone.now() + dt.timedelta(days=5),
    )  # fmt: skip
    at_beta = f.IncidentFactory(
        vendor=world.vendor_b, title="Beta outage", status="reported"
    )  # only Lab B's vendor
    f.IncidentFactory(vendor=world.meridian, title="Old closed thing", status="closed")

    html = body(client_for(viewer_lab_a).get("/"))
    assert html.index("Needs action today") < html.index('id="ranked-title"')
    assert _count(html, "overdue-filings") == 2  # two filings of one incident count as two
    assert _count(html, "due-soon-filings") == 1  # the GDPR report due in 3 days
    assert _count(html, "exposed-incidents") == 1 and at_beta.title not in html
    assert _count(html, "expired-assessments") == 1 and _count(html, "overdue-findings") == 1
    assert "2 overdue" in html and "Lab B" not in html

    everyone = body(client_for(viewer_all).get("/"))
    assert _count(everyone, "overdue-filings") == 3
    assert _count(everyone, "exposed-incidents") == 2 and "Beta outage" in everyone


def test_the_overdue_count_links_to_the_same_rows_on_the_deadlines_page(world, viewer_lab_a, client_for):
    past = timezone.now() - dt.timedelta(hours=3)
    f.NotificationFactory(
        incident=world.incident, lab=world.lab_a, regime="nis2", stage="early_warning", due_at=past
    )
    client = client_for(viewer_lab_a)
    assert 'href="/deadlines/?status=overdue" data-count="overdue-filings"' in body(client.get("/"))
    overdue = body(client.get("/deadlines/", {"status": "overdue"}))
    assert overdue.count("data-notification=") == 1
    soon = body(client.get("/deadlines/", {"status": "pending", "due_within": "72"}))
    assert soon.count("data-notification=") == 1 and "GDPR breach report" in soon


def test_a_vendor_with_an_open_incident_shows_a_banner(world, viewer_lab_a, client_for):
    client = client_for(viewer_lab_a)
    html = body(client.get(f"/vendors/{world.meridian.id}/"))
    assert 'aria-labelledby="open-incident-banner"' in html and "Meridian workspace breach" in html
    world.incident.status = "closed"
    world.incident.save()
    assert "open-incident-banner" not in body(client.get(f"/vendors/{world.meridian.id}/"))
    assert "open-incident-banner" not in body(client.get(f"/vendors/{world.vendor_a.id}/"))
