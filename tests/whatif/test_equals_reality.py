"""The answer equals reality (DESIGN.md section 9): random plans over random worlds are asked of
`POST /api/what-if/`, then made through the real API and drained; the stored numbers must be exactly
the answer's "after" (and its "before" the stored numbers beforehand), and nothing else may move."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import LabConcentration, SharedDependency, VendorScore
from incidents.models import Incident
from tests.scores.test_incremental_equals_rebuild import CHOICES, World
from vendors.models import Engagement, Lab, ScoreMark, Vendor, VendorDependency

pytestmark = pytest.mark.django_db(transaction=True)

RATING_ANSWERS = {  # three equal-weight questions: the responses that complete with each rating
    "strong": ["yes", "yes", "yes"],
    "satisfactory": ["yes", "yes", "partial"],
    "needs_improvement": ["yes", "partial", "no"],
    "unsatisfactory": ["no", "no", "no"],
}
PLANS_PER_WORLD = 8


def stored_numbers() -> dict:
    vendors = {
        s.vendor_id: {
            "score": float(s.score),
            "band": s.band,
            "impact": s.impact,
            "likelihood": s.likelihood,
            "lab_equivalents": s.lab_equivalents,
            "labs_exposed": s.labs_exposed,
        }
        for s in VendorScore.objects.all()
    }
    labs = {
        c.lab_id: {
            "hhi": c.hhi,
            "hhi_look_through": c.hhi_look_through,
            "band": c.band,
            "top_vendor": c.top_vendor_id,
            "top_share": c.top_share,
            "effective_providers": c.effective_providers,
            "single_point_of_failure": (
                None if c.spof_vendor_id is None else {"vendor": c.spof_vendor_id, "share": c.spof_share}
            ),
        }
        for c in LabConcentration.objects.all()
    }
    return {
        "vendors": vendors,
        "labs": labs,
        "shared": set(SharedDependency.objects.values_list("vendor_id", flat=True)),
    }


class Planner:
    """Random plans in the shape of DESIGN.md section 9, each change also as its real API call."""

    def __init__(self, world: World):
        self.world, self.rng = world, world.rng
        self.refs: list[tuple[str, str]] = []  # (ref, object kind)

    def pick(self, model, kind: str | None = None):
        ids = list(model.objects.values_list("id", flat=True))
        refs = [ref for ref, k in self.refs if k == kind]
        pool = ids + refs
        return self.rng.choice(pool) if pool else None

    def create(self, kind: str, fields: dict) -> dict:
        ref = f"new:{len(self.refs) + 1}"
        self.refs.append((ref, kind))
        return {"op": "create", "object": kind, "ref": ref, "fields": fields}

    def change(self) -> dict | None:
        rng, world = self.rng, self.world
        kind = rng.choice(
            ["eng_create", "eng_create", "eng_update", "eng_update", "eng_dispose", "eng_delete", "dep_create",
             "dep_toggle", "dep_delete", "parent", "inc_create", "inc_status", "assess"]
        )  # fmt: skip
        if kind == "eng_create":
            fields = world.engagement_data()
            return self.create("engagement", {k: v for k, v in fields.items() if v is not None})
        if kind in ("eng_update", "eng_dispose", "eng_delete"):
            pk = self.pick(Engagement, "engagement")
            if pk is None:
                return None
            if kind == "eng_delete":
                return {"op": "delete", "object": "engagement", "id": pk}
            if kind == "eng_dispose":
                fields = {"status": "ended", "end_date": "2025-12-31", "data_disposed_on": "2025-12-31"}
            else:
                fields = {
                    k: rng.choice(v) for k, v in CHOICES.items() if k != "status" and rng.random() < 0.5
                }
                fields["status"] = rng.choice(["proposed", "active", "suspended"])
                if rng.random() < 0.3:
                    fields["vendor"] = self.pick(Vendor)
                if rng.random() < 0.2:
                    fields["lab"] = self.pick(Lab)
                fields["data_disposed_on"] = None
            return {"op": "update", "object": "engagement", "id": pk, "fields": fields}
        if kind == "dep_create":
            a, b = self.pick(Vendor), self.pick(Vendor)
            return self.create(
                "dependency", {"vendor": a, "depends_on": b, "shares_data": rng.random() < 0.8}
            )
        if kind in ("dep_toggle", "dep_delete"):
            pk = self.pick(VendorDependency, "dependency")
            if pk is None:
                return None
            if kind == "dep_delete":
                return {"op": "delete", "object": "dependency", "id": pk}
            return {
                "op": "update",
                "object": "dependency",
                "id": pk,
                "fields": {"shares_data": rng.random() < 0.5},
            }
        if kind == "parent":
            vendor = self.pick(Vendor)
            parent = None if rng.random() < 0.3 else self.pick(Vendor)
            return {"op": "update", "object": "vendor", "id": vendor, "fields": {"parent": parent}}
        if kind == "inc_create":
            status = rng.choice(["reported", "investigating", "contained", "resolved", "closed"])
            fields = {
                "vendor": self.pick(Vendor),
                "title": world.new_name("Planned incident"),
                "status": status,
                "severity": rng.choice(CHOICES["criticality"]),
                "data_exposure": "suspected",
                "discovered_at": (timezone.now() - timedelta(days=400)).isoformat(),
            }
            if status in ("resolved", "closed") and rng.random() < 0.5:
                fields["resolved_at"] = (timezone.now() - timedelta(days=rng.choice([30, 700]))).isoformat()
            return self.create("incident", fields)
        if kind == "inc_status":
            pk = self.pick(Incident, "incident")
            status = rng.choice(["investigating", "contained", "resolved", "closed"])
            return (
                None
                if pk is None
                else {"op": "update", "object": "incident", "id": pk, "fields": {"status": status}}
            )
        return {"op": "assess", "vendor": self.pick(Vendor), "rating": rng.choice(list(RATING_ANSWERS))}

    def plan(self) -> list[dict]:
        self.refs = []
        changes = []
        for _ in range(self.rng.randint(1, 4)):
            change = self.change()
            if change is not None:
                changes.append(change)
        return changes


PATHS = {"engagement": "/api/engagements/", "dependency": "/api/vendor-dependencies/", "incident": "/api/incidents/",
         "vendor": "/api/vendors/"}  # fmt: skip


def make_for_real(world: World, changes: list[dict]) -> dict[str, int]:
    """The same changes through the API, in order; every one the plan accepted must be accepted.
    Returns the real id of every "new:<n>" the plan created."""
    real_ids: dict[str, int] = {}

    def real(value):
        return real_ids.get(value, value) if isinstance(value, str) else value

    for change in changes:
        op = change["op"]
        if op == "assess":
            assess(world, change["vendor"], change["rating"])
            continue
        path = PATHS[change["object"]]
        if op == "create":
            response = world.ok(world.client.post(path, change["fields"], format="json"), 201)
            real_ids[change["ref"]] = response.json()["id"]
        elif op == "update":
            world.ok(world.client.patch(f"{path}{real(change['id'])}/", change["fields"], format="json"), 200)
        else:
            world.ok(world.client.delete(f"{path}{real(change['id'])}/"), 204)
    return real_ids


def assess(world: World, vendor: int, rating: str) -> None:
    client = world.client
    pk = world.ok(
        client.post("/api/assessments/", {"vendor": vendor, "questionnaire": world.questionnaire.id}), 201
    ).json()["id"]
    questions = world.questionnaire.questions.order_by("position")
    answers = [
        {"question": q.id, "response": r} for q, r in zip(questions, RATING_ANSWERS[rating], strict=True)
    ]
    world.ok(client.put(f"/api/assessments/{pk}/answers/", answers, format="json"), 200)
    completed = world.ok(client.post(f"/api/assessments/{pk}/complete/", {}), 200).json()
    assert completed["rating"] == rating


@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15, 16])
def test_a_plan_answers_exactly_what_making_it_stores(seed):
    world = World(seed)
    world.run(40)
    planner = Planner(world)
    checked = 0
    for _ in range(40):
        if checked == PLANS_PER_WORLD:
            break
        changes = planner.plan()
        if not changes:
            continue
        before = stored_numbers()
        response = world.client.post("/api/what-if/", {"changes": changes}, format="json")
        if response.status_code == 400:
            continue  # a change the real write would refuse too (a duplicate edge, a cycle, …)
        assert response.status_code == 200, response.content
        answer = response.json()
        make_for_real(world, changes)
        assert ScoreMark.objects.count() == 0
        after = stored_numbers()
        expected = {"vendors": dict(before["vendors"]), "labs": dict(before["labs"])}
        for kind, key in (("vendors", "vendor"), ("labs", "lab")):
            for row in answer[kind]:
                assert row["before"] == before[kind].get(row[key]), (kind, row)
                expected[kind][row[key]] = row["after"]
            assert after[kind] == expected[kind], (kind, changes, answer[kind])
        shared = answer["shared_dependencies"]
        assert after["shared"] == (before["shared"] - set(shared["removed"])) | set(shared["added"])
        checked += 1
    assert checked >= PLANS_PER_WORLD // 2, "the random plans were mostly valid"


def test_the_reference_case_answer_equals_reality():
    from tests.scores.helpers import admin_user, engagement, lab, vendor

    world = World(99)
    world.client.force_authenticate(admin_user())
    m = vendor("Reference M")
    for i in range(3):
        engagement(lab(f"Reference L{i}"), m)
    changes = [{"op": "create", "object": "incident", "ref": "new:1", "fields": {
        "vendor": m.id, "title": "M breached", "severity": "critical", "status": "investigating",
        "data_exposure": "confirmed", "discovered_at": timezone.now().isoformat()}}]  # fmt: skip
    answer = world.client.post("/api/what-if/", {"changes": changes}, format="json").json()
    (row,) = answer["vendors"]
    assert (row["before"]["score"], row["after"]["score"]) == (67.1, 87.2)
    make_for_real(world, changes)
    assert stored_numbers()["vendors"][m.id] == row["after"]
