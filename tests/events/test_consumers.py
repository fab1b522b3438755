"""The one registry of what follows an event in its transaction (DESIGN.md section 8): which consumers run
for each event type, and that the score marks come from those consumers, not from the services."""

import pytest
from django.db import transaction

from assessments.services import assessments as assessment_services
from tests import factories as f
from tests.incidents.helpers import at
from tests.incidents.helpers import engagement as make_engagement
from tests.incidents.helpers import incident as make_incident
from vendorrisk.core import events
from vendors import csv_import
from vendors import services as vendor_services
from vendors.graph_queries import labs_reaching, vendors_downstream, vendors_upstream
from vendors.models import ScoreMark

pytestmark = pytest.mark.django_db

# Event type -> the consumers that run for it, in order. A type absent here has none.
DECLARED = {
    "engagement.created": [
        "vendors.consumers.engagements_created",
        "incidents.consumers.engagements_exposure",
    ],
    "engagement.updated": [
        "vendors.consumers.engagements_updated",
        "incidents.consumers.engagements_exposure",
    ],
    "engagement.deleted": [
        "vendors.consumers.engagements_deleted",
        "incidents.consumers.engagements_exposure",
    ],
    "lab.created": ["vendors.consumers.labs_created"],
    "lab.updated": ["incidents.consumers.lab_regimes"],
    "vendor.created": ["vendors.consumers.vendors_created"],
    "vendor.updated": ["vendors.consumers.vendor_group_changed"],
    "vendor.deleted": ["vendors.consumers.vendors_deleted"],
    "vendor.work_halted": ["incidents.consumers.work_changed"],
    "vendor.work_resumed": ["incidents.consumers.work_changed"],
    "vendor_dependency.created": [
        "vendors.consumers.dependencies_changed",
        "incidents.consumers.dependency_reach",
    ],
    "vendor_dependency.updated": [
        "vendors.consumers.dependencies_changed",
        "incidents.consumers.dependency_reach",
    ],
    "vendor_dependency.deleted": [
        "vendors.consumers.dependencies_changed",
        "incidents.consumers.dependency_reach",
    ],
    "incident.created": [
        "incidents.consumers.incidents_created_marks",
        "incidents.consumers.incidents_created",
    ],
    "incident.updated": [
        "incidents.consumers.incidents_updated_marks",
        "incidents.consumers.incidents_updated",
    ],
    "incident.deleted": ["incidents.consumers.incidents_deleted_marks"],
    "lab_response.recorded": ["incidents.consumers.lab_responses"],
    "lab_response.updated": ["incidents.consumers.lab_responses"],
    "notification.submitted": ["incidents.consumers.notifications_submitted"],
    "notification.updated": ["incidents.consumers.notifications_submitted"],
    "assessment.updated": ["assessments.consumers.completed_assessments_changed"],
    "assessment.deleted": ["assessments.consumers.completed_assessments_changed"],
    "assessment.completed": ["assessments.consumers.assessments_completed"],
}
CSV_ROW = {
    "status": "active",
    "criticality": "high",
    "data_sensitivity": "confidential",
    "substitutability": "moderate",
    "start_date": "2025-02-01",
}
SCORE_MODULES = ("vendors.consumers", "assessments.consumers")


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__name__}"


def _is_score_consumer(fn) -> bool:
    return fn.__module__ in SCORE_MODULES or fn.__name__.endswith("_marks")


def test_the_registry_lists_which_consumers_run_for_each_event_type():
    declared = {}
    for event_type in events.EVENT_TYPES:
        names = [
            _name(fn)
            for patterns, fn in events.declared_consumers()
            if events.type_matches(event_type, patterns)
        ]
        if names:
            declared[event_type] = names
    assert declared == DECLARED


def test_every_declared_pattern_matches_a_known_type():
    for patterns, fn in events.declared_consumers():
        for pattern in patterns:
            assert any(events.type_matches(known, [pattern]) for known in events.EVENT_TYPES), (
                _name(fn),
                pattern,
            )


@pytest.fixture
def without_score_consumers(monkeypatch):
    kept = [(patterns, fn) for patterns, fn in events.declared_consumers() if not _is_score_consumer(fn)]
    assert len(kept) < len(events.declared_consumers())
    monkeypatch.setattr(events, "_consumers", kept)


def _marks():
    return sorted(ScoreMark.objects.values_list("kind", "object_id", "cause", "cause_lab_id"))


def _write_everything(admin_user, lab, vendor, other_vendor):
    """An engagement, an edge, an incident and a completed assessment, each through its service."""
    engagement = make_engagement(lab, vendor, admin_user)
    vendor_services.dependency_create(
        actor=admin_user, vendor=vendor, depends_on=other_vendor, shares_data=True
    )
    make_incident(other_vendor, admin_user, discovered_at=at(2026, 1, 5, 9))
    question = f.QuestionFactory()
    assessment = f.AssessmentFactory(
        vendor=vendor, questionnaire=question.questionnaire, status="in_progress"
    )
    f.AnswerFactory(assessment=assessment, question=question, response="yes")
    assessment_services.assessment_complete(actor=admin_user, assessment=assessment)
    return engagement, assessment


def test_the_services_record_their_events_but_mark_nothing_without_the_score_consumers(
    without_score_consumers, admin_user, lab_a, vendor_a, vendor_b
):
    with transaction.atomic():
        last = events.Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        _write_everything(admin_user, lab_a, vendor_a, vendor_b)
        types = list(events.Event.objects.filter(id__gt=last).values_list("type", flat=True))
    assert {
        "engagement.created",
        "vendor_dependency.created",
        "incident.created",
        "assessment.completed",
    } <= set(types)
    assert _marks() == []


def test_with_the_score_consumers_the_same_writes_mark_with_their_causes(
    admin_user, lab_a, vendor_a, vendor_b
):
    with transaction.atomic():
        engagement, assessment = _write_everything(admin_user, lab_a, vendor_a, vendor_b)
    causes = {cause for _, _, cause, _ in _marks()}
    dep = vendor_a.dependencies.get()
    incident = vendor_b.incidents.get()
    assert causes == {
        f"engagement {engagement.id} created",
        f"dependency {dep.id} created",
        f"incident {incident.id} created",
        f"assessment {assessment.id} completed",
    }
    # The engagement's mark names its lab, for that lab's readers only.
    assert ("lab", lab_a.id, f"engagement {engagement.id} created", lab_a.id) in _marks()


def test_moving_an_engagement_marks_the_old_and_the_new_lab_and_vendor(
    admin_user, lab_a, lab_b, vendor_a, vendor_b
):
    engagement = f.EngagementFactory(lab=lab_a, vendor=vendor_a, status="active")
    with transaction.atomic():
        vendor_services.engagement_update(actor=admin_user, instance=engagement, lab=lab_b, vendor=vendor_b)
    cause = f"engagement {engagement.id} updated"
    assert _marks() == sorted(
        [
            ("lab", lab_a.id, cause, lab_a.id),
            ("lab", lab_b.id, cause, lab_b.id),
            ("vendor", vendor_a.id, cause, lab_a.id),
            ("vendor", vendor_b.id, cause, lab_b.id),
        ]
    )


def test_a_change_that_is_no_score_input_marks_nothing(admin_user, engagement_a):
    with transaction.atomic():
        vendor_services.engagement_update(actor=admin_user, instance=engagement_a, title="Renamed", notes="n")
    assert _marks() == []


def test_deleting_an_edge_marks_what_the_graph_with_it_reached(admin_user, lab_a, lab_b):
    """In a cycle too: the edge's marks on the graph after the delete equal those on the graph before."""
    a, b, c, d = (f.VendorFactory() for _ in range(4))
    f.EngagementFactory(lab=lab_a, vendor=a, status="active")
    f.EngagementFactory(lab=lab_b, vendor=c, status="active")
    edge = f.VendorDependencyFactory(vendor=a, depends_on=b, shares_data=True)
    f.VendorDependencyFactory(vendor=b, depends_on=c, shares_data=True)
    f.VendorDependencyFactory(vendor=c, depends_on=a, shares_data=True)  # a → b → c → a
    f.VendorDependencyFactory(vendor=b, depends_on=d, shares_data=True)
    expected_vendors = vendors_upstream([a.id]) | vendors_downstream([b.id]) | {a.id, b.id}
    expected_labs = labs_reaching([a.id])
    assert expected_labs == {lab_a.id, lab_b.id}
    cause = f"dependency {edge.id} deleted"
    with transaction.atomic():
        vendor_services.dependency_delete(actor=admin_user, instance=edge)
    assert {(kind, pk) for kind, pk, c, _ in _marks() if c == cause} == {
        ("vendor", pk) for pk in expected_vendors
    } | {("lab", pk) for pk in expected_labs}


def test_moving_an_edge_marks_its_old_and_its_new_ends(admin_user, lab_a, lab_b):
    a, b, c = (f.VendorFactory() for _ in range(3))
    f.EngagementFactory(lab=lab_a, vendor=a, status="active")
    f.EngagementFactory(lab=lab_b, vendor=c, status="active")
    edge = f.VendorDependencyFactory(vendor=a, depends_on=b, shares_data=True)
    with transaction.atomic():
        vendor_services.dependency_update(actor=admin_user, instance=edge, vendor=c)
    marked = {(kind, pk) for kind, pk, _, _ in _marks()}
    assert {
        ("lab", lab_a.id),
        ("lab", lab_b.id),
        ("vendor", a.id),
        ("vendor", b.id),
        ("vendor", c.id),
    } <= marked


def test_a_bulk_import_runs_each_consumer_once_for_the_whole_batch(
    monkeypatch, admin_user, lab_a, lab_b, vendor_a
):
    calls = []

    def counted(fn):
        def wrapper(batch):
            calls.append((_name(fn), len(batch)))
            return fn(batch)

        return wrapper

    monkeypatch.setattr(events, "_consumers", [(p, counted(fn)) for p, fn in events.declared_consumers()])
    header = ",".join(csv_import.COLUMNS)
    rows = [
        ",".join(
            {**CSV_ROW, "lab": lab, "vendor": vendor_a.name, "title": title}.get(c, "")
            for c in csv_import.COLUMNS
        )
        for lab, title in ((lab_a.name, "One"), (lab_a.name, "Two"), (lab_b.name, "Three"))
    ]
    result = csv_import.run_import("\n".join([header, *rows]) + "\n", user=admin_user)
    assert result.ok and result.created == 3, result.as_dict()
    assert calls.count(("vendors.consumers.engagements_created", 3)) == 1
    assert [c for c in calls if c[0] == "vendors.consumers.engagements_created"] == [
        ("vendors.consumers.engagements_created", 3)
    ]
    lab_marks = [(pk, cause) for kind, pk, cause, _ in _marks() if kind == "lab"]
    assert lab_marks == sorted([(lab_a.id, "2 engagements imported"), (lab_b.id, "1 engagements imported")])
