"""Saved what-if plans through the API (`/api/what-if/plans/`, DESIGN.md section 9): the planning page's
rules — a plan belongs to a lab and is shared with that lab's users only, saved by procurement and
security, checked by running it — and `POST …/{id}/run/` re-running it against current data.

The generic CRUD, bad-input, permission, scoping and query-count tests come from
tests/api/resources.py (`WhatIfPlanResource`); these cover what is particular to plans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import WhatIfPlan
from vendorrisk.models import Event
from vendors.models import Engagement
from vendors.services import engagement_delete


def lower(engagement) -> list[dict]:
    return [{"op": "update", "object": "engagement", "id": engagement.id, "fields": {"criticality": "low"}}]


def test_a_saved_plan_is_shared_with_its_labs_users_and_no_one_else(
    api_client_for, procurement_lab_a, viewer_lab_a, viewer_lab_b, lab_a, engagement_a
):
    created = api_client_for(procurement_lab_a).post(
        "/api/what-if/plans/",
        {"name": "Cheaper A", "lab": lab_a.id, "changes": lower(engagement_a)},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["lab"] == lab_a.id and body["created_by"] == procurement_lab_a.id
    assert body["changes"] == lower(engagement_a)
    plan = WhatIfPlan.objects.get(pk=body["id"])
    assert plan.created_by == procurement_lab_a and plan.changes == lower(engagement_a)
    listed = api_client_for(viewer_lab_a).get("/api/what-if/plans/").json()
    assert [row["name"] for row in listed["results"]] == ["Cheaper A"]
    outsider = api_client_for(viewer_lab_b)
    assert outsider.get("/api/what-if/plans/").json()["count"] == 0
    assert outsider.get(f"/api/what-if/plans/{plan.id}/").status_code == 404
    assert outsider.post(f"/api/what-if/plans/{plan.id}/run/").status_code == 404


def test_running_a_saved_plan_answers_like_post_what_if_and_writes_nothing(
    api_client_for, viewer_lab_a, lab_a, engagement_a
):
    plan = WhatIfPlan.objects.create(name="Cheaper A", lab=lab_a, changes=lower(engagement_a))
    client = api_client_for(viewer_lab_a)  # a viewer may run a plan (nothing is written)
    events = Event.objects.count()
    ran = client.post(f"/api/what-if/plans/{plan.id}/run/")
    direct = client.post("/api/what-if/", {"changes": plan.changes}, format="json")
    assert ran.status_code == 200, ran.content
    assert ran.json() == direct.json()
    (row,) = ran.json()["vendors"]
    assert row["vendor"] == engagement_a.vendor_id and row["after"]["score"] < row["before"]["score"]
    assert Engagement.objects.get(pk=engagement_a.pk).criticality != "low"
    assert Event.objects.count() == events


def test_a_saved_plan_reruns_against_current_data(api_client_for, admin_user, lab_a, engagement_a):
    plan = WhatIfPlan.objects.create(name="Cheaper A", lab=lab_a, changes=lower(engagement_a))
    client = api_client_for(admin_user)
    assert client.post(f"/api/what-if/plans/{plan.id}/run/").status_code == 200
    gone = engagement_a.id
    engagement_delete(actor=admin_user, instance=engagement_a)
    stale = client.post(f"/api/what-if/plans/{plan.id}/run/")
    assert stale.status_code == 409
    assert stale.json() == {"changes": {"0": {"id": [f'Invalid pk "{gone}" - object does not exist.']}}}


def test_an_invalid_plan_is_not_saved_and_names_the_change(
    api_client_for, procurement_lab_a, lab_a, engagement_a
):
    client = api_client_for(procurement_lab_a)
    bad = [*lower(engagement_a), {"op": "assess", "vendor": engagement_a.vendor_id, "rating": "superb"}]
    response = client.post(
        "/api/what-if/plans/", {"name": "Bad", "lab": lab_a.id, "changes": bad}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"changes": {"1": {"rating": ['"superb" is not a valid choice.']}}}
    too_many = client.post(
        "/api/what-if/plans/",
        {"name": "Big", "lab": lab_a.id, "changes": lower(engagement_a) * 501},
        format="json",
    )
    assert too_many.status_code == 413
    blank = client.post(
        "/api/what-if/plans/", {"name": "  ", "lab": lab_a.id, "changes": lower(engagement_a)}, format="json"
    )
    assert blank.status_code == 400 and blank.json() == {"name": ["This field may not be blank."]}
    assert not WhatIfPlan.objects.exists()


def test_a_plan_may_only_change_engagements_of_labs_in_scope(
    api_client_for, procurement_lab_a, lab_a, engagement_b
):
    """A Lab A user cannot save (nor run) a plan naming Lab B's engagement: it reads as unknown."""
    response = api_client_for(procurement_lab_a).post(
        "/api/what-if/plans/",
        {"name": "Reach", "lab": lab_a.id, "changes": lower(engagement_b)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "changes": {"0": {"id": [f'Invalid pk "{engagement_b.id}" - object does not exist.']}}
    }


def test_a_viewer_may_read_and_run_but_not_save(api_client_for, viewer_lab_a, lab_a, engagement_a):
    client = api_client_for(viewer_lab_a)
    saved = client.post(
        "/api/what-if/plans/", {"name": "x", "lab": lab_a.id, "changes": lower(engagement_a)}, format="json"
    )
    assert saved.status_code == 403
    plan = WhatIfPlan.objects.create(name="Cheaper A", lab=lab_a, changes=lower(engagement_a))
    assert client.patch(f"/api/what-if/plans/{plan.id}/", {"name": "y"}, format="json").status_code == 403
    assert client.delete(f"/api/what-if/plans/{plan.id}/").status_code == 403


def test_a_partial_update_keeps_the_changes_and_reruns_them(
    api_client_for, security_lab_a, lab_a, engagement_a
):
    plan = WhatIfPlan.objects.create(name="Cheaper A", lab=lab_a, changes=lower(engagement_a))
    response = api_client_for(security_lab_a).patch(
        f"/api/what-if/plans/{plan.id}/", {"name": "Renamed"}, format="json"
    )
    assert response.status_code == 200, response.content
    plan.refresh_from_db()
    assert (plan.name, plan.changes) == ("Renamed", lower(engagement_a))


def test_run_query_count_is_pinned(api_client_for, viewer_lab_a, lab_a, engagement_a):
    plan = WhatIfPlan.objects.create(name="Cheaper A", lab=lab_a, changes=lower(engagement_a))
    client = api_client_for(viewer_lab_a)
    client.post(f"/api/what-if/plans/{plan.id}/run/")  # warm the caches (scope, constants)
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(f"/api/what-if/plans/{plan.id}/run/").status_code == 200
    assert len(ctx.captured_queries) == RUN_QUERIES, "\n".join(q["sql"] for q in ctx.captured_queries)


RUN_QUERIES = 37  # the what-if engine for one engagement change, whatever the number of plans


@pytest.mark.parametrize("plans", [3, 30])
def test_list_query_count_does_not_grow_with_plans(
    api_client_for, viewer_lab_a, lab_a, django_assert_num_queries, plans
):
    for n in range(plans):
        WhatIfPlan.objects.create(name=f"Plan {n}", lab=lab_a, changes=[])
    client = api_client_for(viewer_lab_a)
    client.get("/api/what-if/plans/")
    with django_assert_num_queries(3):
        assert client.get("/api/what-if/plans/", {"page_size": 100}).json()["count"] == plans
