"""Score endpoints: shapes, scoping (aggregates whole, other labs only counted), query counts."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from vendorrisk.models import User
from vendors.models import ScoreMark

from .helpers import engagement, lab, vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    """Labs A and B both use M; M relies on platform P (a fourth party neither contracted)."""
    m, n, p = vendor("Vendor M"), vendor("Vendor N"), vendor("Platform P")
    lab_a, lab_b = lab("Alpha Research"), lab("Bravo Secret Lab")
    from vendors import services

    services.dependency_create(actor=None, vendor=m, depends_on=p)
    services.dependency_create(actor=None, vendor=n, depends_on=p)
    engagement(lab_a, m)
    engagement(lab_b, m)
    engagement(lab_b, n)
    limited = User.objects.create(username="alpha-viewer", role="viewer")
    limited.labs.add(lab_a)
    return {"m": m, "n": n, "p": p, "a": lab_a, "b": lab_b, "limited": limited}


def client_for(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_lab_limited_user_sees_aggregates_whole_but_only_its_labs_terms(world):
    c = client_for(world["limited"])
    risk = c.get(f"/api/vendors/{world['m'].id}/risk/").json()
    assert risk["labs_exposed"] == 2  # the aggregate stays whole
    assert risk["lab_equivalents"] == 1.5
    assert [t["lab"] for t in risk["components"]["labs"]] == [world["a"].id]
    assert set(risk["components"]["lab_harms"]) == {str(world["a"].id)}
    body = json.dumps(risk) + json.dumps(c.get(f"/api/vendors/{world['m'].id}/risk/history/").json())
    body += json.dumps(c.get("/api/risk/vendors/").json()) + json.dumps(
        c.get("/api/risk/shared-dependencies/").json()
    )
    assert "Bravo" not in body
    assert f'"lab": {world["b"].id}' not in body


def test_lab_concentration_is_404_outside_the_callers_labs(world):
    c = client_for(world["limited"])
    assert c.get(f"/api/labs/{world['b'].id}/concentration/").status_code == 404
    mine = c.get(f"/api/labs/{world['a'].id}/concentration/").json()
    assert mine["hhi"] == 10000 and mine["top_vendor"] == world["m"].id
    # Lab A's look-through sees P at half weight: f(M)=1, f(P)=0.5 → 10000·(1 + 0.25).
    assert mine["hhi_look_through"] == 12500
    assert mine["single_point_of_failure"] == {"vendor": world["m"].id, "share": 1.0}
    assert [v["vendor"] for v in mine["vendors"]] == [world["m"].id, world["p"].id]


def test_shared_fourth_party_reached_by_two_labs_is_listed_with_its_via_cut_to_scope(world):
    admin = User.objects.create(username="root-admin", role="admin")
    rows = client_for(admin).get("/api/risk/shared-dependencies/").json()["results"]
    assert [(r["vendor"], r["labs_reaching"], r["via"]) for r in rows] == [
        (world["p"].id, 2, sorted([world["m"].id, world["n"].id]))
    ]
    limited_rows = client_for(world["limited"]).get("/api/risk/shared-dependencies/").json()["results"]
    assert [(r["labs_reaching"], r["via"]) for r in limited_rows] == [(2, [world["m"].id])]


def test_risk_list_is_ordered_and_filterable_by_band(world):
    admin = User.objects.create(username="root-admin", role="admin")
    c = client_for(admin)
    rows = c.get("/api/risk/vendors/").json()["results"]
    scores = [(r["score"], r["vendor"]) for r in rows]
    assert scores == sorted(scores, key=lambda s: (-s[0], s[1]))
    bands = {r["band"] for r in c.get("/api/risk/vendors/?band=low").json()["results"]}
    assert bands <= {"low"}
    assert c.get("/api/risk/vendors/?band=bogus").status_code == 400


def test_history_causes_of_other_labs_are_cut_but_counted(world):
    c = client_for(world["limited"])
    history = c.get(f"/api/vendors/{world['m'].id}/risk/history/").json()
    labs_named = {cause["lab"] for h in history for cause in h["causes"]}
    assert world["b"].id not in labs_named
    # Lab B's engagement moved M's score: that row is kept, its cause cut but still counted.
    assert any(h["cause_count"] == 1 and h["causes"] == [] for h in history)
    admin_history = (
        client_for(User.objects.create(username="root-admin", role="admin"))
        .get(f"/api/vendors/{world['m'].id}/risk/history/")
        .json()
    )
    assert world["b"].id in {cause["lab"] for h in admin_history for cause in h["causes"]}


@pytest.mark.parametrize("url", ["/api/risk/vendors/", "/api/risk/shared-dependencies/"])
def test_score_list_query_counts_do_not_grow_with_rows(url, world):
    admin = User.objects.create(username="root-admin", role="admin")
    c = client_for(admin)
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for i in range(15):
        v = vendor(f"Extra {i}")
        from vendors import services

        services.dependency_create(actor=None, vendor=v, depends_on=world["p"])
        engagement(world["a"], v)
    ScoreMark.objects.all().delete()
    with CaptureQueriesContext(connection) as many:
        assert c.get(url).status_code == 200
    assert len(few) == len(many) <= 4
