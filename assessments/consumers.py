"""Score marks that follow this app's events, declared once per event type (DESIGN.md section 8).

Only a completed assessment is a score input (the vendor's current rating), so only its completion, or
the move or deletion of a completed one, marks its vendor. Each runs in the writing transaction
(`vendorrisk.core.events.consumes`), reading the vendor from the event's payload.
"""

from __future__ import annotations

from vendorrisk.core.events import consumes
from vendorrisk.models import Event
from vendors import dirty

from .choices import AssessmentStatus


def _cause(event: Event) -> str:
    return f"assessment {event.object_id} {event.type.rsplit('.', 1)[1]}"


@consumes("assessment.completed")
def assessments_completed(batch: list[Event]) -> None:
    for event in batch:
        if event.data.get("vendor") is not None:
            dirty.mark_vendor(vendor_id=event.data["vendor"], cause=_cause(event))


@consumes("assessment.updated", "assessment.deleted")
def completed_assessments_changed(batch: list[Event]) -> None:
    """A completed assessment deleted, or moved to another vendor: both vendors' ratings change."""
    for event in batch:
        if event.data.get("status") != AssessmentStatus.COMPLETED or event.data.get("vendor") is None:
            continue
        if event.type == "assessment.deleted":
            dirty.mark_vendor(vendor_id=event.data["vendor"], cause=_cause(event))
            continue
        moved = (event.data.get("changes") or {}).get("vendor")
        if moved:
            for vendor_id in sorted(set(moved)):
                dirty.mark_vendor(vendor_id=vendor_id, cause=_cause(event))
