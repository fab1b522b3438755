"""House conventions every model must follow (STYLE.md): a Django admin, a FilterSet, and API tests.

These fail when someone adds a model without them. Bookkeeping models the API does not expose as a
resource of their own may be exempted from the FilterSet and API-test rules — only in the commented
allow-lists below, each with its reason.
"""

import importlib
import pkgutil

import django_filters
import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission

from .resources import RESOURCES

APPS = ("vendorrisk", "vendors", "incidents", "assessments", "webhooks")

# Models that need no FilterSet of their own, and why.
NO_FILTERSET = {
    "vendors.ScoreMark": "internal dirty marks of the recompute; never listed",
    "assessments.VendorScore": "score table, read through /api/vendors/{id}/risk/ and /api/risk/vendors/",
    "assessments.VendorScoreHistory": "score history, read through /api/vendors/{id}/risk/history/",
    "assessments.LabConcentration": "score table, read through /api/labs/{id}/concentration/",
    "assessments.LabConcentrationHistory": "score history of a lab's concentration",
    "assessments.SharedDependency": "score table, read through /api/risk/shared-dependencies/",
    "assessments.VendorLabScore": "per-lab score rows, read through the vendor risk and lab concentration",
    "vendors.GraphVersion": "one internal row: the version of the graph the recompute caches",
    "assessments.Question": "read and written inside its questionnaire",
    "assessments.Answer": "read and written inside its assessment (…/answers/)",
    "incidents.IncidentUpdate": "read inside its incident's timeline",
    "vendorrisk.ImportJob": "admin imports' background jobs, shown on the admin Imports page only",
    "vendorrisk.EventLab": "the labs of an event as rows, for scoping; filtered through ?lab= of the feed",
    "assessments.WhatIfPlan": "saved plans of the planning page: a short list per lab, no filters there",
}

# Models with no resource declaration of their own in tests/api/resources.py, and where they are tested.
NO_API_RESOURCE = {
    "vendors.ScoreMark": "internal; covered by the recompute tests",
    "assessments.VendorScore": "score endpoints have their own tests (tests/scores/)",
    "assessments.VendorScoreHistory": "score endpoints have their own tests",
    "assessments.LabConcentration": "score endpoints have their own tests",
    "assessments.LabConcentrationHistory": "score endpoints have their own tests",
    "assessments.SharedDependency": "score endpoints have their own tests",
    "assessments.VendorLabScore": "score endpoints have their own tests (tests/scores/)",
    "vendors.GraphVersion": "internal; covered by tests/scores/test_incremental_pairs.py",
    "assessments.Answer": "…/answers/ of an assessment has its own tests (tests/assessments/)",
    "assessments.Evidence": "…/evidence/ of an assessment has its own tests (tests/assessments/)",
    "vendorrisk.ImportJob": "not in the API; the admin Imports page has its own tests (tests/admin_imports/)",
    "vendorrisk.Event": "the event feed is read-only with a cursor; tested in tests/webhooks/test_feed.py",
    "vendorrisk.EventLab": "scoping rows of events; covered by tests/events/ and the feed tests",
    "webhooks.Webhook": "not owned by a lab but by a user; tested in tests/webhooks/test_api.py",
    "webhooks.WebhookDelivery": "read and redelivered inside its webhook; tests/webhooks/test_api.py",
    "assessments.WhatIfPlan": "saved by the planning page (the API's /what-if/ takes plans inline); "
    "tests/ui/test_planning.py",
}

# Modules that are not safe or useful to import while collecting FilterSets.
SKIP_MODULES = ("migrations", "settings", "wsgi", "tests", "management")


def project_models():
    for app in APPS:
        yield from apps.get_app_config(app).get_models()


def all_filtersets() -> set[type]:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if not any(part in SKIP_MODULES for part in info.name.split(".")):
                importlib.import_module(info.name)
    found, todo = set(), [django_filters.FilterSet]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return found


def models_with_filtersets() -> set[type]:
    return {fs._meta.model for fs in all_filtersets() if fs._meta.model is not None}


def models_with_api_tests() -> set[type]:
    return {m for r in RESOURCES for m in (r.model, *r.covers)}


def missing_admin(models) -> list[str]:
    return [m._meta.label for m in models if not admin.site.is_registered(m)]


def missing_filterset(models) -> list[str]:
    have = models_with_filtersets()
    return [m._meta.label for m in models if m not in have and m._meta.label not in NO_FILTERSET]


def missing_api_tests(models) -> list[str]:
    have = models_with_api_tests()
    return [m._meta.label for m in models if m not in have and m._meta.label not in NO_API_RESOURCE]


def test_every_model_has_a_django_admin():
    assert missing_admin(project_models()) == []


def test_every_model_has_a_filterset():
    assert missing_filterset(project_models()) == []


def test_every_model_is_covered_by_api_tests():
    assert missing_api_tests(project_models()) == []


def test_the_allow_lists_name_only_real_models():
    labels = {m._meta.label for m in project_models()}
    assert set(NO_FILTERSET) <= labels
    assert set(NO_API_RESOURCE) <= labels


@pytest.mark.parametrize("check", [missing_admin, missing_filterset, missing_api_tests])
def test_the_checks_catch_a_model_without_them(check):
    """A model outside the conventions (Permission: no admin, FilterSet or resource) is reported."""
    assert check([Permission]) == ["auth.Permission"]
