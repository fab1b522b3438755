"""Migration 0007 moves stored per-lab parts out of the JSON columns into VendorLabScore, stores a lab's groups
as columns, and marks every scored vendor and lab for an exact recompute."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessments", "0006_what_if_plans"), ("vendors", "0002_register_of_information")]
AFTER = [("assessments", "0007_vendor_lab_scores")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_migration_moves_the_json_into_rows():
    apps = migrate(BEFORE)
    Lab = apps.get_model("vendors", "Lab")
    Vendor = apps.get_model("vendors", "Vendor")
    now = timezone.now()
    lab_a, lab_b = (
        Lab.objects.create(name="Lab A", slug="lab-a"),
        Lab.objects.create(name="Lab B", slug="lab-b"),
    )
    m, n = Vendor.objects.create(name="M", slug="m"), Vendor.objects.create(name="N", slug="n")
    common = {
        "impact": 0.5,
        "likelihood": 0.5,
        "lab_equivalents": 1.0,
        "base_likelihood": 0.5,
        "computed_at": now,
    }
    apps.get_model("assessments", "VendorScore").objects.create(
        vendor=n,
        score="56.3",
        band="high",
        labs_exposed=2,
        lab_harms={str(lab_a.id): 0.75, str(lab_b.id): 0.1875},
        own_views={str(lab_a.id): [56.3, "high"], str(lab_b.id): [14.1, "low"]},
        **common,
    )
    apps.get_model("assessments", "SharedDependency").objects.create(
        vendor=n, labs_reaching=2, via=[m.id], lab_via={str(lab_b.id): [m.id]}, computed_at=now
    )
    apps.get_model("assessments", "LabConcentration").objects.create(
        lab=lab_a,
        hhi=10000.0,
        hhi_look_through=12500.0,
        band="high",
        groups=[
            {"group": m.id, "exposure": 0.75, "share": 1.0, "reach_share": 1.0},
            {"group": n.id, "exposure": 0.0, "share": 0.0, "reach_share": 0.5},
        ],
        computed_at=now,
    )

    apps = migrate(AFTER)
    rows = apps.get_model("assessments", "VendorLabScore").objects.order_by("lab_id")
    assert [(r.vendor_id, r.lab_id, r.harm6, r.own_score, r.own_band, r.via) for r in rows] == [
        (n.id, lab_a.id, 0.75, 56.3, "high", None),
        (n.id, lab_b.id, 0.1875, 14.1, "low", str(m.id)),
    ]
    groups = apps.get_model("assessments", "LabConcentration").objects.get().groups
    assert groups == {
        "group": [m.id, n.id],
        "exposure": [0.75, 0.0],
        "share": [1.0, 0.0],
        "reach_share": [1.0, 0.5],
    }
    marks = apps.get_model("vendors", "ScoreMark").objects.values_list("kind", "object_id")
    assert sorted(marks) == [("lab", lab_a.id), ("vendor", n.id)]
    migrate(executor_leaf_nodes())


def executor_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
