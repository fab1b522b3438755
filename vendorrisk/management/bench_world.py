"""The synthetic world of `make bench` (fictional names), built in bulk in a database that is wiped."""

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Assessment, Questionnaire
from incidents.models import Incident
from vendors import dirty
from vendors.models import Engagement, Lab, ScoreMark, Vendor, VendorDependency
from vendors.rules import CRITICALITY_ORDER

STATUSES = ["proposed", "active", "active", "active", "suspended", "ended"]
LEVELS = {
    "criticality": list(CRITICALITY_ORDER),
    "data_sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}


def build_world(rng, n) -> None:
    with transaction.atomic():
        dirty.bump_graph_version()  # the graph is replaced below, without the services
        with connection.cursor() as c:
            c.execute(
                "TRUNCATE vendors_scoremark, assessments_vendorscore, assessments_vendorscorehistory, "
                "assessments_labconcentration, assessments_labconcentrationhistory, "
                "assessments_shareddependency, assessments_finding, assessments_answer, assessments_assessment, "
                "incidents_notification, incidents_labresponse, incidents_incidentupdate, incidents_incident, "
                "vendors_engagement, vendors_vendordependency, vendors_lab_members, vendors_lab, vendors_vendor, "
                "auditlog_logentry RESTART IDENTITY CASCADE"
            )
        Lab.objects.bulk_create(
            [Lab(name=f"Bench Lab {i:05d}", slug=f"bench-lab-{i}") for i in range(n["labs"])]
        )
        Vendor.objects.bulk_create(
            [
                Vendor(name=f"Bench Vendor {i:05d}", slug=f"bench-vendor-{i}", category="data_labeling")
                for i in range(n["vendors"])
            ],
            batch_size=5000,
        )
        lab_ids = list(Lab.objects.values_list("id", flat=True))
        vendor_ids = list(Vendor.objects.values_list("id", flat=True))
        roots = vendor_ids[: len(vendor_ids) // 20]
        children = rng.sample(vendor_ids[len(roots) :], len(vendor_ids) // 10)
        Vendor.objects.bulk_update(
            [Vendor(id=v, parent_id=rng.choice(roots)) for v in children], ["parent"], batch_size=5000
        )
        pairs = set()
        while len(pairs) < n["edges"]:
            a, b = rng.choice(vendor_ids), rng.choice(vendor_ids)
            if a != b:
                pairs.add((a, b))
        VendorDependency.objects.bulk_create(
            [
                VendorDependency(vendor_id=a, depends_on_id=b, shares_data=rng.random() < 0.8)
                for a, b in pairs
            ],
            batch_size=5000,
        )
        # Engagements concentrate on popular vendors, as real dependence does.
        weights = [1.0 / (i + 1) ** 0.8 for i in range(len(vendor_ids))]
        chosen = rng.choices(vendor_ids, weights, k=n["engagements"])
        start = date(2024, 1, 1)
        rows = []
        for i, vendor_id in enumerate(chosen):
            status = rng.choice(STATUSES)
            s = start + timedelta(days=rng.randrange(600))
            rows.append(
                Engagement(
                    lab_id=rng.choice(lab_ids),
                    vendor_id=vendor_id,
                    title=f"Bench engagement {i}",
                    status=status,
                    start_date=s,
                    end_date=s + timedelta(days=200) if status == "ended" else None,
                    data_disposed_on=s + timedelta(days=100)
                    if status == "ended" and rng.random() < 0.5
                    else None,
                    **{k: rng.choice(v) for k, v in LEVELS.items()},
                )
            )
            if len(rows) == 50_000:  # in slices, so the sector scale's million rows never sit in memory
                Engagement.objects.bulk_create(rows, batch_size=5000)
                rows = []
        Engagement.objects.bulk_create(rows, batch_size=5000)
        now = timezone.now()
        incidents = []
        for i in range(n["incidents"]):
            status = rng.choice(["reported", "investigating", "contained", "resolved", "closed"])
            incidents.append(
                Incident(
                    vendor_id=rng.choice(vendor_ids),
                    title=f"Bench incident {i}",
                    severity=rng.choice(LEVELS["criticality"]),
                    status=status,
                    data_exposure="suspected",
                    discovered_at=now - timedelta(days=rng.randrange(900)),
                    resolved_at=now - timedelta(days=rng.randrange(800))
                    if status in ("resolved", "closed")
                    else None,
                )
            )
        Incident.objects.bulk_create(incidents, batch_size=5000)
        questionnaire, _ = Questionnaire.objects.get_or_create(name="Bench questionnaire", version=1)
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
                for v in rng.sample(vendor_ids, n["assessments"])
            ],
            batch_size=5000,
        )
        ScoreMark.objects.all().delete()
    with connection.cursor() as c:
        c.execute("ANALYZE")
