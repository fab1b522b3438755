"""The regulator clocks a plan would start equal the notification rows the real writes create
(DESIGN.md section 9): not only for incidents the plan creates, but for incidents already on record that
an engagement or dependency change newly exposes a lab to. Each plan is asked of `POST /api/what-if/`,
then made through the API; the required rows that appeared (or were required again) must be exactly the
predicted clocks, due times included."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from incidents.models import Notification
from tests.scores.helpers import admin_user, engagement, incident, lab, vendor
from tests.scores.test_incremental_equals_rebuild import World
from tests.whatif.test_equals_reality import Planner, make_for_real
from vendors import services as vendor_services
from vendors.models import Lab

pytestmark = pytest.mark.django_db(transaction=True)

REGIMES = (["nis2"], ["dora"], ["gdpr", "nis2"], ["sec"], [])


def required_rows() -> dict[tuple[int, int, str, str], object]:
    return {
        (n.incident_id, n.lab_id, n.regime, n.stage): n.due_at
        for n in Notification.objects.filter(required=True)
    }


def predicted_then_real(world: World, changes: list[dict]) -> tuple[dict, dict] | None:
    response = world.client.post("/api/what-if/", {"changes": changes}, format="json")
    if response.status_code == 400:
        return None
    assert response.status_code == 200, response.content
    before = required_rows()
    real_ids = make_for_real(world, changes)
    after = required_rows()
    started = {key: due for key, due in after.items() if key not in before}
    predicted = {
        (real_ids.get(c["incident"], c["incident"]), c["lab"], c["regime"], c["stage"]): parse_datetime(
            c["due_at"]
        )
        for c in response.json()["notifications"]
    }
    return predicted, started


@pytest.fixture
def breach_world():
    """Vendor V has an open breach on record; Lab A (NIS2) and Lab B (DORA) work with W, not with V."""
    world = World(7)
    world.client.force_authenticate(admin_user())
    v, w = vendor("Vendor V"), vendor("Vendor W")
    lab_a, lab_b, lab_c = lab("Lab A"), lab("Lab B"), lab("Lab C")
    vendor_services.lab_update(actor=None, instance=lab_a, regimes=["nis2"])
    vendor_services.lab_update(actor=None, instance=lab_b, regimes=["dora"])
    at_w = engagement(lab_a, w, start_date=date(2025, 1, 1))
    parked = engagement(
        lab_b, v, status="suspended", start_date=date(2025, 1, 1), data_disposed_on=date(2025, 2, 1)
    )
    elsewhere = engagement(lab_c, w, start_date=date(2025, 1, 1))
    breach = incident(v, data_exposure="suspected", discovered_at=timezone.now() - timedelta(days=2))
    assert not Notification.objects.exists()
    return world, {"v": v, "w": w, "a": lab_a, "b": lab_b, "c": lab_c, "at_w": at_w, "parked": parked,
                   "elsewhere": elsewhere, "breach": breach}  # fmt: skip


def plan_for(name: str, o: dict) -> list[dict]:
    new = {"title": "Planned", "status": "active", "criticality": "high", "data_sensitivity": "internal",
           "substitutability": "moderate", "start_date": "2025-01-01"}  # fmt: skip
    return {
        "create": [{"op": "create", "object": "engagement", "ref": "new:1",
                    "fields": {**new, "lab": o["a"].id, "vendor": o["v"].id}}],
        "move_vendor": [{"op": "update", "object": "engagement", "id": o["at_w"].id,
                         "fields": {"vendor": o["v"].id}}],
        "move_lab": [{"op": "update", "object": "engagement", "id": o["elsewhere"].id,
                      "fields": {"lab": o["b"].id, "vendor": o["v"].id}}],
        "unsuspend": [{"op": "update", "object": "engagement", "id": o["parked"].id,
                       "fields": {"status": "active", "data_disposed_on": None}}],
        "edge": [{"op": "create", "object": "dependency", "ref": "new:1",
                  "fields": {"vendor": o["w"].id, "depends_on": o["v"].id, "shares_data": True}}],
    }[name]  # fmt: skip


EXPECTED_LABS = {"create": {"a"}, "move_vendor": {"a"}, "move_lab": {"b"}, "unsuspend": {"b"}, "edge": {"a"}}


@pytest.mark.parametrize("name", sorted(EXPECTED_LABS))
def test_an_engagement_change_lists_the_clocks_of_an_incident_on_record(breach_world, name):
    world, o = breach_world
    predicted, started = predicted_then_real(world, plan_for(name, o))
    assert {lab_id for _, lab_id, _, _ in predicted} == {o[k].id for k in EXPECTED_LABS[name]}
    assert {i for i, _, _, _ in predicted} == {o["breach"].id}
    regime = "nis2" if EXPECTED_LABS[name] == {"a"} else "dora"
    assert {r for _, _, r, _ in predicted} == {regime} and len(predicted) == 3  # three stages each
    assert predicted == started


def test_an_engagement_of_a_lab_under_no_regime_starts_no_clock(breach_world):
    world, o = breach_world
    changes = [
        {"op": "update", "object": "engagement", "id": o["elsewhere"].id, "fields": {"vendor": o["v"].id}}
    ]
    predicted, started = predicted_then_real(world, changes)
    assert predicted == started == {}


def test_an_engagement_started_after_the_incident_is_not_exposed_to_it(breach_world):
    world, o = breach_world
    changes = plan_for("create", o)
    changes[0]["fields"]["start_date"] = (timezone.now() + timedelta(days=30)).date().isoformat()
    predicted, started = predicted_then_real(world, changes)
    assert predicted == started == {}


def test_a_planned_incident_counts_the_planned_engagements(breach_world):
    """The plan's own incident is judged against the plan's engagements, not only the stored ones."""
    world, o = breach_world
    changes = plan_for("create", o) + [{"op": "create", "object": "incident", "ref": "new:2", "fields": {
        "vendor": o["v"].id, "title": "Second breach", "severity": "high", "data_exposure": "confirmed",
        "discovered_at": (timezone.now() - timedelta(hours=1)).isoformat()}}]  # fmt: skip
    predicted, started = predicted_then_real(world, changes)
    incidents = {i for i, _, _, _ in predicted}
    assert len(incidents) == 2 and o["breach"].id in incidents
    assert predicted == started


@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_random_plans_predict_exactly_the_clocks_the_real_writes_start(seed):
    world = World(seed)
    world.run(40)
    for n, each in enumerate(Lab.objects.order_by("id")):
        vendor_services.lab_update(actor=None, instance=each, regimes=REGIMES[n % len(REGIMES)])
    planner = Planner(world)
    checked = with_clocks = 0
    for _ in range(30):
        changes = planner.plan()
        if not changes:
            continue
        result = predicted_then_real(world, changes)
        if result is None:
            continue
        predicted, started = result
        assert predicted == started, changes
        checked += 1
        with_clocks += bool(predicted)
    assert checked >= 10
    print(f"seed {seed}: {checked} plans checked, {with_clocks} with clocks")


def test_clocks_of_labs_outside_yours_are_not_listed(breach_world):
    """A Lab B user's plan that newly exposes Lab A lists no clock of Lab A (nor its id)."""
    from rest_framework.test import APIClient

    from tests import factories as f

    world, o = breach_world
    viewer = f.UserFactory(role="viewer", all_labs=False)
    o["b"].members.add(viewer)
    client = APIClient()
    client.force_authenticate(viewer)
    mine = client.post("/api/what-if/", {"changes": plan_for("unsuspend", o)}, format="json").json()
    assert {c["lab"] for c in mine["notifications"]} == {o["b"].id}
    theirs = client.post("/api/what-if/", {"changes": plan_for("edge", o)}, format="json")
    assert theirs.status_code == 200 and theirs.json()["notifications"] == []
    assert all(row["lab"] != o["a"].id for row in theirs.json()["labs"])
