"""Score inputs from the database: the scorer's frozen dataclasses, for some vendors and labs (a drain) or
for everything (a rebuild). Plain queries only; `assessments.recompute` runs the scorer on them."""

from collections.abc import Iterable

from incidents.models import Incident
from vendors.choices import EngagementStatus
from vendors.graph_queries import MAX_HOPS, edges_near, parents_up_to_roots
from vendors.models import Engagement, Lab, Vendor, VendorDependency

from . import scoring
from .choices import AssessmentStatus
from .models import Assessment


def _engagement_in(row) -> scoring.EngagementIn:
    return scoring.EngagementIn(*row)


ENGAGEMENT_COLUMNS = (
    "id",
    "lab_id",
    "vendor_id",
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_disposed_on",
)


def _vendors_with_ancestors(ids: set[int]) -> list[scoring.VendorIn]:
    parents = parents_up_to_roots(ids)
    return [scoring.VendorIn(id=v, parent_id=p) for v, p in sorted(parents.items())]


def load_inputs(vendor_ids: Iterable[int], lab_ids: Iterable[int]) -> scoring.ScoringInput:
    """The minimal inputs that the scores of these vendors and labs depend on."""
    vendor_ids, lab_ids = set(vendor_ids), set(lab_ids)
    upstream = edges_near(vendor_ids, downstream=False)
    up_region = set(vendor_ids) | {v for targets in upstream.values() for v in targets}
    engagements = list(
        Engagement.objects.exclude(status=EngagementStatus.PROPOSED)
        .filter(vendor_id__in=up_region)
        .values_list(*ENGAGEMENT_COLUMNS)
    )
    if lab_ids:
        engagements += list(
            Engagement.objects.exclude(status=EngagementStatus.PROPOSED)
            .filter(lab_id__in=lab_ids)
            .exclude(vendor_id__in=up_region)
            .values_list(*ENGAGEMENT_COLUMNS)
        )
    # A vendor's harms need only the paths that end at it (the upstream edges just loaded); its incidents
    # and a lab's look-through need the edges downstream of the vendor and of the lab's direct vendors.
    lab_direct = {row[2] for row in engagements if row[1] in lab_ids}
    down_edges = edges_near(lab_direct | vendor_ids, downstream=True)
    edges = {(a, b) for a, targets in down_edges.items() for b in targets}
    edges |= {(vendor, depends_on) for depends_on, vendors in upstream.items() for vendor in vendors}
    region = up_region | lab_direct | {v for edge in edges for v in edge}
    incident_region = set(vendor_ids)
    frontier = set(vendor_ids)
    for _ in range(MAX_HOPS):
        frontier = {b for a in frontier for b in down_edges.get(a, ())} - incident_region
        incident_region |= frontier
    dependencies = [
        scoring.DependencyIn(vendor_id=a, depends_on_id=b, shares_data=True) for a, b in sorted(edges)
    ]
    incidents = [
        scoring.IncidentIn(*row)
        for row in Incident.objects.filter(vendor_id__in=incident_region).values_list(
            "id", "vendor_id", "severity", "status", "resolved_at"
        )
    ]
    assessments = [
        scoring.AssessmentIn(*row)
        for row in Assessment.objects.filter(
            vendor_id__in=vendor_ids, status=AssessmentStatus.COMPLETED
        ).values_list("id", "vendor_id", "status", "rating", "completed_at", "valid_until")
    ]
    existing_labs = set(Lab.objects.filter(id__in=lab_ids).values_list("id", flat=True)) if lab_ids else set()
    labs_in = existing_labs | {row[1] for row in engagements}
    return scoring.ScoringInput(
        labs=tuple(sorted(labs_in)),
        vendors=tuple(_vendors_with_ancestors(region | up_region)),
        engagements=tuple(_engagement_in(r) for r in sorted(engagements)),
        dependencies=tuple(dependencies),
        incidents=tuple(sorted(incidents, key=lambda i: i.id)),
        assessments=tuple(sorted(assessments, key=lambda a: a.id)),
    )


def load_all_inputs() -> scoring.ScoringInput:
    """Every input, one plain query per table (the full rebuild)."""
    return scoring.ScoringInput(
        labs=tuple(Lab.objects.order_by("id").values_list("id", flat=True)),
        vendors=tuple(
            scoring.VendorIn(*r) for r in Vendor.objects.order_by("id").values_list("id", "parent_id")
        ),
        engagements=tuple(
            _engagement_in(r)
            for r in Engagement.objects.exclude(status=EngagementStatus.PROPOSED)
            .order_by("id")
            .values_list(*ENGAGEMENT_COLUMNS)
        ),
        dependencies=tuple(
            scoring.DependencyIn(*r)
            for r in VendorDependency.objects.filter(shares_data=True)
            .order_by("id")
            .values_list("vendor_id", "depends_on_id", "shares_data")
        ),
        incidents=tuple(
            scoring.IncidentIn(*r)
            for r in Incident.objects.order_by("id").values_list(
                "id", "vendor_id", "severity", "status", "resolved_at"
            )
        ),
        assessments=tuple(
            scoring.AssessmentIn(*r)
            for r in Assessment.objects.filter(status=AssessmentStatus.COMPLETED)
            .order_by("id")
            .values_list("id", "vendor_id", "status", "rating", "completed_at", "valid_until")
        ),
    )
