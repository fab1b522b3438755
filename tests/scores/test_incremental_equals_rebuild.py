"""After any sequence of API writes, the incrementally drained scores equal a full rebuild exactly."""

import random
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import incremental, recompute
from assessments.models import Question, Questionnaire
from vendors.models import Engagement, Lab, ScoreMark, Vendor, VendorDependency

from .helpers import admin_user
from .snapshot import stored_scores

pytestmark = pytest.mark.django_db(transaction=True)

CHOICES = {
    "status": ["proposed", "active", "suspended", "ended"],
    "criticality": ["low", "medium", "high", "critical"],
    "data_sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}


class World:
    """Drives random writes through the API, like users and scripts would."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.client = APIClient()
        self.client.force_authenticate(admin_user())
        self.counter = 0
        self.questionnaire = Questionnaire.objects.create(name=f"Q{seed}", version=1)
        for i in range(3):
            Question.objects.create(
                questionnaire=self.questionnaire, code=f"Q-{i}", text=f"Question {i}", position=i
            )

    def ok(self, response, *codes):
        assert response.status_code in codes, (response.status_code, response.content[:500])
        return response

    def new_name(self, prefix):
        self.counter += 1
        return f"{prefix} {self.counter}"

    def ids(self, model):
        return list(model.objects.values_list("id", flat=True))

    def pick(self, model):
        ids = self.ids(model)
        return self.rng.choice(ids) if ids else None

    def op_lab(self):
        self.ok(self.client.post("/api/labs/", {"name": self.new_name("Lab")}), 201)

    def op_vendor(self):
        parent = self.pick(Vendor) if self.rng.random() < 0.3 else None
        data = {"name": self.new_name("Vendor"), "category": "data_labeling", "parent": parent}
        self.ok(self.client.post("/api/vendors/", data), 201, 400)

    def op_parent_change(self):
        vendor, parent = self.pick(Vendor), self.pick(Vendor)
        if vendor:
            new_parent = None if self.rng.random() < 0.3 else parent
            self.ok(self.client.patch(f"/api/vendors/{vendor}/", {"parent": new_parent}), 200, 400)

    def engagement_data(self):
        status = self.rng.choice(CHOICES["status"])
        start = date(2025, 1, 1) + timedelta(days=self.rng.randrange(300))
        data = {
            "lab": self.pick(Lab),
            "vendor": self.pick(Vendor),
            "title": self.new_name("Engagement"),
            "status": status,
            **{k: self.rng.choice(v) for k, v in CHOICES.items() if k != "status"},
            "start_date": start.isoformat(),
            "end_date": None,
            "data_disposed_on": None,
        }
        if status == "ended":
            data["end_date"] = (start + timedelta(days=30)).isoformat()
        if status in ("suspended", "ended") and self.rng.random() < 0.4:
            data["data_disposed_on"] = (start + timedelta(days=10)).isoformat()
        return data

    def op_engagement(self):
        if self.pick(Lab) and self.pick(Vendor):
            self.ok(self.client.post("/api/engagements/", self.engagement_data()), 201)

    def op_engagement_update(self):
        pk = self.pick(Engagement)
        if pk:
            data = self.engagement_data()
            data.pop("title")
            self.ok(self.client.put(f"/api/engagements/{pk}/", {**data, "title": "changed"}), 200)

    def op_engagement_delete(self):
        pk = self.pick(Engagement)
        if pk:
            self.ok(self.client.delete(f"/api/engagements/{pk}/"), 204)

    def op_dependency(self):
        a, b = self.pick(Vendor), self.pick(Vendor)
        if a and b:
            data = {"vendor": a, "depends_on": b, "shares_data": self.rng.random() < 0.8}
            self.ok(self.client.post("/api/vendor-dependencies/", data), 201, 400)

    def op_dependency_toggle(self):
        pk = self.pick(VendorDependency)
        if pk:
            dep = VendorDependency.objects.get(pk=pk)
            self.ok(
                self.client.patch(f"/api/vendor-dependencies/{pk}/", {"shares_data": not dep.shares_data}),
                200,
            )

    def op_dependency_delete(self):
        pk = self.pick(VendorDependency)
        if pk:
            self.ok(self.client.delete(f"/api/vendor-dependencies/{pk}/"), 204)

    def op_incident(self):
        vendor = self.pick(Vendor)
        if vendor:
            status = self.rng.choice(["reported", "investigating", "contained", "resolved", "closed"])
            data = {
                "vendor": vendor,
                "title": self.new_name("Incident"),
                "status": status,
                "severity": self.rng.choice(CHOICES["criticality"]),
                "data_exposure": "suspected",
                "discovered_at": (timezone.now() - timedelta(days=400)).isoformat(),
            }
            if status in ("resolved", "closed"):
                days = self.rng.choice([30, 364, 366, 700])
                data["resolved_at"] = (timezone.now() - timedelta(days=days)).isoformat()
            self.ok(self.client.post("/api/incidents/", data), 201)

    def op_incident_status(self):
        from incidents.models import Incident

        pk = self.pick(Incident)
        if pk:
            status = self.rng.choice(["investigating", "contained", "resolved", "closed"])
            self.ok(self.client.patch(f"/api/incidents/{pk}/", {"status": status}), 200, 409)

    def op_assessment(self):
        vendor = self.pick(Vendor)
        if not vendor:
            return
        r = self.ok(
            self.client.post("/api/assessments/", {"vendor": vendor, "questionnaire": self.questionnaire.id}),
            201,
        )
        pk = r.json()["id"]
        answers = [
            {"question": q.id, "response": self.rng.choice(["yes", "partial", "no", "na"])}
            for q in self.questionnaire.questions.all()
        ]
        answers[0]["response"] = "yes"
        self.ok(self.client.put(f"/api/assessments/{pk}/answers/", answers), 200)
        if self.rng.random() < 0.8:
            self.ok(self.client.post(f"/api/assessments/{pk}/complete/", {}), 200)

    def op_vendor_delete(self):
        pk = self.pick(Vendor)
        if pk:
            self.ok(self.client.delete(f"/api/vendors/{pk}/"), 204, 409)

    def run(self, steps: int, *, batched: bool = False):
        ops = [
            (self.op_lab, 2),
            (self.op_vendor, 3),
            (self.op_parent_change, 1),
            (self.op_engagement, 6),
            (self.op_engagement_update, 3),
            (self.op_engagement_delete, 1),
            (self.op_dependency, 4),
            (self.op_dependency_toggle, 1),
            (self.op_dependency_delete, 1),
            (self.op_incident, 2),
            (self.op_incident_status, 2),
            (self.op_assessment, 1),
            (self.op_vendor_delete, 1),
        ]
        funcs, weights = zip(*ops, strict=True)
        for _ in range(3):
            self.op_lab()
        for _ in range(5):
            self.op_vendor()
        for _ in range(steps):
            if batched and self.rng.random() < 0.3:
                # Several writes before one drain: pair marks meet whole-vendor marks in the same batch.
                with mock.patch("vendors.dirty._send_drain"):
                    for _ in range(self.rng.randint(2, 6)):
                        self.rng.choices(funcs, weights)[0]()
                recompute.drain_all()
            else:
                self.rng.choices(funcs, weights)[0]()


@pytest.mark.parametrize(
    ("seed", "batched"), [(1, False), (2, False), (3, False), (4, True), (5, True), (6, True)]
)
def test_incremental_scores_equal_a_full_rebuild(seed, batched):
    world = World(seed)
    updated = []
    original = incremental.update_pairs

    def counting(pair_marks, *args):
        updated.append(len(pair_marks))
        return original(pair_marks, *args)

    with mock.patch.object(incremental, "update_pairs", counting):
        world.run(90, batched=batched)
    assert ScoreMark.objects.count() == 0, "every write was drained after commit"
    assert sum(updated) > 0, "engagement changes took the incremental path"
    drained = stored_scores()
    assert drained["vendors"], "the sequence produced scores"
    call_command("recompute_scores", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
    rebuilt = stored_scores()
    for kind in ("vendors", "labs", "shared", "pairs"):
        for pk in sorted(set(drained[kind]) | set(rebuilt[kind])):
            assert drained[kind].get(pk) == rebuilt[kind].get(pk), (kind, pk)
