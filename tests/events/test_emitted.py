"""What the services record in the outbox: the types of DESIGN.md section 8, each with the object's API
representation (pinned to the serializer's fields), `changes` for updates and the labs it concerns."""

import datetime as dt

import pytest
from django.db import transaction

from assessments import recompute
from assessments import services as assessment_services
from assessments.api.serializers import AssessmentSerializer, FindingSerializer
from assessments.events import assessment_data, finding_data
from assessments.models import LabConcentration, VendorScore
from incidents import notifications
from incidents import services as incident_services
from incidents.api.serializers import (
    IncidentSerializer,
    LabResponseSerializer,
    NotificationSerializer,
)
from incidents.events import incident_data_many, lab_response_data, notification_data_many
from incidents.models import Notification
from tests import factories as f
from tests.incidents.helpers import at, engagement, incident
from vendorrisk.core.events import EVENT_TYPES
from vendorrisk.models import Event
from vendors import csv_import, dirty
from vendors import services as vendor_services
from vendors.api.serializers import (
    EngagementSerializer,
    LabSerializer,
    VendorDependencySerializer,
    VendorSerializer,
)
from vendors.events import dependency_data, engagement_data_many, lab_data, vendor_data_many

pytestmark = pytest.mark.django_db

# Names of users are shown by the API only to readers who may see that user; `note` is write-only.
READER_DEPENDENT = {"owner_name", "reported_by_name", "decided_by_name", "assessor_name", "note"}
# A lab's parent group is shown only to readers who may see the group's lab too.
READER_DEPENDENT_BY_SERIALIZER = {"LabSerializer": {"parent"}}


def new_events(since: int = 0, **filters) -> list[Event]:
    return list(Event.objects.filter(id__gt=since, **filters).order_by("id"))


def last_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def keys_of(serializer) -> set[str]:
    extra = READER_DEPENDENT_BY_SERIALIZER.get(serializer.__name__, set())
    return set(serializer.Meta.fields) - READER_DEPENDENT - extra


def test_every_payload_has_its_serializers_fields(lab_a, vendor_a, engagement_a):
    inc = incident(vendor_a, data_categories_exposed=["training_data"])
    response = incident_services.lab_response_create(
        actor=None, incident=inc, lab=lab_a, decision="halt", reason="Pause it"
    )
    notification = f.NotificationFactory(incident=inc, lab=lab_a)
    dep = f.VendorDependencyFactory(vendor=vendor_a)
    assessment = f.AssessmentFactory(vendor=vendor_a)
    finding = f.FindingFactory(assessment=assessment)
    pairs = [
        (lab_data(lab_a), LabSerializer),
        (vendor_data_many([vendor_a])[0], VendorSerializer),
        (engagement_data_many([engagement_a])[0], EngagementSerializer),
        (dependency_data(dep), VendorDependencySerializer),
        (incident_data_many([inc])[0], IncidentSerializer),
        (lab_response_data(response), LabResponseSerializer),
        (notification_data_many([notification])[0], NotificationSerializer),
        (assessment_data(assessment), AssessmentSerializer),
        (finding_data(finding), FindingSerializer),
    ]
    for data, serializer in pairs:
        assert set(data) == keys_of(serializer), serializer.__name__
    # Values as the API renders them.
    api = EngagementSerializer(engagement_a).data
    assert {k: v for k, v in engagement_data_many([engagement_a])[0].items() if k in api} == {
        k: v for k, v in api.items() if k not in READER_DEPENDENT
    }


def test_an_engagements_life_is_three_events_concerning_its_lab(lab_a, lab_b, vendor_a, admin_user):
    since = last_id()
    e = engagement(lab_a, vendor_a, actor=admin_user)
    vendor_services.engagement_update(actor=admin_user, instance=e, criticality="low", title="Renamed")
    vendor_services.engagement_update(actor=admin_user, instance=e, lab=lab_b)
    engagement_id = e.id
    vendor_services.engagement_delete(actor=admin_user, instance=e)

    got = new_events(since, object_type="engagement")
    assert [x.type for x in got] == [
        "engagement.created",
        "engagement.updated",
        "engagement.updated",
        "engagement.deleted",
    ]
    assert {x.object_id for x in got} == {engagement_id} and {x.actor_id for x in got} == {admin_user.id}
    assert got[0].labs == [lab_a.id] and got[0].data["title"] == f"{lab_a.name} at {vendor_a.name}"
    assert got[1].data["changes"] == {
        "criticality": ["high", "low"],
        "title": [got[0].data["title"], "Renamed"],
    }
    assert got[2].labs == sorted([lab_a.id, lab_b.id]) and got[2].data["changes"] == {
        "lab": [lab_a.id, lab_b.id]
    }
    assert got[3].labs == [lab_b.id] and got[3].data["id"] == engagement_id


def test_a_csv_import_records_one_event_per_engagement_in_one_insert(lab_a, vendor_a, admin_user):
    rows = [",".join(csv_import.COLUMNS)]
    for n in range(5):
        rows.append(f"{lab_a.name},{vendor_a.name},Row {n},active,high,internal,easy,,,,2025-01-01,,,")
    since = last_id()
    result = csv_import.run_import("\r\n".join(rows) + "\r\n", user=admin_user)
    assert result.ok and result.created == 5, result.as_dict()
    got = new_events(since, type="engagement.created")
    assert [x.data["title"] for x in got] == [f"Row {n}" for n in range(5)]
    assert {x.occurred_at for x in got} == {got[0].occurred_at}  # one batch
    assert all(x.labs == [lab_a.id] and x.actor_id == admin_user.id for x in got)


def test_an_incidents_life_and_the_clocks_it_starts(vendor_a, admin_user):
    lab = f.LabFactory(name="Clocked lab", regimes=["gdpr"])
    engagement(lab, vendor_a, data_categories=["personal_data"])
    since = last_id()
    inc = incident(vendor_a, actor=admin_user, status="reported", discovered_at=at(2026, 11, 1, 12))
    incident_services.incident_update(actor=admin_user, instance=inc, status="investigating")
    response = incident_services.lab_response_create(
        actor=admin_user, incident=inc, lab=lab, decision="investigating", reason="Looking"
    )
    got = new_events(since)
    assert [x.type for x in got] == [
        "incident.created",
        "notification.created",
        "incident.updated",
        "incident.status_changed",
        "lab_response.recorded",
    ]
    assert got[0].labs == [] and got[0].data["vendor_name"] == vendor_a.name  # a vendor-wide fact
    assert got[1].labs == [lab.id] and (got[1].data["regime"], got[1].data["stage"]) == ("gdpr", "report")
    assert got[3].data["changes"] == {"status": ["reported", "investigating"]}
    assert got[4].labs == [lab.id] and got[4].object_id == response.id

    row = Notification.objects.get(incident=inc)
    since = last_id()
    incident_services.notification_update(actor=admin_user, instance=row, submitted_at=at(2026, 11, 2, 12))
    (submitted,) = new_events(since)
    assert submitted.type == "notification.submitted" and submitted.data["status"] == "submitted"
    assert submitted.data["changes"] == {"submitted_at": [None, "2026-11-02T12:00:00Z"]}


def test_halting_work_records_which_labs_halted(lab_a, lab_b, vendor_a, admin_user):
    engagement(lab_a, vendor_a)
    engagement(lab_b, vendor_a)
    since = last_id()
    vendor_services.vendor_suspend(actor=admin_user, vendor=vendor_a, reason="Breach", lab=lab_a)
    (halted,) = new_events(since, type="vendor.work_halted")
    assert halted.labs == [lab_a.id] and halted.data["reason"] == "Breach"
    assert [e["lab"] for e in halted.data["engagements"]] == [lab_a.id]


def test_deadline_warnings_record_due_soon_and_overdue_once(lab_a, vendor_a):
    inc = f.IncidentFactory(vendor=vendor_a)
    now = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    soon = f.NotificationFactory(incident=inc, lab=lab_a, due_at=now + dt.timedelta(hours=3))
    late = f.NotificationFactory(
        incident=inc, lab=lab_a, regime="nis2", stage="early_warning", due_at=now - dt.timedelta(hours=3)
    )
    since = last_id()
    notifications.warn_deadlines(now=now)
    notifications.warn_deadlines(now=now)
    got = new_events(since)
    assert [(x.type, x.object_id, x.labs) for x in got] == [
        ("notification.overdue", late.id, [lab_a.id]),
        ("notification.due_soon", soon.id, [lab_a.id]),
    ]


def test_completion_expiry_and_overdue_findings(vendor_a, admin_user):
    assessment = f.AssessmentFactory(
        vendor=vendor_a,
        status="completed",
        completed_at=at(2025, 1, 31, 12),
        valid_until=dt.date(2026, 1, 31),
        score=80,
        rating="satisfactory",
    )
    finding = f.FindingFactory(assessment=assessment, due_on=dt.date(2026, 2, 1), status="open")
    f.FindingFactory(assessment=assessment, due_on=dt.date(2026, 2, 1), status="closed")
    since = last_id()
    for _ in range(2):  # once each
        assert assessment_services.announce_expired_assessments(today=dt.date(2026, 2, 2)) in (1, 0)
        assert assessment_services.announce_overdue_findings(today=dt.date(2026, 2, 2)) in (1, 0)
    got = new_events(since)
    assert [(x.type, x.object_id) for x in got] == [
        ("assessment.expired", assessment.id),
        ("finding.overdue", finding.id),
    ]
    # A due date moved later and passed again: overdue anew.
    assessment_services.finding_update(actor=admin_user, instance=finding, due_on=dt.date(2026, 3, 1))
    assert assessment_services.announce_overdue_findings(today=dt.date(2026, 3, 2)) == 1


def test_the_recompute_records_a_changed_band_not_a_first_one(lab_a, vendor_a):
    since = last_id()
    engagement(lab_a, vendor_a)
    recompute.drain_all()
    assert new_events(since, type__endswith="band_changed") == []  # first scores: no change
    stored = VendorScore.objects.get(vendor=vendor_a).band
    concentration = LabConcentration.objects.get(lab=lab_a).band
    # Another band stored (as if computed under other inputs); the next recompute moves it back.
    VendorScore.objects.filter(vendor=vendor_a).update(band="stale")
    LabConcentration.objects.filter(lab=lab_a).update(band="stale")
    dirty.mark(vendors=[vendor_a.id], labs=[lab_a.id], cause="test")
    since = last_id()
    recompute.drain_all()
    vendor_event, lab_event = new_events(since)
    assert vendor_event.type == "vendor.score_band_changed" and vendor_event.labs == []
    assert vendor_event.object_id == vendor_a.id and vendor_event.data["band"] == stored
    assert vendor_event.data["changes"] == {"band": ["stale", stored]}
    assert lab_event.type == "lab.concentration_band_changed" and lab_event.labs == [lab_a.id]
    assert lab_event.data["changes"] == {"band": ["stale", concentration]}
    since = last_id()
    dirty.mark(vendors=[vendor_a.id], labs=[lab_a.id], cause="test")
    recompute.drain_all()
    assert new_events(since) == []  # recomputed, unchanged


def test_every_recorded_type_is_a_known_one(lab_a, vendor_a, admin_user):
    since = last_id()
    with transaction.atomic():
        vendor = vendor_services.vendor_create(actor=admin_user, name="Fresh vendor", category="data_broker")
        vendor_services.vendor_update(actor=admin_user, instance=vendor, legal_name="Fresh Ltd")
        dep = vendor_services.dependency_create(actor=admin_user, vendor=vendor, depends_on=vendor_a)
        vendor_services.dependency_delete(actor=admin_user, instance=dep)
        lab = vendor_services.lab_create(actor=admin_user, name="Fresh lab")
        vendor_services.lab_update(actor=admin_user, instance=lab, regimes=["gdpr"])
        lab_id = lab.id
        vendor_services.lab_delete(actor=admin_user, instance=lab)
        vendor_services.vendor_delete(actor=admin_user, instance=vendor)
    got = new_events(since)
    assert [x.type for x in got] == [
        "vendor.created",
        "vendor.updated",
        "vendor_dependency.created",
        "vendor_dependency.deleted",
        "lab.created",
        "lab.updated",
        "lab.deleted",
        "vendor.deleted",
    ]
    assert got[5].data["changes"] == {"regimes": [[], ["gdpr"]]} and got[5].labs == [lab_id]
    assert all(x.type in EVENT_TYPES for x in got)
