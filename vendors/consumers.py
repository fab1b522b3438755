"""Score marks that follow this app's events, declared once per event type (DESIGN.md section 8).

Each consumer runs inside the writing transaction (`vendorrisk.core.events.consumes`) with every matching
event of the batch a service recorded, and reads what it marks from the event's payload (the object after
the change, `changes` `{field: [old, new]}` for updates): a bulk insert marks in bulk, once per lab.

Cause texts are shown to the users of the cause's lab only (DESIGN section 5): a single change names its
object ("engagement 61 created"); a bulk write names the count its service gave (`Event.cause`).
"""

from __future__ import annotations

from collections import defaultdict

from vendorrisk.core.events import consumes
from vendorrisk.models import Event

from . import dirty, graph_queries
from .services import SCORE_FIELDS as ENGAGEMENT_SCORE_FIELDS

# The fields of an edge that decide what data reaches whom.
DEPENDENCY_SCORE_FIELDS = {"vendor", "depends_on", "shares_data"}


def _changes(event: Event) -> dict:
    return event.data.get("changes") or {}


def _before(event: Event, key: str):
    """The payload's value of `key` before the change (the value after it when it did not change)."""
    changes = _changes(event)
    return changes[key][0] if key in changes else event.data.get(key)


def _complete(batch: list[Event], *keys: str) -> list[Event]:
    """The events whose payload names `keys` (one a script or a test recorded by hand without the object's
    representation has nothing to mark from)."""
    return [event for event in batch if all(event.data.get(key) is not None for key in keys)]


def _single(event: Event, verb: str) -> str:
    return f"{event.object_type} {event.object_id} {verb}"


@consumes("lab.created")
def labs_created(batch: list[Event]) -> None:
    """A new lab's concentration row (one mark per lab: the cause names it)."""
    for event in batch:
        cause = (event.cause or "lab {id} created").format(id=event.object_id)
        dirty.mark(labs=[event.object_id], cause=cause, cause_lab=event.object_id)


@consumes("vendor.created")
def vendors_created(batch: list[Event]) -> None:
    """A new vendor's score row; one in a group moves its group's labs and shared fourth parties."""
    bulk = [event for event in batch if event.cause is not None]
    if bulk:
        dirty.mark(vendors=[e.object_id for e in bulk], cause=bulk[0].cause.format(n=len(bulk)))
    for event in batch:
        if event.cause is None:
            dirty.mark_vendor(vendor_id=event.object_id, cause=_single(event, "created"))
        if event.data.get("parent") is not None:
            dirty.mark_parent_change(
                vendor_id=event.object_id,
                old_parent_id=None,
                new_parent_id=event.data["parent"],
                cause=_single(event, "created"),
            )


@consumes("vendor.updated")
def vendor_group_changed(batch: list[Event]) -> None:
    for event in batch:
        if "parent" in _changes(event):
            old_parent, new_parent = _changes(event)["parent"]
            dirty.mark_parent_change(
                vendor_id=event.object_id,
                old_parent_id=old_parent,
                new_parent_id=new_parent,
                cause=_single(event, "group changed"),
            )


@consumes("vendor.deleted")
def vendors_deleted(batch: list[Event]) -> None:
    """A deleted vendor had no engagements or edges, so nothing else reaches it; its score row goes."""
    for event in batch:
        dirty.mark_vendor(vendor_id=event.object_id, cause=_single(event, "deleted"))


@consumes("engagement.created")
def engagements_created(batch: list[Event]) -> None:
    """One mark per lab (and cause) of the batch: the lab and the vendors its new engagements reach."""
    by_lab: dict[tuple[str | None, int], list[Event]] = defaultdict(list)
    for event in _complete(batch, "lab", "vendor"):
        by_lab[(event.cause, event.data["lab"])].append(event)
    for (cause, lab_id), group in sorted(by_lab.items(), key=lambda item: (item[0][1], item[0][0] or "")):
        if cause is None:
            cause = "engagement {id} created" if len(group) == 1 else "{n} engagements created"
        dirty.mark(
            vendors=graph_queries.vendors_downstream({e.data["vendor"] for e in group}),
            labs=[lab_id],
            cause=cause.format(n=len(group), id=group[0].object_id),
            cause_lab=lab_id,
            pair_lab=lab_id,  # only this lab's pairs changed at those vendors: the incremental path
        )


@consumes("engagement.updated")
def engagements_updated(batch: list[Event]) -> None:
    """A change of a score input marks the engagement's (lab, vendor) before and after the change."""
    for event in _complete(batch, "lab", "vendor"):
        if not _changes(event).keys() & ENGAGEMENT_SCORE_FIELDS:
            continue
        cause = _single(event, "updated")
        old = (_before(event, "lab"), _before(event, "vendor"))
        new = (event.data["lab"], event.data["vendor"])
        dirty.mark_engagement(lab_id=old[0], vendor_id=old[1], cause=cause)
        if new != old:
            dirty.mark_engagement(lab_id=new[0], vendor_id=new[1], cause=cause)


@consumes("engagement.deleted")
def engagements_deleted(batch: list[Event]) -> None:
    for event in _complete(batch, "lab", "vendor"):
        dirty.mark_engagement(
            lab_id=event.data["lab"], vendor_id=event.data["vendor"], cause=_single(event, "deleted")
        )


@consumes("vendor_dependency.created", "vendor_dependency.updated", "vendor_dependency.deleted")
def dependencies_changed(batch: list[Event]) -> None:
    """An edge A → B marks the vendors within 3 hops of it either way and the labs that reach A; a moved
    edge marks its old ends too.

    Marked after the change, on the new graph, and still exactly what marking the old edge before the change
    marked: a shortest path into A never leaves A (nor one out of B enters B), so taking the edge A → B
    away moves neither `vendors_upstream(A)` nor `vendors_downstream(B)`; and whatever an added edge C → D
    brings within reach of the old ends is within reach of C or D, which the new edge's mark covers."""
    for event in _complete(batch, "vendor", "depends_on"):
        kind = event.type.rsplit(".", 1)[1]
        changes = _changes(event)
        if kind == "updated" and not changes.keys() & DEPENDENCY_SCORE_FIELDS:
            continue
        cause = f"dependency {event.object_id} {kind}"
        edges = {(event.data["vendor"], event.data["depends_on"])}
        if kind == "updated":
            edges.add((_before(event, "vendor"), _before(event, "depends_on")))
        for vendor_id, depends_on_id in sorted(edges):
            dirty.mark_dependency(vendor_id=vendor_id, depends_on_id=depends_on_id, cause=cause)
