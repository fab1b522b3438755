"""The scorer's inputs before and after a plan, for every vendor and lab the plan can change.

Which ones: the affected sets of the recompute (DESIGN.md section 3), taken over the graph with the
plan's edges added, so a path that only the plan opens is followed too. The inputs are loaded once by
`recompute_inputs.load_inputs` (every touched vendor requested, so the stored graph is read within
3 hops of each end of every planned edge) and the plan is applied to the plain dataclasses in memory.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from vendors.choices import EngagementStatus
from vendors.graph import group_roots, within_hops_many
from vendors.graph_queries import MAX_HOPS, edges_near, group_members, parents_up_to_roots
from vendors.models import Engagement

from .. import scoring
from ..choices import AssessmentStatus
from ..recompute_inputs import load_inputs
from .plan import NEW_ID_BASE, Overlay


@dataclass(frozen=True)
class Region:
    vendors: frozenset[int]
    labs: frozenset[int]
    touched: frozenset[int]  # every vendor a change names (loaded with its 3-hop neighbourhood)


@dataclass(frozen=True)
class World:
    region: Region
    before: scoring.ScoringInput
    after: scoring.ScoringInput


def _edge(dep) -> tuple[int, int] | None:
    if dep is None or not dep.shares_data:
        return None
    return (dep.vendor_id, dep.depends_on_id)


def planned_edges(overlay: Overlay) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(edges the plan removes, edges it adds), data-sharing ones only."""
    removed, added = set(), set()
    for _, original, current in overlay.objects("dependency"):
        old, new = _edge(original), _edge(current)
        if old != new:
            if old:
                removed.add(old)
            if new:
                added.add(new)
    return removed, added


def _reach(starts: set[int], plan_edges: set[tuple[int, int]], *, downstream: bool) -> set[int]:
    """Vendors within 3 hops of `starts` over the stored graph with the plan's edges added."""
    if not starts:
        return set()
    ends = {v for edge in plan_edges for v in edge}
    edges = edges_near(starts | ends, downstream=downstream)
    merged = {a: list(bs) for a, bs in edges.items()}
    for a, b in plan_edges:
        src, dst = (a, b) if downstream else (b, a)
        merged.setdefault(src, []).append(dst)
    return within_hops_many(starts, merged, MAX_HOPS)


def _labs_at(vendor_ids: set[int], overlay: Overlay) -> set[int]:
    labs = set(
        Engagement.objects.filter(vendor_id__in=vendor_ids).values_list("lab_id", flat=True).distinct()
    )
    for _, original, current in overlay.objects("engagement"):
        for obj in (original, current):
            if obj is not None and obj.vendor_id in vendor_ids:
                labs.add(obj.lab_id)
    return labs


def affected_region(overlay: Overlay) -> Region:
    """The vendors and labs whose numbers the plan may change (a superset: the diff keeps the changed)."""
    removed, added = planned_edges(overlay)
    plan_edges = removed | added
    down_seeds, up_seeds, vendors, labs, lab_reach = set(), set(), set(), set(), set()
    touched: set[int] = {v for edge in plan_edges for v in edge}
    for _, original, current in overlay.objects("engagement"):
        for obj in (original, current):
            if obj is not None:
                down_seeds.add(obj.vendor_id)
                labs.add(obj.lab_id)
    for _, original, current in overlay.objects("incident"):
        up_seeds |= {obj.vendor_id for obj in (original, current) if obj is not None}
    for a, b in plan_edges:
        up_seeds.add(a)
        down_seeds.add(b)
        lab_reach.add(a)
    vendors |= set(overlay.ratings)
    parent_changes = [(pk, o, c) for pk, o, c in overlay.objects("vendor") if o.parent_id != c.parent_id]
    if parent_changes:
        roots = set()
        for pk, original, current in parent_changes:
            for vendor in (pk, original.parent_id, current.parent_id):
                if vendor is not None:
                    roots.add(group_roots(parents_up_to_roots({vendor})).get(vendor, vendor))
                    touched.add(vendor)
        members = group_members(roots) | {pk for pk, _, _ in parent_changes}
        down_seeds |= members
        lab_reach |= members
    touched |= down_seeds | up_seeds | vendors
    vendors |= _reach(down_seeds, plan_edges, downstream=True) | _reach(
        up_seeds, plan_edges, downstream=False
    )
    if lab_reach:
        labs |= _labs_at(_reach(lab_reach, plan_edges, downstream=False), overlay)
    return Region(vendors=frozenset(vendors), labs=frozenset(labs), touched=frozenset(touched | vendors))


def _engagement_in(pk: int, e) -> scoring.EngagementIn | None:
    if e is None or e.status == EngagementStatus.PROPOSED:
        return None
    return scoring.EngagementIn(
        pk, e.lab_id, e.vendor_id, e.status, e.criticality, e.data_sensitivity, e.substitutability,
        e.data_disposed_on,
    )  # fmt: skip


def _incident_in(pk: int, i) -> scoring.IncidentIn | None:
    return None if i is None else scoring.IncidentIn(pk, i.vendor_id, i.severity, i.status, i.resolved_at)


def apply_plan(inputs: scoring.ScoringInput, overlay: Overlay, *, now: datetime) -> scoring.ScoringInput:
    """The inputs with the plan's changes made, in memory."""
    engagements = {e.id: e for e in inputs.engagements}
    for pk, _, current in overlay.objects("engagement"):
        engagements.pop(pk, None)
        row = _engagement_in(pk, current)
        if row is not None:
            engagements[pk] = row
    incidents = {i.id: i for i in inputs.incidents}
    for pk, _, current in overlay.objects("incident"):
        incidents.pop(pk, None)
        row = _incident_in(pk, current)
        if row is not None:
            incidents[pk] = row
    removed, added = planned_edges(overlay)
    edges = {(d.vendor_id, d.depends_on_id) for d in inputs.dependencies} - removed | added
    parents = {v.id: v.parent_id for v in inputs.vendors}
    new_parents = {pk: c.parent_id for pk, _, c in overlay.objects("vendor")}
    missing = {p for p in new_parents.values() if p is not None and p not in parents}
    parents.update({v: p for v, p in parents_up_to_roots(missing).items() if v not in parents})
    parents.update(new_parents)
    assessments = [a for a in inputs.assessments if a.vendor_id not in overlay.ratings]
    for n, (vendor_id, rating) in enumerate(sorted(overlay.ratings.items()), start=1):
        if rating is not None:
            assessments.append(
                scoring.AssessmentIn(
                    NEW_ID_BASE + overlay.created + n,
                    vendor_id,
                    AssessmentStatus.COMPLETED,
                    rating,
                    now,
                    (now + timedelta(days=366)).date(),
                )  # fmt: skip
            )
    return replace(
        inputs,
        vendors=tuple(scoring.VendorIn(v, p) for v, p in sorted(parents.items())),
        engagements=tuple(engagements[pk] for pk in sorted(engagements)),
        dependencies=tuple(scoring.DependencyIn(a, b, True) for a, b in sorted(edges)),
        incidents=tuple(incidents[pk] for pk in sorted(incidents)),
        assessments=tuple(sorted(assessments, key=lambda a: a.id)),
        labs=tuple(sorted(set(inputs.labs) | {e.lab_id for e in engagements.values()})),
    )


def load_world(overlay: Overlay, *, now: datetime) -> World:
    region = affected_region(overlay)
    before = load_inputs(region.touched, region.labs)
    return World(region=region, before=before, after=apply_plan(before, overlay, now=now))
