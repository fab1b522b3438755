"""One cut for everything that mentions labs (issue 9, findings 2, 5, 6, 7 and 15).

Audit entries, history causes, 409 blocker lists and imported incident text name labs and lab-owned
objects too; a lab-limited user must never read another lab's id, name or object through them, and
deleting a shared record must never take another lab's records with it.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import Client

from assessments import recompute
from incidents.models import Incident, LabResponse, Notification
from tests import factories as f
from vendorrisk.core.scoping import OTHER_LAB
from vendors import services as vendor_services

HHS_2014 = (
    Path(__file__).resolve().parent.parent / "data" / "hhs" / "ecdat_breaches_2014-06-27_with_BA_names.csv"
)


@pytest.fixture
def security_lab_b(lab_b):
    return f.UserFactory(username="security_lab_b", role="security", labs=[lab_b])


@pytest.fixture
def security_lab_b_api(api_client_for, security_lab_b):
    return api_client_for(security_lab_b)


# --- findings 2 and 7: deleting an incident -------------------------------------------------------------


@pytest.fixture
def incident_of_both_labs(world):
    """An incident at a vendor both labs use: lab A has a submitted notification and a response."""
    incident = f.IncidentFactory(vendor=world.vendor_a, data_exposure="confirmed")
    theirs = f.NotificationFactory(incident=incident, lab=world.lab_a, submitted_at="2025-03-02T10:00:00Z")
    response = f.LabResponseFactory(incident=incident, lab=world.lab_a)
    return incident, theirs, response


def test_an_incident_with_another_labs_records_cannot_be_deleted(incident_of_both_labs, security_lab_b_api):
    incident, notification, response = incident_of_both_labs
    answer = security_lab_b_api.delete(f"/api/incidents/{incident.pk}/")
    assert answer.status_code == 409
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert Notification.objects.filter(pk=notification.pk).exists()
    assert LabResponse.objects.filter(pk=response.pk).exists()
    body = answer.json()
    assert "Close the incident instead" in body["detail"]
    # Counts cut to the caller's labs (none of these are lab B's), never another lab's ids.
    assert body["blockers"] == {
        "notifications": {"count": 0, "ids": []},
        "lab_responses": {"count": 0, "ids": []},
    }
    assert str(notification.pk) not in json.dumps(body["blockers"])
    assert "Lab A" not in answer.content.decode()


def test_an_incident_blocker_lists_only_the_callers_own_records(
    world, incident_of_both_labs, security_lab_a_api, security_lab_b_api
):
    incident, notification, response = incident_of_both_labs
    own = f.NotificationFactory(incident=incident, lab=world.lab_b, stage="final")
    body = security_lab_b_api.delete(f"/api/incidents/{incident.pk}/").json()
    assert body["blockers"]["notifications"] == {"count": 1, "ids": [own.pk]}
    body = security_lab_a_api.delete(f"/api/incidents/{incident.pk}/").json()
    assert body["blockers"]["notifications"] == {"count": 1, "ids": [notification.pk]}
    assert body["blockers"]["lab_responses"] == {"count": 1, "ids": [response.pk]}


def test_an_incident_with_only_pending_notifications_is_not_deleted_either(world, security_api):
    incident = f.IncidentFactory(vendor=world.vendor_a)
    f.NotificationFactory(incident=incident, lab=world.lab_b)
    assert security_api.delete(f"/api/incidents/{incident.pk}/").status_code == 409
    assert Notification.objects.filter(incident=incident).count() == 1


def test_an_incident_without_lab_records_is_deleted(world, security_lab_b_api):
    incident = f.IncidentFactory(vendor=world.vendor_a)
    assert security_lab_b_api.delete(f"/api/incidents/{incident.pk}/").status_code == 204


def test_a_vendor_blocker_counts_only_the_callers_engagements(world, procurement_lab_a_api):
    answer = procurement_lab_a_api.delete(f"/api/vendors/{world.vendor_b.pk}/")
    assert answer.status_code == 409
    assert answer.json()["blockers"]["engagements"] == {"count": 0, "ids": []}
    assert world.engagement_b.title not in answer.content.decode()


# --- finding 5: the audit log ----------------------------------------------------------------------------


def test_a_moved_engagements_audit_shows_no_other_lab_or_its_title(world, admin_api, security_lab_b_api):
    engagement = world.engagement_a
    url = f"/api/engagements/{engagement.pk}/"
    secret_title = "Lab A's secret project"
    assert admin_api.patch(url, {"title": secret_title}).status_code == 200
    assert admin_api.patch(url, {"lab": world.lab_b.pk, "title": "Shared work"}).status_code == 200
    assert admin_api.patch(url, {"lab": world.lab_a.pk}).status_code == 200

    query = {"object_type": "vendors.engagement", "object_id": engagement.pk}
    answer = security_lab_b_api.get("/api/audit/", query)
    assert answer.status_code == 200
    entries = answer.json()["results"]
    assert len(entries) == 1  # only the entry of the time the engagement was lab B's
    (entry,) = entries
    assert entry["changes"]["lab"] == [OTHER_LAB, str(world.lab_b.pk)]
    assert entry["changes"]["title"] == [OTHER_LAB, "Shared work"]
    assert entry["object_repr"] == OTHER_LAB  # the engagement is lab A's again
    text = answer.content.decode()
    assert f'"{world.lab_a.pk}"' not in text
    assert secret_title not in text and world.lab_a.name not in text
    detail = security_lab_b_api.get(f"/api/audit/{entry['id']}/")
    assert detail.status_code == 200 and detail.json() == entry

    # An all-labs reader sees the whole story, unredacted.
    everything = admin_api.get("/api/audit/", query).json()["results"]
    assert [e["changes"].get("lab") for e in everything][:2] == [
        [str(world.lab_b.pk), str(world.lab_a.pk)],
        [str(world.lab_a.pk), str(world.lab_b.pk)],
    ]


def test_an_audit_entry_of_a_lab_owned_row_without_its_lab_is_not_listed(world, security_lab_a_api):
    entry = LogEntry.objects.get_for_object(world.engagement_b).get()
    entry.additional_data = None
    entry.save()
    ids = {e["id"] for e in security_lab_a_api.get("/api/audit/", {"page_size": 500}).json()["results"]}
    assert entry.pk not in ids


# --- finding 15: history causes ------------------------------------------------------------------------


def test_another_labs_csv_import_is_not_a_cause_in_the_vendors_history(world, admin_user, viewer_lab_a_api):
    rows = [
        {
            "lab_id": world.lab_b.pk,
            "vendor_id": world.vendor_a.pk,
            "title": f"Imported {n}",
            "status": "active",
            "criticality": "high",
            "data_sensitivity": "confidential",
            "substitutability": "difficult",
            "data_categories": ["training_data"],
            "start_date": "2024-02-01",
        }
        for n in range(2)
    ]
    vendor_services.engagement_bulk_create(actor=admin_user, rows=rows)
    recompute.drain_all()
    history = viewer_lab_a_api.get(f"/api/vendors/{world.vendor_a.pk}/risk/history/").json()
    causes = [c["cause"] for h in history for c in h["causes"]]
    assert history and not any("imported" in c for c in causes)
    stored = [c for h in world.vendor_a.score_history.all() for c in h.causes if "imported" in c["cause"]]
    assert stored == [{"cause": "2 engagements imported", "lab": world.lab_b.pk}]


# --- finding 6: imported incident text ------------------------------------------------------------------


def test_imported_hhs_incidents_do_not_name_the_covered_entity(tmp_path, world, viewer_lab_a, api_client_for):
    with HHS_2014.open(encoding="utf-8", newline="") as source:
        header, *rows = list(csv.reader(source))
    entity, ba = header.index("Name_of_Covered_Entity"), header.index("Business_Associate_Involved")
    picked = [r for r in rows if r[entity] == "Universal American"][:1]
    picked += [r for r in rows if r[ba].strip() and r[entity] != "Universal American"][:2]
    path = tmp_path / "three.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *picked])
    call_command("import_hhs", str(path), "--report", "json", stdout=io.StringIO())
    assert Incident.objects.count() == 3
    api = api_client_for(viewer_lab_a)
    for entity in ("Universal American", "universal_american"):
        answer = api.get("/api/incidents/", {"search": entity})
        assert answer.status_code == 200 and answer.json()["count"] == 0
    browser = Client()
    browser.force_login(viewer_lab_a)
    page = browser.get("/incidents/", {"q": "Universal American"})
    assert page.status_code == 200
    assert not any(f"/incidents/{i.pk}/" in page.content.decode() for i in Incident.objects.all())
    assert browser.get("/incidents/").content.decode().count("(HHS OCR)") == 3  # positive control
    incidents = api.get("/api/incidents/", {"page_size": 500}).json()["results"]
    assert "Universal American" not in json.dumps(incidents)


def test_the_migration_rewrites_incidents_imported_before_in_vendor_only_words(world, admin_user):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("incidents.migrations.0003_hhs_incidents_name_no_lab")
    old = f.IncidentFactory(
        vendor=world.vendor_a,
        source="hhs",
        external_id="ba|2009-11-12|democracy_data|universal_american|1",
        title="Other at Democracy Data affecting Universal American",
        description="The CE, Universal American, reported...\n\nCovered entity: Universal American (NY). "
        "Business associate: Democracy Data. Individuals affected: 83,000.",
        discovered_at="2009-11-12T00:00:00Z",
    )
    LogEntry.objects.filter(object_id=old.pk).update(object_repr=old.title)
    migration.forwards(apps, None)
    old.refresh_from_db()
    assert old.title == "Other at Democracy Data reported 2009-11-12 (HHS OCR)"
    assert old.description.startswith("Business associate: Democracy Data. Individuals affected: 83,000.")
    assert old.external_id.split("|")[3] == migration.hashlib.sha256(b"universal_american").hexdigest()[:16]
    entries = LogEntry.objects.filter(object_id=old.pk, content_type__model="incident")
    assert entries and "Universal" not in json.dumps([[e.changes, e.object_repr] for e in entries])


def test_no_delete_path_takes_lab_records_with_an_incident(incident_of_both_labs, admin_user):
    """Not the API, not the Django admin, not a script: the rows protect their incident."""
    from django.db.models import ProtectedError

    incident, notification, response = incident_of_both_labs
    with pytest.raises(ProtectedError):
        incident.delete()
    browser = Client()
    browser.force_login(admin_user)
    page = browser.post(f"/admin/incidents/incident/{incident.pk}/delete/", {"post": "yes"})
    assert page.status_code == 200  # the admin explains what protects it instead of deleting
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_untagged_import_causes_stored_before_are_hidden_from_lab_limited_users(
    world, viewer_lab_a_api, admin_api
):
    from importlib import import_module

    from django.apps import apps

    from assessments.models import VendorScoreHistory

    row = VendorScoreHistory.objects.create(
        vendor=world.vendor_a,
        score=10,
        band="low",
        impact=1,
        likelihood=1,
        lab_equivalents=1,
        labs_exposed=1,
        causes=[
            {"cause": "12 engagements imported", "lab": None},
            {"cause": "incident 3 updated", "lab": None},
        ],
        cause_count=2,
        computed_at="2026-01-01T00:00:00Z",
    )
    import_module("assessments.migrations.0005_untagged_import_causes_hidden").forwards(apps, None)
    url = f"/api/vendors/{world.vendor_a.pk}/risk/history/"
    shown = {h["id"]: [c["cause"] for c in h["causes"]] for h in viewer_lab_a_api.get(url).json()}
    assert shown[row.pk] == ["incident 3 updated"]
    everything = {h["id"]: [c["cause"] for c in h["causes"]] for h in admin_api.get(url).json()}
    assert everything[row.pk] == ["12 engagements imported", "incident 3 updated"]
