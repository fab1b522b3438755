"""`load_demo`: the loaders in the story's order, in one transaction, and the world's counts after.

Between the steps the world "settles": the scores the step changed are recomputed and stored as of when
the story says it happened (weeks ago for the set-up, each incident's discovery, each lab's decision), so
the score history of the demo is spread over the past weeks, deterministically from today."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.models import Assessment, Finding
from incidents.models import Incident, LabResponse
from vendors.choices import EngagementStatus
from vendors.models import Engagement, Lab, Vendor, VendorDependency

from . import loaders, register, scenario
from .upsert import DemoSummary
from .world import SETUP_DAYS_AGO, World


def load_demo(*, password: str, today: date | None = None) -> DemoSummary:
    """Build (or bring back) the demo world. Returns a summary; writes one transaction."""
    world = World.starting(today)
    with transaction.atomic():
        world.admin = loaders.load_user(world, scenario.ADMIN, password=password)  # the actor from here
        loaders.load_labs(world)
        for spec in scenario.USERS:
            loaders.load_user(world, spec, password=password)
        loaders.load_vendors(world)
        loaders.load_dependencies(world)
        loaders.load_engagements(world)
        register.load_register(world)
        world.settle(world.hours_ago(SETUP_DAYS_AGO * 24))
        loaders.load_questionnaire(world)
        loaders.load_assessments(world)
        loaders.load_findings(world)
        world.settle(world.hours_ago(_last_completed_days_ago() * 24))
        loaders.load_incidents(world)  # settles at each discovery
        loaders.load_lab_responses(world)  # settles at each decision
    world.summary.counts = world_counts()
    return world.summary


def _last_completed_days_ago() -> int:
    """When the scenario's most recent assessment was completed (days ago): its result counts from then."""
    return min(-a.completed_days for a in scenario.ASSESSMENTS if a.completed_days is not None)


def world_counts() -> dict:
    return {
        "labs": Lab.objects.count(),
        "vendors": Vendor.objects.count(),
        "dependencies": VendorDependency.objects.count(),
        "engagements": Engagement.objects.count(),
        "engagements_by_status": {
            s: Engagement.objects.filter(status=s).count() for s in EngagementStatus.values
        },
        "incidents": Incident.objects.count(),
        "lab_responses": LabResponse.objects.count(),
        "assessments": Assessment.objects.count(),
        "findings": Finding.objects.count(),
        "users": list(get_user_model().objects.order_by("id").values_list("username", flat=True)),
    }
