"""Dirty marks for the score recompute, over the affected sets of DESIGN.md section 3.

This module only marks: which vendors and labs a change affects is asked of `vendors.graph_queries`.

A change of a score input is marked by the consumers of its event (`vendors/consumers.py`,
`incidents/consumers.py`, `assessments/consumers.py`), which call the `mark_*` functions inside the
writing transaction; the daily time-dependent marks come from `assessments.recompute`.
The marks are drained by `assessments.tasks.drain_scores`, requested once after commit.
"""

import logging
import secrets
from collections.abc import Iterable

from django.db import transaction

from .graph_queries import group_members, labs_reaching, vendors_downstream, vendors_upstream
from .models import GraphVersion, ScoreMark, vendor_root

logger = logging.getLogger(__name__)
# why a string: vendors sits below assessments, so it names the task instead of importing it (the spine
# issue replaces this with a declared event). The name is pinned with name= on the task.
DRAIN_TASK = "assessments.tasks.drain_scores"


def mark(
    *,
    vendors: Iterable[int] = (),
    labs: Iterable[int] = (),
    cause: str,
    cause_lab: int | None = None,
    pair_lab: int | None = None,
) -> None:
    """Write dirty marks in the caller's transaction and request one drain after it commits.

    `pair_lab`: the change is one of that lab's engagements, so at these vendors only the (vendor, lab)
    pairs changed; the drain updates those incrementally instead of recomputing the vendors whole.
    """
    cause = cause[:200]
    kinds = ((ScoreMark.Kind.VENDOR, vendors, pair_lab), (ScoreMark.Kind.LAB, labs, None))
    rows = [
        ScoreMark(kind=kind, object_id=pk, cause=cause, cause_lab_id=cause_lab, pair_lab_id=pair)
        for kind, ids, pair in kinds
        for pk in sorted(set(ids))
    ]
    if not rows:
        return
    ScoreMark.objects.bulk_create(rows, batch_size=2000)
    request_drain()


def mark_engagement(*, lab_id: int, vendor_id: int, cause: str) -> None:
    """An engagement of lab L with vendor V: L, V and the vendors downstream of V, where only L's pairs changed."""
    mark(
        vendors=vendors_downstream([vendor_id]), labs=[lab_id], cause=cause, cause_lab=lab_id, pair_lab=lab_id
    )


def bump_graph_version() -> None:
    """The data-sharing graph or a vendor's group changes in this transaction: cached graphs are out of date.

    The new version is a random number, not the old one plus one: a rolled-back write must not leave a
    version that a later, different graph takes again (a worker may have cached the uncommitted graph when
    a drain ran inside that transaction, as tests do).
    """
    version = secrets.randbits(62)
    if not GraphVersion.objects.filter(pk=1).update(version=version):
        GraphVersion.objects.create(pk=1, version=version)


def mark_incident(*, vendor_id: int, cause: str) -> None:
    mark(vendors=vendors_upstream([vendor_id]), cause=cause)


def mark_vendor(*, vendor_id: int, cause: str) -> None:
    mark(vendors=[vendor_id], cause=cause)


def mark_dependency(*, vendor_id: int, depends_on_id: int, cause: str) -> None:
    """An edge A → B: vendors within 3 hops of it either way, and the labs that reach A.

    Called with the graph before and after the change (by the service), so both sides are covered.
    """
    bump_graph_version()
    vendors = vendors_upstream([vendor_id]) | vendors_downstream([depends_on_id]) | {vendor_id, depends_on_id}
    mark(vendors=vendors, labs=labs_reaching([vendor_id]), cause=cause)


def mark_parent_change(
    *, vendor_id: int, old_parent_id: int | None, new_parent_id: int | None, cause: str
) -> None:
    """Every lab that reaches any vendor of the old or the new group."""
    bump_graph_version()
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
