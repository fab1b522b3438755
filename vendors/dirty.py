"""Dirty marks for the score recompute and the affected sets of DESIGN.md section 3.

Every service that changes a score input calls one of the `mark_*` functions inside its transaction.
The marks are drained by `assessments.tasks.drain_scores`, requested once after commit.
"""

import logging
from collections.abc import Iterable

from django.db import transaction

from .graph import within_hops_many
from .models import Engagement, ScoreMark, Vendor, VendorDependency, vendor_root

logger = logging.getLogger(__name__)
MAX_HOPS = 3
DRAIN_TASK = "assessments.tasks.drain_scores"


def _edges_near(vendor_ids: set[int], *, downstream: bool, hops: int = MAX_HOPS) -> dict[int, list[int]]:
    """The data-sharing edges within `hops` of `vendor_ids`, one query per hop."""
    edges: dict[int, list[int]] = {}
    frontier, seen = set(vendor_ids), set(vendor_ids)
    src, dst = ("vendor_id", "depends_on_id") if downstream else ("depends_on_id", "vendor_id")
    for _ in range(hops):
        if not frontier:
            break
        rows = VendorDependency.objects.filter(shares_data=True, **{f"{src}__in": frontier}).values_list(
            src, dst
        )
        nxt = set()
        for a, b in rows:
            edges.setdefault(a, []).append(b)
            if b not in seen:
                nxt.add(b)
        seen |= nxt
        frontier = nxt
    return edges


# The public name for other apps (the incident blast radius walks the same edges as the marks).
edges_near = _edges_near


def vendors_downstream(vendor_ids: Iterable[int]) -> set[int]:
    ids = set(vendor_ids)
    return within_hops_many(ids, _edges_near(ids, downstream=True), MAX_HOPS)


def vendors_upstream(vendor_ids: Iterable[int]) -> set[int]:
    ids = set(vendor_ids)
    return within_hops_many(ids, _edges_near(ids, downstream=False), MAX_HOPS)


def labs_reaching(vendor_ids: Iterable[int]) -> set[int]:
    """Labs with an engagement at any vendor within 3 hops upstream of these vendors (or at them)."""
    upstream = vendors_upstream(vendor_ids)
    return set(Engagement.objects.filter(vendor_id__in=upstream).values_list("lab_id", flat=True).distinct())


def group_members(root_ids: Iterable[int]) -> set[int]:
    """Every vendor whose ultimate parent is one of these roots (the roots included)."""
    members, frontier = set(root_ids), set(root_ids)
    while frontier:
        frontier = set(Vendor.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - members
        members |= frontier
    return members


def mark(
    *, vendors: Iterable[int] = (), labs: Iterable[int] = (), cause: str, cause_lab: int | None = None
) -> None:
    """Write dirty marks in the caller's transaction and request one drain after it commits."""
    cause = cause[:200]
    kinds = ((ScoreMark.Kind.VENDOR, vendors), (ScoreMark.Kind.LAB, labs))
    rows = [
        ScoreMark(kind=kind, object_id=pk, cause=cause, cause_lab_id=cause_lab)
        for kind, ids in kinds
        for pk in sorted(set(ids))
    ]
    if not rows:
        return
    ScoreMark.objects.bulk_create(rows, batch_size=2000)
    request_drain()


def mark_engagement(*, lab_id: int, vendor_id: int, cause: str) -> None:
    mark(vendors=vendors_downstream([vendor_id]), labs=[lab_id], cause=cause, cause_lab=lab_id)


def mark_incident(*, vendor_id: int, cause: str) -> None:
    mark(vendors=vendors_upstream([vendor_id]), cause=cause)


def mark_vendor(*, vendor_id: int, cause: str) -> None:
    mark(vendors=[vendor_id], cause=cause)


def mark_dependency(*, vendor_id: int, depends_on_id: int, cause: str) -> None:
    """An edge A → B: vendors within 3 hops of it either way, and the labs that reach A.

    Called with the graph before and after the change (by the service), so both sides are covered.
    """
    vendors = vendors_upstream([vendor_id]) | vendors_downstream([depends_on_id]) | {vendor_id, depends_on_id}
    mark(vendors=vendors, labs=labs_reaching([vendor_id]), cause=cause)


def mark_parent_change(
    *, vendor_id: int, old_parent_id: int | None, new_parent_id: int | None, cause: str
) -> None:
    """Every lab that reaches any vendor of the old or the new group."""
    roots = {vendor_root(vendor_id)}
    for parent in (old_parent_id, new_parent_id):
        if parent is not None:
            roots.add(vendor_root(parent))
    members = group_members(roots) | {vendor_id}
    # Shared fourth parties depend on the groups of the direct vendors that reach them, too.
    mark(vendors=vendors_downstream(members), labs=labs_reaching(members), cause=cause)


def request_drain() -> None:
    """Ask for one drain after commit. Never fails the caller's write: the periodic sweep is the backstop."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is _send_drain for _, func, _ in connection.run_on_commit):
        return  # one drain per transaction, however many marks it wrote
    transaction.on_commit(_send_drain)


def _send_drain() -> None:
    from celery import current_app

    try:
        current_app.tasks[DRAIN_TASK].delay()
    except KeyError:
        logger.error("The drain task %s is not registered; marks wait for the sweep.", DRAIN_TASK)
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        logger.warning("Could not request a score drain; the sweep will pick the marks up.", exc_info=True)
