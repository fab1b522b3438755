"""Lab scoping: a user limited to Lab A never meets Lab B — not its rows, its name, or its id.

Checked on every list and detail, search results, filter choices, error messages, audit entries, the
derived endpoints and the Django admin. The positive controls (an all-labs user sees Lab B) keep the
"not in the body" checks from passing vacuously.
"""

import json

import pytest
from auditlog.models import LogEntry
from django.urls import Resolver404, resolve

from tests import factories as f

from .base import result_ids
from .resources import RESOURCES

LIMITED_READABLE = [r for r in RESOURCES if r.read_roles is None or "security" in r.read_roles]
LAB_FILTERED = ["vendors", "engagements", "incident-responses", "notifications"]


def lab_b_markers(world) -> list[str]:
    """Strings that only Lab B's own records carry."""
    return [world.lab_b.name, world.lab_b.slug, world.engagement_b.title]


def assert_no_lab_b(world, response) -> None:
    body = response.content.decode()
    for marker in lab_b_markers(world):
        assert marker not in body, f"{marker!r} leaked into {response.request['PATH_INFO']}"


def limited_client(world, api_client_for, resource):
    return api_client_for(world.security_lab_a if resource.read_roles else world.viewer_lab_a)


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in LIMITED_READABLE])
def test_lists_and_details_never_show_another_labs_rows(world, api_client_for, resource):
    r = resource(world)
    mine, theirs = r.make(world.lab_a), r.make(world.lab_b)
    client = limited_client(world, api_client_for, resource)
    listed = client.get(r.list_url(), {"page_size": 500})
    assert listed.status_code == 200
    assert mine.pk in result_ids(listed)
    if r.lab_owned:
        assert theirs.pk not in result_ids(listed)
    assert_no_lab_b(world, listed)
    if r.has_detail:
        detail = client.get(r.detail_url(mine))
        assert detail.status_code == 200
        assert_no_lab_b(world, detail)
        if r.lab_owned:
            hidden = client.get(r.detail_url(theirs))
            assert hidden.status_code == 404
            assert_no_lab_b(world, hidden)


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in LIMITED_READABLE])
def test_searching_for_another_labs_name_finds_nothing_of_it(world, api_client_for, resource):
    r = resource(world)
    r.make(world.lab_b)
    client = limited_client(world, api_client_for, resource)
    for term in (world.lab_b.name, f'"{world.lab_b.name}"', world.lab_b.slug, world.engagement_b.title):
        response = client.get(r.list_url(), {"search": term})
        assert response.status_code == 200
        assert_no_lab_b(world, response)


def test_an_all_labs_user_does_see_lab_b(world, viewer_api):
    """Positive control for the checks above."""
    assert world.lab_b.name in viewer_api.get("/api/labs/").content.decode()
    found = viewer_api.get("/api/engagements/", {"search": '"Lab B"'})
    assert result_ids(found) == [world.engagement_b.pk]


@pytest.mark.parametrize("name", LAB_FILTERED)
def test_filtering_by_another_lab_reads_like_an_unknown_lab(world, api_client_for, name):
    r = next(res for res in RESOURCES if res.name == name)(world)
    client = api_client_for(world.viewer_lab_a)
    theirs = client.get(r.list_url(), {"lab": world.lab_b.pk})
    unknown = client.get(r.list_url(), {"lab": 987654321})
    assert theirs.status_code == unknown.status_code == 400
    assert "lab" in theirs.json()
    as_unknown = json.dumps(theirs.json()).replace(str(world.lab_b.pk), "<id>")
    assert as_unknown == json.dumps(unknown.json()).replace("987654321", "<id>")
    assert_no_lab_b(world, theirs)
    mine = client.get(r.list_url(), {"lab": world.lab_a.pk})
    assert mine.status_code == 200


def test_engagement_search_by_lab_name_is_cut_to_the_users_labs(world, viewer_lab_a_api):
    # Quoted: one phrase, not the terms "Lab" and "B" (which Lab A's rows match too).
    assert viewer_lab_a_api.get("/api/engagements/", {"search": '"Lab B"'}).json()["count"] == 0
    assert result_ids(viewer_lab_a_api.get("/api/engagements/", {"search": '"Lab A"'})) == [
        world.engagement_a.pk
    ]


def test_shared_vendor_records_show_no_lab_names(world, viewer_lab_a_api):
    """Vendor B is engaged only by Lab B; Lab A users see the vendor, never who engages it."""
    response = viewer_lab_a_api.get(f"/api/vendors/{world.vendor_b.pk}/")
    assert response.status_code == 200
    assert_no_lab_b(world, response)
    by_lab = viewer_lab_a_api.get("/api/vendors/", {"lab": world.lab_a.pk})
    assert result_ids(by_lab) == [world.vendor_a.pk]


def test_responses_of_other_labs_stay_hidden_under_a_shared_incident(world, security_lab_a_api):
    incident = f.IncidentFactory(vendor=world.vendor_a)
    f.EngagementFactory(lab=world.lab_b, vendor=world.vendor_a)
    mine = f.LabResponseFactory(incident=incident, lab=world.lab_a)
    theirs = f.LabResponseFactory(incident=incident, lab=world.lab_b, reason="Lab B halts")
    listed = security_lab_a_api.get(f"/api/incidents/{incident.pk}/responses/")
    assert result_ids(listed) == [mine.pk]
    assert "Lab B halts" not in listed.content.decode()
    patch = security_lab_a_api.patch(
        f"/api/incidents/{incident.pk}/responses/{theirs.pk}/", {"decision": "halt"}
    )
    assert patch.status_code == 404
    theirs.refresh_from_db()
    assert theirs.decision == "investigating"


# --- audit ----------------------------------------------------------------------------------------


def test_audit_entries_of_another_labs_rows_are_hidden(world, security_lab_a_api, security_api):
    f.LabResponseFactory(lab=world.lab_b)
    f.NotificationFactory(lab=world.lab_b)
    entries = security_lab_a_api.get("/api/audit/", {"page_size": 500}).json()["results"]
    lab_b_entries = {
        e.pk for e in LogEntry.objects.all() if (e.additional_data or {}).get("lab") == world.lab_b.pk
    }
    assert len(lab_b_entries) >= 4  # the lab, its engagement, response and notification
    assert not lab_b_entries & {e["id"] for e in entries}
    shown = {(e["object_type"], e["object_id"]) for e in entries}
    assert ("vendors.lab", world.lab_b.pk) not in shown
    assert ("vendors.engagement", world.engagement_b.pk) not in shown
    assert ("vendors.lab", world.lab_a.pk) in shown
    everything = security_api.get("/api/audit/", {"page_size": 500}).json()["results"]
    assert lab_b_entries <= {e["id"] for e in everything}  # positive control


@pytest.mark.parametrize(
    "query",
    [
        {"object_type": "vendors.lab"},
        {"object_type": "vendors.engagement"},
        {"search": "Lab B"},
        {"object_type": "vendorrisk.user"},
    ],
)
def test_audit_filters_and_search_never_reach_another_lab(world, security_lab_a_api, query):
    response = security_lab_a_api.get("/api/audit/", {**query, "page_size": 500})
    assert response.status_code == 200
    assert_no_lab_b(world, response)
    if query.get("object_type") == "vendorrisk.user":
        assert response.json()["count"] == 0  # who may see which lab is itself lab data


def test_audit_detail_of_another_labs_entry_is_404(world, security_lab_a_api):
    entry = LogEntry.objects.get_for_object(world.engagement_b).get()
    response = security_lab_a_api.get(f"/api/audit/{entry.pk}/")
    assert response.status_code == 404
    assert_no_lab_b(world, response)


# --- derived endpoints ----------------------------------------------------------------------------


def _exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def test_derived_endpoints_show_no_other_lab(world, viewer_lab_a_api):
    """Impact, risk and concentration: other labs only as counts, never by name."""
    f.EngagementFactory(lab=world.lab_b, vendor=world.vendor_a, title=world.engagement_b.title + " too")
    incident = f.IncidentFactory(vendor=world.vendor_a, data_exposure="confirmed")
    paths = [
        f"/api/incidents/{incident.pk}/impact/",
        f"/api/vendors/{world.vendor_a.pk}/risk/",
        f"/api/vendors/{world.vendor_a.pk}/risk/history/",
        f"/api/labs/{world.lab_a.pk}/concentration/",
        "/api/risk/vendors/",
        "/api/risk/shared-dependencies/",
    ]
    checked = 0
    for path in paths:
        if not _exists(path):
            continue
        response = viewer_lab_a_api.get(path)
        assert response.status_code < 500, path
        assert_no_lab_b(world, response)
        checked += 1
    if _exists(f"/api/labs/{world.lab_b.pk}/concentration/"):
        assert viewer_lab_a_api.get(f"/api/labs/{world.lab_b.pk}/concentration/").status_code == 404
    if checked == 0:
        pytest.skip("no derived endpoint exists yet")


# --- pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/vendors/lab/", "/admin/vendors/engagement/"])
@pytest.mark.parametrize("who", ["viewer_lab_a", "procurement_lab_a", "security_lab_a", "security_all"])
def test_only_admins_use_the_django_admin(world, client, path, who):
    client.force_login(getattr(world, who))
    response = client.get(path)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    assert_no_lab_b(world, response)
    login_page = client.get(response["Location"]) if response.status_code == 302 else response
    assert_no_lab_b(world, login_page)


def test_the_home_page_shows_no_other_lab(world, client):
    client.force_login(world.viewer_lab_a)
    response = client.get("/")
    assert response.status_code == 200
    assert_no_lab_b(world, response)
