"""A world of 10,000+ engagements through `recompute_scores --all`: the vectorised rebuild and its bulk
writes (COPY on PostgreSQL) store exactly what the pure scorer's rebuild stores."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments import recompute
from assessments.models import (
    Assessment,
    LabConcentration,
    LabConcentrationHistory,
    Questionnaire,
    SharedDependency,
    VendorScore,
    VendorScoreHistory,
)
from incidents.models import Incident
from vendors.models import Engagement, Lab, ScoreMark, Vendor, VendorDependency

from .snapshot import stored_scores

pytestmark = pytest.mark.django_db

SIZES = {
    "labs": 120,
    "vendors": 1200,
    "engagements": 10_500,
    "edges": 2400,
    "incidents": 200,
    "assessments": 150,
}
LEVELS = {
    "criticality": ["low", "medium", "high", "critical"],
    "data_sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}


def build_world(seed: int = 7) -> None:
    """Fictional labs and vendors in bulk (no services: the marks would only be cleared by the rebuild)."""
    rng = random.Random(seed)
    Lab.objects.bulk_create([Lab(name=f"Scale Lab {i}", slug=f"scale-lab-{i}") for i in range(SIZES["labs"])])
    Vendor.objects.bulk_create(
        [
            Vendor(name=f"Scale Vendor {i}", slug=f"scale-vendor-{i}", category="data_labeling")
            for i in range(SIZES["vendors"])
        ],
        batch_size=500,
    )
    labs = list(Lab.objects.values_list("id", flat=True))
    vendors = list(Vendor.objects.order_by("id").values_list("id", flat=True))
    roots = vendors[:60]
    Vendor.objects.bulk_update(
        [Vendor(id=v, parent_id=rng.choice(roots)) for v in rng.sample(vendors[60:], 150)], ["parent"]
    )
    edges = {(rng.choice(vendors), rng.choice(vendors)) for _ in range(SIZES["edges"])}
    VendorDependency.objects.bulk_create(
        [
            VendorDependency(vendor_id=a, depends_on_id=b, shares_data=rng.random() < 0.8)
            for a, b in edges
            if a != b
        ],
        batch_size=500,
    )
    popularity = [1.0 / (i + 1) ** 0.8 for i in range(len(vendors))]
    rows = []
    for i, vendor_id in enumerate(rng.choices(vendors, popularity, k=SIZES["engagements"])):
        status = rng.choice(["proposed", "active", "active", "suspended", "ended"])
        rows.append(
            Engagement(
                lab_id=rng.choice(labs),
                vendor_id=vendor_id,
                title=f"Scale engagement {i}",
                status=status,
                start_date=date(2025, 1, 1),
                end_date=date(2025, 6, 1) if status == "ended" else None,
                data_disposed_on=date(2025, 7, 1) if status == "ended" and rng.random() < 0.5 else None,
                **{name: rng.choice(values) for name, values in LEVELS.items()},
            )
        )
    Engagement.objects.bulk_create(rows, batch_size=1000)
    now = timezone.now()
    incidents = []
    for i in range(SIZES["incidents"]):
        status = rng.choice(["reported", "investigating", "contained", "resolved", "closed"])
        incidents.append(
            Incident(
                vendor_id=rng.choice(vendors),
                title=f"Scale incident {i}",
                severity=rng.choice(LEVELS["criticality"]),
                status=status,
                data_exposure="suspected",
                discovered_at=now - timedelta(days=rng.randrange(900)),
                resolved_at=now - timedelta(days=rng.randrange(800))
                if status in ("resolved", "closed")
                else None,
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=500)
    questionnaire = Questionnaire.objects.create(name="Scale questionnaire", version=1)
    Assessment.objects.bulk_create(
        [
            Assessment(
                vendor_id=v,
                questionnaire=questionnaire,
                status="completed",
                score=70,
                rating=rng.choice(["strong", "satisfactory", "needs_improvement", "unsatisfactory"]),
                completed_at=now - timedelta(days=rng.randrange(400)),
                valid_until=(now + timedelta(days=rng.randrange(-200, 400))).date(),
            )
            for v in rng.sample(vendors, SIZES["assessments"])
        ],
        batch_size=500,
    )


def test_vectorised_rebuild_stores_what_the_pure_rebuild_stores():
    build_world()
    assert Engagement.objects.count() >= 10_000
    ScoreMark.objects.create(kind=ScoreMark.Kind.VENDOR, object_id=Vendor.objects.first().id, cause="pending")

    pure = recompute.rebuild_all_pure()
    expected = stored_scores()
    assert pure.vendors == SIZES["vendors"] and pure.labs == SIZES["labs"]
    assert len(expected["shared"]) > 0 and sum(1 for v in expected["vendors"].values() if v[5] > 1) > 100
    history = (VendorScoreHistory.objects.count(), LabConcentrationHistory.objects.count())

    call_command("recompute_scores", "--all")  # the vectorised rebuild
    assert stored_scores() == expected
    # Nothing changed, so no history row; every mark the rebuild covered is gone.
    assert (VendorScoreHistory.objects.count(), LabConcentrationHistory.objects.count()) == history
    assert not ScoreMark.objects.exists()
    assert VendorScore.objects.count() == SIZES["vendors"]
    assert LabConcentration.objects.count() == SIZES["labs"]

    # A change the rebuild sees: history rows for exactly the rows whose watched values moved.
    engagement = Engagement.objects.filter(status="active").order_by("id").first()
    Engagement.objects.filter(pk=engagement.pk).update(
        criticality="low" if engagement.criticality != "low" else "high"
    )
    before = dict(VendorScore.objects.values_list("vendor_id", "score"))
    result = recompute.rebuild_all()
    after = dict(VendorScore.objects.values_list("vendor_id", "score"))
    assert result.history_rows >= 1
    moved = {pk for pk in after if after[pk] != before[pk]}
    assert moved <= set(
        VendorScoreHistory.objects.filter(causes__0__cause="full rebuild")
        .order_by("-id")[: result.history_rows]
        .values_list("vendor_id", flat=True)
    )
    recompute.rebuild_all_pure()
    pure_after = stored_scores()
    recompute.rebuild_all()
    assert stored_scores() == pure_after
    assert SharedDependency.objects.count() == len(pure_after["shared"])


def test_rebuild_of_an_empty_register():
    result = recompute.rebuild_all()
    assert (result.vendors, result.labs, result.history_rows) == (0, 0, 0)
    assert not VendorScore.objects.exists() and not LabConcentration.objects.exists()
