"""The notification upkeep runs only when an engagement change can move a notification (issue 12 item 3):
a criticality change re-checks no incident, a change of the data an engagement holds still does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Notification

from .helpers import at, engagement, incident

pytestmark = pytest.mark.django_db

NOTIFICATION_TABLES = ("incidents_incident", "incidents_notification", "incidents_labresponse")


@pytest.fixture
def world(lab_a, vendor_a):
    lab_a.regimes = ["gdpr", "nis2"]
    lab_a.save()
    held = engagement(lab_a, vendor_a, data_categories=["training_data"], start_date=at(2024, 1, 1).date())
    breach = incident(vendor_a, discovered_at=at(2026, 11, 2, 9))
    return held, breach


def _patch(api, held, body):
    with CaptureQueriesContext(connection) as queries:
        response = api.patch(f"/api/engagements/{held.pk}/", body, format="json")
    assert response.status_code == 200, response.data
    return [q["sql"] for q in queries.captured_queries]


def _touching_notifications(sql: list[str]) -> list[str]:
    return [q for q in sql if any(f'"{table}"' in q for table in NOTIFICATION_TABLES)]


def test_a_criticality_change_runs_no_notification_query(world, admin_api):
    held, breach = world
    before = sorted(Notification.objects.filter(incident=breach).values_list("regime", "stage", "due_at"))
    assert before  # NIS2 clocks run for the exposed lab
    sql = _patch(admin_api, held, {"criticality": "critical", "notes": "Raised after review"})
    assert _touching_notifications(sql) == []
    # It still marks the scores: the change is a score input.
    assert any('"vendors_scoremark"' in q for q in sql)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Personal data brings the GDPR report.
        ({"data_categories": ["training_data", "personal_data"]}, {"gdpr"}),
        # Back to proposed: the engagement is no longer exposing, every row is retired.
        ({"status": "proposed"}, set()),
    ],
)
def test_a_change_that_can_move_a_notification_still_keeps_the_rows(world, admin_api, body, expected):
    held, breach = world
    sql = _patch(admin_api, held, body)
    assert _touching_notifications(sql)
    required = Notification.objects.filter(incident=breach, required=True)
    assert set(required.values_list("regime", flat=True)) - {"nis2"} == expected
    assert required.filter(regime="nis2").exists() is (body.get("status") != "proposed")


def test_halting_work_moves_no_clock(world, admin_api):
    """Active to suspended: still exposing (the vendor holds the data), so nothing to re-check."""
    held, _ = world
    sql = _patch(admin_api, held, {"status": "suspended"})
    assert _touching_notifications(sql) == []
