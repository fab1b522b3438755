"""Every page of the web interface, as (name, url builder, who may open it) for the generic tests."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from assessments.models import WhatIfPlan
from vendorrisk.core.dates import instant_token

ALL = frozenset({"viewer", "procurement", "security", "admin"})
PROCUREMENT = frozenset({"procurement", "admin"})
SECURITY = frozenset({"security", "admin"})


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable
    roles: frozenset = ALL
    queries: int | None = None  # pinned count for a Lab A viewer (procurement for procurement pages)
    measured_as: str | None = None  # count as this role instead (a page that shows security its forms)

    def __str__(self) -> str:
        return self.name


def _hour_ago() -> str:
    return instant_token(timezone.now() - dt.timedelta(hours=1))


def _function(world):
    """Lab A's function F-UI (made on first use: the world has no functions of its own)."""
    from tests import factories as f
    from vendors.models import Function

    return Function.objects.filter(lab=world.lab_a, identifier="F-UI").first() or f.FunctionFactory(
        lab=world.lab_a, identifier="F-UI", name="Evaluation pipeline"
    )


PAGES = [
    Page("dashboard", lambda w: "/"),
    Page("ranked-vendors", lambda w: "/dashboard/ranked-vendors/"),
    Page("vendor-list", lambda w: "/vendors/"),
    Page(
        "vendor-list-filtered", lambda w: f"/vendors/?band=high&band=critical&lab={w.lab_a.id}&sort=-labs&q=a"
    ),
    Page("vendor-detail", lambda w: f"/vendors/{w.meridian.id}/"),
    Page("vendor-detail-fourth-party", lambda w: f"/vendors/{w.pi.id}/"),
    Page("vendor-score", lambda w: f"/vendors/{w.meridian.id}/score/"),
    Page("vendor-score-compact", lambda w: f"/vendors/{w.meridian.id}/score/?compact=1"),
    Page("lab-list", lambda w: "/labs/"),
    Page("lab-detail", lambda w: f"/labs/{w.lab_a.id}/"),
    Page("lab-concentration", lambda w: f"/labs/{w.lab_a.id}/concentration/"),
    Page("engagement-list", lambda w: "/engagements/"),
    Page("engagement-list-filtered", lambda w: f"/engagements/?status=active&lab={w.lab_a.id}&sort=-vendor"),
    Page("engagement-detail", lambda w: f"/engagements/{w.meridian_a.id}/"),
    Page("engagement-detail-changed", lambda w: f"/engagements/{w.meridian_a.id}/?changed={_hour_ago()}"),
    Page(
        "engagement-score-change",
        lambda w: f"/engagements/{w.meridian_a.id}/score-change/?changed={_hour_ago()}",
    ),
    Page("engagement-export", lambda w: "/engagements/export.csv"),
    Page("engagement-template", lambda w: "/engagements/import/template.csv"),
    Page("engagement-create", lambda w: "/engagements/new/", PROCUREMENT),
    Page("engagement-edit", lambda w: f"/engagements/{w.meridian_a.id}/edit/", PROCUREMENT),
    Page("engagement-import", lambda w: "/engagements/import/", PROCUREMENT),
    Page("incident-list", lambda w: "/incidents/"),
    Page("incident-detail", lambda w: f"/incidents/{w.incident.id}/"),
    Page("incident-create", lambda w: "/incidents/new/", SECURITY),
    Page("incident-detail-security", lambda w: f"/incidents/{w.incident.id}/", measured_as="security"),
    Page("lab-response", lambda w: f"/incidents/{w.incident.id}/responses/{w.lab_a.id}/", SECURITY),
    Page("deadlines", lambda w: "/deadlines/"),
    Page("deadlines-security", lambda w: "/deadlines/?status=overdue&status=pending", measured_as="security"),
    Page("deadlines-export", lambda w: "/deadlines/export.csv"),
    Page("assessment-list", lambda w: "/assessments/"),
    Page("assessment-overdue", lambda w: "/assessments/?overdue=true"),
    Page("assessment-detail", lambda w: f"/assessments/{w.assessment.id}/"),
    Page("finding-list", lambda w: "/findings/?overdue=true"),
    Page("network", lambda w: "/network/"),
    Page("network-lab", lambda w: f"/network/?lab={w.lab_a.id}"),
    Page("planning", lambda w: "/planning/"),
    Page("planning-plan", lambda w: f"/planning/{WhatIfPlan.objects.get(name='Lower Meridian for A').id}/"),
    Page("glossary", lambda w: "/glossary/"),
    Page("register", lambda w: f"/register/?lab={w.lab_a.id}&reference_date=2025-12-31"),
    Page("register-functions", lambda w: "/register/functions/"),
    Page("register-function-create", lambda w: "/register/functions/new/", PROCUREMENT),
    Page("register-function-edit", lambda w: f"/register/functions/{_function(w).id}/edit/", PROCUREMENT),
    Page("register-critical-providers", lambda w: "/register/critical-providers/"),
]
