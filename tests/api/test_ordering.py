"""Sorting (issue 9, findings 3 and 4): every list declares what it may be ordered by, one mechanism.

An undeclared `?ordering=` is a 400 naming the field and the allowed values (never ignored, never a 500);
every declared value works; the schema documents the values as an enum; and nothing that is cut per lab
(stored JSON of per-lab terms, paths or causes) can be declared.
"""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from rest_framework.filters import OrderingFilter

from tests import factories as f
from vendorrisk.api import router
from vendorrisk.core.filters import StrictOrderingFilter

# Lists with one fixed order by design, and why; `?ordering=` on them is a 400 (tested with each).
FIXED_ORDER = {
    "event": "the event feed is a forward cursor in ascending id (DESIGN.md section 8); tests/webhooks/test_feed.py",
}
LIST_VIEWS = [
    (prefix, viewset, basename)
    for prefix, viewset, basename in router.registry
    if hasattr(viewset, "list") and basename not in FIXED_ORDER
]


def list_url(basename: str, incident) -> str:
    kwargs = {"incident_pk": incident.pk} if "incident_pk" in _pattern(basename) else {}
    return reverse(f"{basename}-list", kwargs=kwargs)


def _pattern(basename: str) -> str:
    return next(prefix for prefix, _, name in router.registry if name == basename)


def declared(viewset) -> list[str]:
    return list(StrictOrderingFilter.declared_fields(viewset()))


def _lookup_field(model, lookup: str) -> models.Field:
    field = None
    for part in lookup.split("__"):
        if part == "pk":
            part = model._meta.pk.name
        field = model._meta.get_field(part)
        model = field.related_model if field.is_relation else model
    return field


@pytest.fixture
def scored_world(world):
    """The conftest world with stored scores, an incident with a response, update and notification."""
    incident = f.IncidentFactory(vendor=world.vendor_a)
    f.LabResponseFactory(incident=incident, lab=world.lab_a)
    f.IncidentUpdateFactory(incident=incident)
    f.NotificationFactory(incident=incident, lab=world.lab_a)
    f.VendorDependencyFactory(vendor=world.vendor_a, depends_on=world.vendor_b)
    call_command("recompute_scores", "--all", verbosity=0)
    return world, incident


def test_every_list_view_declares_an_explicit_ordering_allow_list():
    """The conventions check: a list view without explicit ordering_fields (or with "__all__") fails."""
    missing = []
    for _, viewset, basename in LIST_VIEWS:
        backends = viewset.filter_backends
        if StrictOrderingFilter not in backends or any(
            issubclass(b, OrderingFilter) and b is not StrictOrderingFilter for b in backends
        ):
            missing.append(f"{basename}: not ordered through StrictOrderingFilter")
            continue
        fields = getattr(viewset, "ordering_fields", None)
        if fields is None or isinstance(fields, str) or not fields:
            missing.append(f"{basename}: no explicit ordering_fields")
    assert missing == []


def test_the_conventions_check_catches_a_view_without_ordering_fields():
    class Undeclared:
        ordering_fields = None

    class All:
        ordering_fields = "__all__"

    for view in (Undeclared(), All()):
        with pytest.raises(Exception, match="explicit list or mapping"):
            StrictOrderingFilter.declared_fields(view)


def test_no_declared_ordering_is_a_stored_json_field_or_unresolvable(scored_world):
    """Per-lab terms, paths and causes are stored as JSON: sorting by them would rank other labs' data."""
    world, incident = scored_world
    bad = []
    for _, viewset, basename in LIST_VIEWS:
        view = viewset()
        view.request = SimpleNamespace(user=world.admin_user, query_params={})
        view.kwargs = {"incident_pk": incident.pk}
        view.action = "list"
        model = view.get_queryset().model
        for name, lookup in StrictOrderingFilter.declared_fields(view).items():
            field = _lookup_field(model, lookup)
            if isinstance(field, models.JSONField) or not field.concrete:
                bad.append(f"{basename}: {name}")
    assert bad == []


@pytest.mark.parametrize(("prefix", "viewset", "basename"), LIST_VIEWS, ids=[b for _, _, b in LIST_VIEWS])
def test_an_undeclared_ordering_is_a_400_naming_the_allowed_values(
    prefix, viewset, basename, scored_world, admin_api
):
    world, incident = scored_world
    for value in ("no_such_field", "components", "-lab_harms", "id,nope", "via"):
        if value.removeprefix("-") in declared(viewset):
            continue
        response = admin_api.get(list_url(basename, incident), {"ordering": value})
        assert response.status_code == 400, (basename, value, response.content)
        message = response.json()["ordering"][0]
        for allowed in declared(viewset):
            assert allowed in message


@pytest.mark.parametrize(("prefix", "viewset", "basename"), LIST_VIEWS, ids=[b for _, _, b in LIST_VIEWS])
def test_every_declared_ordering_sorts_both_ways(prefix, viewset, basename, scored_world, admin_api):
    world, incident = scored_world
    url = list_url(basename, incident)
    for name in declared(viewset):
        for value in (name, f"-{name}"):
            response = admin_api.get(url, {"ordering": value})
            assert response.status_code == 200, (basename, value, response.content)
    assert admin_api.get(url, {"ordering": ",".join(declared(viewset))}).status_code == 200


def test_risk_vendors_sort_by_vendor_name(scored_world, viewer_lab_a_api):
    world, _ = scored_world
    rows = viewer_lab_a_api.get("/api/risk/vendors/", {"ordering": "vendor_name"}).json()["results"]
    names = [r["vendor_name"] for r in rows]
    assert len(names) >= 2
    assert names == sorted(names, key=str.lower) or names == sorted(names)
    desc = viewer_lab_a_api.get("/api/risk/vendors/", {"ordering": "-vendor_name"}).json()["results"]
    assert [r["vendor_name"] for r in desc] == names[::-1]


def test_a_lab_limited_viewer_cannot_sort_risk_rows_by_per_lab_terms(scored_world, viewer_lab_a_api):
    for value in ("components", "lab_harms", "own_views", "-components"):
        response = viewer_lab_a_api.get("/api/risk/vendors/", {"ordering": value, "page_size": 500})
        assert response.status_code == 400
        assert "ordering" in response.json()
    assert viewer_lab_a_api.get("/api/risk/shared-dependencies/", {"ordering": "via"}).status_code == 400


def test_the_schema_documents_each_lists_ordering_values_as_an_enum(admin_api):
    paths = admin_api.get("/api/schema/", {"format": "json"}).json()["paths"]
    seen = 0
    for _, viewset, basename in LIST_VIEWS:
        path = "/api/" + _pattern(basename).replace(r"(?P<incident_pk>\d+)", "{incident_pk}") + "/"
        params = {p["name"]: p for p in paths[path]["get"].get("parameters", [])}
        enum = params["ordering"]["schema"]["items"]["enum"]
        names = declared(viewset)
        assert sorted(enum) == sorted([*names, *(f"-{n}" for n in names)]), basename
        seen += 1
    assert seen == len(LIST_VIEWS) >= 15


# --- the web list pages declare their sorts the same way: {public name: lookup}, nothing cut per lab ----

PAGE_SORTS = [
    ("/vendors/", "assessments.views.risk", "VENDOR_SORTS", "vendors.Vendor"),
    ("/labs/", "assessments.views.risk", "LAB_SORTS", "vendors.Lab"),
    ("/engagements/", "vendors.views", "ENGAGEMENT_SORTS", "vendors.Engagement"),
    ("/incidents/", "incidents.views.incidents", "INCIDENT_SORTS", "incidents.Incident"),
    ("/assessments/", "assessments.views.assessments", "ASSESSMENT_SORTS", "assessments.Assessment"),
    ("/findings/", "assessments.views.assessments", "FINDING_SORTS", "assessments.Finding"),
]
# Sorts by a value the page annotates (not a stored field), and why it is not cut per lab.
PAGE_ANNOTATIONS = {
    "severity_rank": "rank of the incident's own severity",
    "status_rank": "rank of the incident's own status",
    "engagement_count": "the lab's own engagements, on the lab page (lab-owned rows, scoped)",
}


@pytest.mark.parametrize(("url", "module", "name", "label"), PAGE_SORTS, ids=[p[0] for p in PAGE_SORTS])
def test_every_web_list_sort_is_a_stored_field_or_a_declared_annotation_and_works(
    url, module, name, label, scored_world, viewer_lab_a
):
    from importlib import import_module

    from django.apps import apps
    from django.test import Client

    sorts = getattr(import_module(module), name)
    model = apps.get_model(label)
    for public, lookup in sorts.items():
        if lookup in PAGE_ANNOTATIONS:
            continue
        field = _lookup_field(model, lookup)
        assert field.concrete and not isinstance(field, models.JSONField), (url, public)
    browser = Client()
    browser.force_login(viewer_lab_a)
    for public in sorts:
        for value in (public, f"-{public}"):
            assert browser.get(url, {"sort": value}).status_code == 200, (url, value)
