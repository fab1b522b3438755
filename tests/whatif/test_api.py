"""`POST /api/what-if/` (DESIGN.md section 9): answers, validation, scoping, limits, and nothing written."""

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from tests.scores.helpers import admin_user, engagement, lab, vendor
from vendors.models import Engagement

pytestmark = pytest.mark.django_db(transaction=True)

NEW_ENGAGEMENT = {
    "title": "Planned labelling",
    "status": "active",
    "criticality": "critical",
    "data_sensitivity": "restricted",
    "substitutability": "difficult",
    "start_date": "2025-01-01",
}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def every_row_count() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture
def reference_world():
    m = vendor("Vendor M")
    labs = [lab(f"Reference Lab {i}") for i in range(3)]
    for each in labs:
        engagement(each, m)
    return m, labs


def test_reference_case_critical_incident_moves_67_1_to_87_2(reference_world):
    m, labs = reference_world
    plan = {
        "changes": [
            {
                "op": "create",
                "object": "incident",
                "ref": "new:1",
                "fields": {
                    "vendor": m.id,
                    "title": "What if M is breached",
                    "severity": "critical",
                    "status": "investigating",
                    "data_exposure": "none",
                    "discovered_at": "2026-01-01T00:00:00Z",
                },
            }
        ]
    }
    body = client_for(admin_user()).post("/api/what-if/", plan, format="json").json()
    assert body["vendors"] == [
        {
            "vendor": m.id,
            "vendor_name": "Vendor M",
            "before": {
                "score": 67.1,
                "band": "high",
                "impact": 0.894601,
                "likelihood": 0.5,
                "lab_equivalents": 2.25,
                "labs_exposed": 3,
            },
            "after": {
                "score": 87.2,
                "band": "critical",
                "impact": 0.894601,
                "likelihood": 0.95,
                "lab_equivalents": 2.25,
                "labs_exposed": 3,
            },
        }  # fmt: skip
    ]
    assert body["labs"] == []  # an incident changes no concentration
    assert {w["code"] for w in body["warnings"]} == {"vendor_band_rises"}


def test_a_fourth_lab_and_a_new_vendor_are_listed_before_and_after(reference_world):
    m, labs = reference_world
    other = vendor("Vendor N")
    plan = {
        "changes": [
            {"op": "create", "object": "engagement", "ref": "new:1",
             "fields": {**NEW_ENGAGEMENT, "lab": labs[0].id, "vendor": other.id}},
            {"op": "update", "object": "engagement", "id": "new:1", "fields": {"criticality": "low"}},
        ]
    }  # fmt: skip
    body = client_for(admin_user()).post("/api/what-if/", plan, format="json").json()
    by_vendor = {row["vendor"]: row for row in body["vendors"]}
    assert set(by_vendor) == {other.id}  # M's aggregates do not move: lab 0's harm at M stays 0.75
    assert by_vendor[other.id]["before"]["score"] == 0
    assert by_vendor[other.id]["after"]["lab_equivalents"] == 0.1875  # 1·3·1.5/24
    (lab_row,) = body["labs"]
    assert lab_row["lab"] == labs[0].id
    assert lab_row["before"]["hhi"] == 10000
    # shares 0.75/0.9375 and 0.1875/0.9375: 10000·(0.8² + 0.2²) = 6800
    assert lab_row["after"]["hhi"] == 6800
    assert lab_row["after"]["top_vendor"] == m.id


def test_nothing_is_written(reference_world):
    m, labs = reference_world
    client = client_for(admin_user())
    before = every_row_count()
    plan = {
        "changes": [
            {"op": "create", "object": "engagement", "ref": "new:1",
             "fields": {**NEW_ENGAGEMENT, "lab": labs[0].id, "vendor": m.id}},
            {"op": "delete", "object": "engagement", "id": Engagement.objects.first().id},
            {"op": "create", "object": "incident", "ref": "new:2", "fields": {
                "vendor": m.id, "title": "x", "severity": "high", "data_exposure": "confirmed",
                "discovered_at": "2026-01-01T00:00:00Z"}},
            {"op": "assess", "vendor": m.id, "rating": "strong"},
            {"op": "update", "object": "vendor", "id": m.id, "fields": {"description": "changed"}},
        ]
    }  # fmt: skip
    response = client.post("/api/what-if/", plan, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["vendors"] and response.json()["notifications"] == []  # no lab has a regime
    assert every_row_count() == before
    assert Engagement.objects.count() == 3


def test_an_invalid_change_is_a_400_naming_its_index_and_field(reference_world):
    m, labs = reference_world
    plan = {
        "changes": [
            {"op": "assess", "vendor": m.id, "rating": "strong"},
            {"op": "create", "object": "engagement", "ref": "new:1",
             "fields": {**NEW_ENGAGEMENT, "lab": labs[0].id, "vendor": m.id, "criticality": "extreme"}},
        ]
    }  # fmt: skip
    response = client_for(admin_user()).post("/api/what-if/", plan, format="json")
    assert response.status_code == 400
    assert list(response.json()["changes"]) == ["1"]
    assert "criticality" in response.json()["changes"]["1"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"op": "update", "object": "engagement", "id": "new:9", "fields": {}}, "id"),
        ({"op": "update", "object": "engagement", "id": 10**9, "fields": {}}, "id"),
        ({"op": "update", "object": "engagement", "id": [1], "fields": {}}, "id"),
        ({"op": "create", "object": "vendor", "ref": "new:1", "fields": {}}, "object"),
        ({"op": "create", "object": "engagement", "ref": "x", "fields": {}}, "ref"),
        ({"op": "assess", "vendor": 10**9, "rating": "strong"}, "vendor"),
        ({"op": "assess", "vendor": 1, "rating": "great"}, "rating"),
        ({"op": "assess", "vendor": 2**70, "rating": "strong"}, "vendor"),
        ({"op": "update", "object": "engagement", "id": 2**70, "fields": {}}, "id"),
        ({"op": "update", "object": "engagement", "id": True, "fields": {}}, "id"),
        ({"op": "update", "object": "engagement", "id": 1, "fields": ["x"]}, "fields"),
        ({"op": "create", "object": "incident", "ref": "new:1", "fields": {"title": "a\x00b"}}, "title"),
        ({"op": "explode"}, "op"),
        ("not a change", "non_field_errors"),
    ],
)
def test_malformed_changes_are_field_errors(reference_world, change, field):
    response = client_for(admin_user()).post("/api/what-if/", {"changes": [change]}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["changes"]["0"]


def test_a_rule_of_the_real_write_applies_to_the_plan(reference_world):
    m, labs = reference_world
    eng = Engagement.objects.filter(lab=labs[0]).get()
    plan = {
        "changes": [{"op": "update", "object": "engagement", "id": eng.id, "fields": {"status": "ended"}}]
    }
    response = client_for(admin_user()).post("/api/what-if/", plan, format="json")
    assert response.status_code == 400
    assert response.json()["changes"]["0"] == {"end_date": ["An ended engagement needs an end date."]}


def test_an_incident_cannot_move_backwards_in_a_plan(reference_world):
    m, _ = reference_world
    plan = {"changes": [
        {"op": "create", "object": "incident", "ref": "new:1", "fields": {
            "vendor": m.id, "title": "x", "severity": "low", "status": "contained", "data_exposure": "none",
            "discovered_at": "2026-01-01T00:00:00Z"}},
        {"op": "update", "object": "incident", "id": "new:1", "fields": {"status": "reported"}},
    ]}  # fmt: skip
    response = client_for(admin_user()).post("/api/what-if/", plan, format="json")
    assert response.status_code == 400
    assert "status" in response.json()["changes"]["1"]


def test_more_than_500_changes_is_413(reference_world):
    m, _ = reference_world
    change = {"op": "assess", "vendor": m.id, "rating": "strong"}
    response = client_for(admin_user()).post("/api/what-if/", {"changes": [change] * 501}, format="json")
    assert response.status_code == 413
    assert "500" in response.json()["detail"]


def test_past_the_time_budget_is_413(reference_world, settings):
    settings.VENDORRISK_WHATIF_BUDGET_SECONDS = 0
    m, _ = reference_world
    plan = {"changes": [{"op": "assess", "vendor": m.id, "rating": "strong"}]}
    response = client_for(admin_user()).post("/api/what-if/", plan, format="json")
    assert response.status_code == 413
    assert "seconds" in response.json()["detail"]


def test_a_lab_limited_user_plans_only_in_scope_and_sees_other_labs_only_as_counts(reference_world):
    from tests.factories import UserFactory

    m, labs = reference_world
    user = UserFactory(username="procurement_lab0", role="procurement", labs=[labs[0]])
    client = client_for(user)
    other_engagement = Engagement.objects.filter(lab=labs[1]).get()
    out_of_scope = client.post(
        "/api/what-if/",
        {"changes": [{"op": "update", "object": "engagement", "id": other_engagement.id,
                      "fields": {"criticality": "low"}}]},
        format="json",
    )  # fmt: skip
    assert out_of_scope.status_code == 400
    assert out_of_scope.json()["changes"]["0"]["id"] == [
        f'Invalid pk "{other_engagement.id}" - object does not exist.'
    ]
    foreign_lab = client.post(
        "/api/what-if/",
        {"changes": [{"op": "create", "object": "engagement", "ref": "new:1",
                      "fields": {**NEW_ENGAGEMENT, "lab": labs[1].id, "vendor": m.id}}]},
        format="json",
    )  # fmt: skip
    assert foreign_lab.status_code == 400
    assert "lab" in foreign_lab.json()["changes"]["0"]

    # Suspending-and-disposing every lab's work at M is visible to this user only through M's aggregates.
    admin = client_for(admin_user())
    plan = {
        "changes": [{"op": "delete", "object": "engagement", "id": e.id} for e in Engagement.objects.all()]
    }
    everything = admin.post("/api/what-if/", plan, format="json").json()
    assert {row["lab"] for row in everything["labs"]} == {each.id for each in labs}
    own_plan = {"changes": [{"op": "delete", "object": "engagement",
                             "id": Engagement.objects.get(lab=labs[0]).id}]}  # fmt: skip
    body = client.post("/api/what-if/", own_plan, format="json").json()
    assert [row["lab"] for row in body["labs"]] == [labs[0].id]
    assert body["vendors"][0]["after"]["labs_exposed"] == 2
    text = str(body)
    for hidden in labs[1:]:
        assert hidden.name not in text


def test_a_planned_incident_starts_the_regulator_clocks_of_exposed_labs(reference_world):
    from vendors import services as vendor_services

    m, labs = reference_world
    vendor_services.lab_update(actor=None, instance=labs[0], regimes=["nis2"])
    plan = {"changes": [{"op": "create", "object": "incident", "ref": "new:1", "fields": {
        "vendor": m.id, "title": "x", "severity": "high", "data_exposure": "suspected",
        "occurred_at": "2026-01-01T00:00:00Z", "discovered_at": "2026-01-02T00:00:00Z"}}]}  # fmt: skip
    body = client_for(admin_user()).post("/api/what-if/", plan, format="json").json()
    clocks = {(c["incident"], c["lab"], c["regime"], c["stage"]): c["due_at"] for c in body["notifications"]}
    assert clocks == {
        ("new:1", labs[0].id, "nis2", "early_warning"): "2026-01-03T00:00:00Z",
        ("new:1", labs[0].id, "nis2", "notification"): "2026-01-05T00:00:00Z",
        ("new:1", labs[0].id, "nis2", "final_report"): "2026-02-05T00:00:00Z",
    }


def test_engaging_a_vendor_with_an_open_critical_incident_warns(reference_world):
    from tests.scores.helpers import incident

    m, labs = reference_world
    incident(m)
    newcomer = lab("Newcomer Lab")
    plan = {"changes": [{"op": "create", "object": "engagement", "ref": "new:1",
                         "fields": {**NEW_ENGAGEMENT, "lab": newcomer.id, "vendor": m.id}}]}  # fmt: skip
    body = client_for(admin_user()).post("/api/what-if/", plan, format="json").json()
    codes = {w["code"]: w for w in body["warnings"]}
    assert codes["open_critical_incident"]["vendor"] == m.id
    assert "Vendor M has an open critical incident" in codes["open_critical_incident"]["message"]
    assert codes["concentration_high"]["lab"] == newcomer.id
    assert codes["single_point_of_failure"]["vendor"] == m.id


def test_a_cycle_made_by_two_parent_changes_of_one_plan_is_refused():
    a, b = vendor("Group A"), vendor("Group B")
    plan = {"changes": [
        {"op": "update", "object": "vendor", "id": a.id, "fields": {"parent": b.id}},
        {"op": "update", "object": "vendor", "id": b.id, "fields": {"parent": a.id}},
    ]}  # fmt: skip
    response = client_for(admin_user()).post("/api/what-if/", plan, format="json")
    assert response.status_code == 400
    assert response.json()["changes"] == {
        "1": {"parent": ["This parent would make a cycle of vendor groups."]}
    }


def test_a_body_that_is_not_a_plan_is_a_400():
    client = client_for(admin_user())
    assert client.post("/api/what-if/", [1, 2], format="json").status_code == 400
    response = client.post("/api/what-if/", {"changes": "all"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"changes": ["Expected a list of changes."]}


def test_a_viewer_may_plan(reference_world):
    from tests.factories import UserFactory

    m, _ = reference_world
    viewer = UserFactory(username="plan_viewer", role="viewer", all_labs=True)
    plan = {"changes": [{"op": "assess", "vendor": m.id, "rating": "strong"}]}
    response = client_for(viewer).post("/api/what-if/", plan, format="json")
    assert response.status_code == 200
    assert response.json()["vendors"][0]["after"]["likelihood"] == 0.1


def test_random_garbage_in_a_plan_is_never_a_server_error(reference_world):
    import random

    m, labs = reference_world
    rng = random.Random(14)
    values = [None, True, 0, -1, 1.5, 2**70, "", "x" * 300, "new:1", "new:0", "\x00", [], {}, [1], {"a": 1},
              m.id, labs[0].id, "2026-01-01", "critical", "active"]  # fmt: skip
    keys = ["op", "object", "ref", "id", "fields", "vendor", "rating"]
    field_names = ["lab", "vendor", "status", "criticality", "start_date", "end_date", "parent", "depends_on",
                   "shares_data", "severity", "discovered_at", "resolved_at", "title", "data_categories"]  # fmt: skip
    client = client_for(admin_user())
    for _ in range(150):
        change = {k: rng.choice(values) for k in keys if rng.random() < 0.7}
        change["op"] = rng.choice(["create", "update", "delete", "assess", rng.choice(values)])
        change["object"] = rng.choice(["engagement", "dependency", "incident", "vendor", rng.choice(values)])
        if rng.random() < 0.7:
            change["fields"] = {f: rng.choice(values) for f in rng.sample(field_names, 4)}
        response = client.post("/api/what-if/", {"changes": [change]}, format="json")
        assert response.status_code in (200, 400), (change, response.status_code, response.content[:300])


def test_assessing_with_null_plans_the_vendor_without_a_current_assessment(reference_world):
    from django.utils import timezone

    from tests.factories import AssessmentFactory

    m, _ = reference_world
    AssessmentFactory(
        vendor=m, status="completed", score=90, rating="strong", completed_at=timezone.now(),
        valid_until=timezone.now().date() + timezone.timedelta(days=100),
    )  # fmt: skip
    client = client_for(admin_user())
    plan = {"changes": [{"op": "assess", "vendor": m.id, "rating": None}]}
    (row,) = client.post("/api/what-if/", plan, format="json").json()["vendors"]
    assert (row["before"]["likelihood"], row["after"]["likelihood"]) == (0.1, 0.5)
    assert row["after"]["score"] == 67.1  # the reference case again
