"""One engagement, three write paths (the API, the CSV import, the HHS importer's bulk write): the same
notification rows, score marks, audit rows and events. Each path runs in a savepoint rolled back after
its outcome is read, so all three start from the same world."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.db import transaction

from incidents.importers.bulk import BulkCreate
from incidents.models import Notification
from tests import factories as f
from tests.incidents.helpers import at, incident
from vendorrisk.models import Event
from vendors import csv_import
from vendors.models import Engagement, ScoreMark

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Labeling for the regulated lab",
    "status": "active",
    "criticality": "high",
    "data_sensitivity": "confidential",
    "substitutability": "moderate",
    "data_categories": ["training_data", "personal_data"],
    "annual_value": "120000.50",
    "currency": "USD",
    "start_date": "2025-02-01",
}
VOLATILE = {"id", "created_at", "updated_at"}


@pytest.fixture
def world():
    lab = f.LabFactory(name="Regulated lab", regimes=["nis2", "gdpr"])
    vendor = f.VendorFactory(name="Breached vendor")
    open_incident = incident(vendor, status="investigating", discovered_at=at(2026, 11, 2, 9))
    return lab, vendor, open_incident


def via_api(lab, vendor, admin_api, admin_user):
    response = admin_api.post(
        "/api/engagements/", {"lab": lab.pk, "vendor": vendor.pk, **FIELDS}, format="json"
    )
    assert response.status_code == 201, response.data
    return admin_user


def via_csv(lab, vendor, admin_api, admin_user):
    values = {
        **FIELDS,
        "lab": lab.name,
        "vendor": vendor.name,
        "data_categories": "training_data;personal_data",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(csv_import.COLUMNS)
    writer.writerow([values.get(column, "") for column in csv_import.COLUMNS])
    result = csv_import.run_import(out.getvalue(), user=admin_user)
    assert result.ok and result.created == 1, result.as_dict()
    return admin_user


def via_hhs_bulk(lab, vendor, admin_api, admin_user):
    bulk = BulkCreate("HHS")
    bulk.begin_record()
    bulk.engagement(
        lab=lab,
        vendor=vendor,
        **{**FIELDS, "annual_value": Decimal(FIELDS["annual_value"]), "start_date": dt.date(2025, 2, 1)},
    )
    bulk.commit_record()
    with transaction.atomic():
        bulk.flush()
    return None  # the importers write as the system


def _plain(data: dict, engagement_id: int) -> dict:
    shown = {k: v for k, v in data.items() if k not in VOLATILE}
    if shown.get("engagement") == engagement_id:
        shown["engagement"] = "E"
    return shown


def outcome(path, world, admin_api, admin_user) -> dict:
    lab, vendor, open_incident = world
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_mark = ScoreMark.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_entry = LogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    savepoint = transaction.savepoint()
    try:
        actor = path(lab, vendor, admin_api, admin_user)
        engagement = Engagement.objects.get(lab=lab, vendor=vendor)
        entries = LogEntry.objects.filter(id__gt=last_entry).order_by("id")
        return {
            "actor": getattr(actor, "pk", None),
            "notifications": sorted(
                Notification.objects.filter(incident=open_incident).values_list(
                    "lab_id", "regime", "stage", "due_at", "required"
                )
            ),
            "marks": sorted(
                ScoreMark.objects.filter(id__gt=last_mark).values_list("kind", "object_id", "cause_lab_id")
            ),
            "audit": [
                (
                    e.content_type.model,
                    e.action,
                    e.actor_id,
                    e.additional_data,
                    {k: v for k, v in e.changes_dict.items() if k not in VOLATILE},
                )
                for e in entries
            ],
            "events": [
                (e.type, e.actor_id, e.object_type, e.labs, _plain(e.data, engagement.pk))
                for e in Event.objects.filter(id__gt=last_event).order_by("id")
            ],
        }
    finally:
        transaction.savepoint_rollback(savepoint)


def test_an_engagement_starts_the_same_regulator_clocks_however_it_is_logged(world, admin_api, admin_user):
    """The drift issue 11 describes: the CSV import started no clock (0 rows against the API's 4)."""
    lab, _, _ = world
    for path in (via_api, via_csv, via_hhs_bulk):
        got = outcome(path, world, admin_api, admin_user)["notifications"]
        assert [(lab_id, regime, stage) for lab_id, regime, stage, _, _ in got] == [
            (lab.pk, "gdpr", "report"),
            (lab.pk, "nis2", "early_warning"),
            (lab.pk, "nis2", "final_report"),
            (lab.pk, "nis2", "notification"),
        ], path.__name__


def test_api_csv_and_hhs_bulk_write_the_same_marks_audit_and_events(world, admin_api, admin_user):
    api = outcome(via_api, world, admin_api, admin_user)
    imported = outcome(via_csv, world, admin_api, admin_user)
    hhs = outcome(via_hhs_bulk, world, admin_api, admin_user)

    assert api["events"] and api["marks"] and api["audit"]
    types = [event[0] for event in api["events"]]
    assert types[0] == "engagement.created" and types.count("notification.created") == 4
    assert api["events"][0][3] == [world[0].pk]  # the engagement's event concerns its lab
    for other in (imported, hhs):
        assert other["notifications"] == api["notifications"]
        assert other["marks"] == api["marks"]
    assert imported["audit"] == api["audit"]
    assert imported["events"] == api["events"]

    # The importers write as the system: the same rows, with no actor.
    def without_actor(rows, at):
        return [(*row[:at], None, *row[at + 1 :]) for row in rows]

    assert hhs["audit"] == without_actor(api["audit"], 2)
    assert hhs["events"] == without_actor(api["events"], 1)


def test_bulk_audit_diffs_are_auditlogs_own(lab_a, vendor_a, admin_user):
    """The bulk inserts' create entries (worked out once per model) equal auditlog's `model_instance_diff`."""
    from auditlog.diff import model_instance_diff
    from django.conf import settings

    from vendorrisk.core.services import _CreateDiffs

    objects = [
        f.EngagementFactory(lab=lab_a, vendor=vendor_a, data_categories=["personal_data"], annual_value=5),
        f.IncidentFactory(vendor=vendor_a),
        f.LabFactory(regimes=["gdpr"]),
        vendor_a,
    ]
    diffs = _CreateDiffs()
    for obj in objects:
        expected = model_instance_diff(None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)
        assert diffs.of(obj) == expected, type(obj).__name__
