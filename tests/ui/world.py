"""The web interface's test world: two labs sharing a vendor that passes their data to a fourth party.

    Lab A ──▶ Vendor Alpha                      Lab B ──▶ Vendor Beta ("Beta benchmarks for B")
    Lab A ──▶ Meridian Data ──shares data──▶ Platform Pi ◀── (fourth party of both labs)
    Lab B ──▶ Meridian Data

An open critical incident at Meridian (investigating, personal data confirmed) with a notification
each lab owes; a completed assessment of Vendor Alpha that has expired; an overdue finding. Scores are
computed with a full rebuild, so every page has numbers to show.

`grow(world, n)` adds n more of every kind of row (same graph depth), for the query-count tests.
"""

import datetime as dt
import itertools

from django.utils import timezone

from assessments import recompute
from assessments.models import WhatIfPlan
from tests import factories as f

_serial = itertools.count(1)


class World(dict):
    __getattr__ = dict.__getitem__


def build_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b) -> "World":
    meridian = f.VendorFactory(name="Meridian Data", slug="meridian-data")
    pi = f.VendorFactory(name="Platform Pi", slug="platform-pi", category="software")
    f.VendorDependencyFactory(vendor=meridian, depends_on=pi)
    meridian_a = f.EngagementFactory(
        lab=lab_a, vendor=meridian, title="Meridian for A", criticality="critical", data_sensitivity="restricted",
        data_categories=["training_data", "personal_data"],
    )  # fmt: skip
    meridian_b = f.EngagementFactory(lab=lab_b, vendor=meridian, title="Secret Meridian work for B")
    incident = f.IncidentFactory(
        vendor=meridian, title="Meridian workspace breach", severity="critical", status="investigating",
        data_exposure="confirmed", data_categories_exposed=["personal_data"],
        discovered_at=timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip
    f.IncidentUpdateFactory(incident=incident, body="Vendor confirmed unauthorised access.")
    notice_a = f.NotificationFactory(incident=incident, lab=lab_a, regime="gdpr", stage="report")
    f.NotificationFactory(incident=incident, lab=lab_b, regime="sec", stage="form_8k")
    f.LabResponseFactory(incident=incident, lab=lab_b, decision="halt", reason="Bravo halts everything")
    f.LabResponseFactory(incident=incident, lab=lab_a, decision="investigating", reason="Alpha investigates")
    assessment = f.AssessmentFactory(
        vendor=vendor_a, status="completed", score=72, rating="satisfactory",
        completed_at=timezone.now() - dt.timedelta(days=400), valid_until=timezone.now().date() - dt.timedelta(days=30),
    )  # fmt: skip
    finding = f.FindingFactory(
        assessment=assessment,
        title="No subprocessor list",
        due_on=timezone.now().date() - dt.timedelta(days=3),
    )
    WhatIfPlan.objects.create(
        name="Lower Meridian for A",
        lab=lab_a,
        changes=[
            {"op": "update", "object": "engagement", "id": meridian_a.id, "fields": {"criticality": "low"}}
        ],
    )
    recompute.rebuild_all()
    return World(
        lab_a=lab_a, lab_b=lab_b, vendor_a=vendor_a, vendor_b=vendor_b, meridian=meridian, pi=pi,
        engagement_a=engagement_a, engagement_b=engagement_b, meridian_a=meridian_a, meridian_b=meridian_b,
        incident=incident, notice_a=notice_a, assessment=assessment, finding=finding,
    )  # fmt: skip


def grow(world: World, n: int) -> None:
    """n more vendors engaged by both labs and passing data to Platform Pi, each with an incident,
    an expired assessment, an overdue finding, notifications and score history; then rescore."""
    today = timezone.now().date()
    for _ in range(n):
        k = next(_serial)
        parent = f.VendorFactory(name=f"Group {k}")
        vendor = f.VendorFactory(name=f"Grown vendor {k}", parent=parent)
        f.VendorDependencyFactory(vendor=vendor, depends_on=world.pi)
        for lab in (world.lab_a, world.lab_b):
            f.EngagementFactory(lab=lab, vendor=vendor, title=f"Grown engagement {k} {lab.name}")
        incident = f.IncidentFactory(
            vendor=vendor, title=f"Grown incident {k}", status="reported", data_exposure="confirmed",
            discovered_at=timezone.now() - dt.timedelta(days=1),
        )  # fmt: skip
        f.IncidentUpdateFactory(incident=incident)
        f.IncidentUpdateFactory(incident=world.incident)
        for lab in (world.lab_a, world.lab_b):
            f.NotificationFactory(incident=incident, lab=lab)
        assessment = f.AssessmentFactory(
            vendor=vendor, status="completed", score=50, rating="needs_improvement",
            completed_at=timezone.now() - dt.timedelta(days=500), valid_until=today - dt.timedelta(days=10),
        )  # fmt: skip
        f.FindingFactory(assessment=assessment, due_on=today - dt.timedelta(days=1))
        f.FindingFactory(assessment=world.assessment, due_on=today - dt.timedelta(days=1))
        f.EngagementFactory(lab=world.lab_a, vendor=world.meridian, title=f"More Meridian {k}")
    recompute.rebuild_all()
