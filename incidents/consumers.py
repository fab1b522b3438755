"""What must stay consistent with a write, declared once per event type (DESIGN.md section 8): the score
marks of incident changes, the regulator notification upkeep and the incident timeline entries that
follow other apps' changes.

Each runs inside the writing transaction (`vendorrisk.core.events.consumes`), for the whole batch a
service recorded: a bulk import starts the same clocks as the same engagements logged one by one.
"""

from __future__ import annotations

from collections import defaultdict

from vendorrisk.core.events import consumes
from vendorrisk.models import Event
from vendors import dirty, graph_queries
from vendors.choices import EngagementStatus
from vendors.models import Engagement, Lab

from . import notifications, services
from .models import Incident

# The fields of an engagement a notification depends on (`notifications.wanted_notifications`): whether it
# was exposing on the incident's day (`exposing_on`: start date, disposal, proposed or not), whose data
# reaches the breached vendor (lab, vendor) and whether it held personal data (GDPR, HIPAA). Its
# criticality, sensitivity, value, end date or notes move scores or nothing, never a clock.
EXPOSURE_FIELDS = {"lab", "vendor", "start_date", "data_disposed_on", "data_categories"}


def _moves_notifications(event: Event) -> bool:
    """Whether an `engagement.updated` can change a notification: an exposure field changed, or its status
    moved to or from `proposed` (active, suspended and ended engagements are all exposing on a day)."""
    changes = _changes(event)
    status = changes.get("status") or ()
    return bool(changes.keys() & EXPOSURE_FIELDS) or EngagementStatus.PROPOSED in status


def _changes(event: Event) -> dict:
    return event.data.get("changes") or {}


def _ids(event: Event, *keys: str) -> tuple | None:
    """The ids under `keys` in the event's payload, or None when one is missing (an event a script or a
    test recorded by hand without the object's representation: nothing to follow from it)."""
    values = tuple(event.data.get(key) for key in keys)
    return None if any(value is None for value in values) else values


def _before(event: Event, key: str):
    """The payload's value of `key` before the change (the value after it when it did not change)."""
    changes = _changes(event)
    return changes[key][0] if key in changes else event.data.get(key)


# --- score marks --------------------------------------------------------------------------------------


@consumes("incident.created")
def incidents_created_marks(batch: list[Event]) -> None:
    """The vendors whose data reaches the incident's vendor; a bulk insert marks them all at once."""
    batch = [event for event in batch if _ids(event, "vendor")]
    bulk = [event for event in batch if event.cause is not None]
    if bulk:
        dirty.mark(
            vendors=graph_queries.vendors_upstream({e.data["vendor"] for e in bulk}),
            cause=bulk[0].cause.format(n=len(bulk)),
        )
    for event in batch:
        if event.cause is None:
            dirty.mark_incident(vendor_id=event.data["vendor"], cause=f"incident {event.object_id} created")


@consumes("incident.updated")
def incidents_updated_marks(batch: list[Event]) -> None:
    """A change of a score input marks around the vendor before and after the change."""
    for event in batch:
        if not _ids(event, "vendor") or not _changes(event).keys() & services.SCORE_FIELDS:
            continue
        cause = f"incident {event.object_id} updated"
        old_vendor, new_vendor = _before(event, "vendor"), event.data["vendor"]
        dirty.mark_incident(vendor_id=old_vendor, cause=cause)
        if new_vendor != old_vendor:
            dirty.mark_incident(vendor_id=new_vendor, cause=cause)


@consumes("incident.deleted")
def incidents_deleted_marks(batch: list[Event]) -> None:
    for event in batch:
        if _ids(event, "vendor"):
            dirty.mark_incident(vendor_id=event.data["vendor"], cause=f"incident {event.object_id} deleted")


# --- notification upkeep and timelines ----------------------------------------------------------------


def _sync(incident_ids) -> None:
    for incident in Incident.objects.filter(id__in=set(incident_ids)).order_by("id"):
        notifications.sync_notifications(incident)


@consumes("engagement.created", "engagement.updated", "engagement.deleted")
def engagements_exposure(batch: list[Event]) -> None:
    """Re-check the incidents an engagement's lab may (no longer) be exposed to, once per lab."""
    reach: dict[int, set[int]] = defaultdict(set)
    for event in batch:
        changes = _changes(event)
        ids = _ids(event, "lab", "vendor")
        if ids is None or event.type == "engagement.updated" and not _moves_notifications(event):
            continue
        lab_id, vendor_id = ids
        reach[lab_id].add(vendor_id)
        if "lab" in changes or "vendor" in changes:  # before the move too
            reach[changes.get("lab", [lab_id])[0]].add(changes.get("vendor", [vendor_id])[0])
    if not reach:
        return
    regimes = dict(Lab.objects.filter(pk__in=reach).values_list("pk", "regimes"))
    incident_ids: set[int] = set()
    for lab_id, vendor_ids in sorted(reach.items()):
        incident_ids |= {
            i.id
            for i in notifications.incidents_to_resync(
                lab_id=lab_id, vendor_ids=vendor_ids, has_regimes=bool(regimes.get(lab_id))
            )
        }
    _sync(incident_ids)


@consumes("lab.updated")
def lab_regimes(batch: list[Event]) -> None:
    for event in batch:
        if "regimes" in _changes(event):
            notifications.sync_for_lab(Lab(id=event.object_id))


@consumes("vendor_dependency.created", "vendor_dependency.updated", "vendor_dependency.deleted")
def dependency_reach(batch: list[Event]) -> None:
    edges: set[tuple[int, int]] = set()
    for event in batch:
        edge = _ids(event, "vendor", "depends_on")
        if edge is None:
            continue
        edges.add(edge)
        changes = _changes(event)
        if "vendor" in changes or "depends_on" in changes:
            edges.add((changes.get("vendor", [edge[0]])[0], changes.get("depends_on", [edge[1]])[0]))
    for vendor_id, depends_on_id in sorted(edges):
        notifications.sync_for_dependency(vendor_id, depends_on_id)


@consumes("incident.created")
def incidents_created(batch: list[Event]) -> None:
    """Notifications exist only for incidents some lab is exposed to: whose vendor is reached by a vendor
    with an engagement. The rest (most of a breach-portal file: vendors nobody engages) are skipped
    without the per-incident walk."""
    vendor_of = {event.object_id: ids[0] for event in batch if (ids := _ids(event, "vendor"))}
    reached = graph_queries.vendors_upstream(set(vendor_of.values()))
    engaged = set(
        Engagement.objects.filter(vendor_id__in=reached).values_list("vendor_id", flat=True).distinct()
    )
    exposed = graph_queries.vendors_downstream(engaged) if engaged else set()
    _sync(pk for pk, vendor_id in vendor_of.items() if vendor_id in exposed)


@consumes("incident.updated")
def incidents_updated(batch: list[Event]) -> None:
    _sync(event.object_id for event in batch)


@consumes("lab_response.recorded", "lab_response.updated")
def lab_responses(batch: list[Event]) -> None:
    """A new response, or a changed time the lab learned of the incident, moves its clocks."""
    _sync(
        event.data.get("incident")
        for event in batch
        if event.type == "lab_response.recorded" or "aware_at" in _changes(event)
    )


@consumes("notification.submitted", "notification.updated")
def notifications_submitted(batch: list[Event]) -> None:
    """A submitted stage starts the clock of the stage counted from it."""
    _sync(event.data.get("incident") for event in batch if "submitted_at" in _changes(event))


@consumes("vendor.work_halted", "vendor.work_resumed")
def work_changed(batch: list[Event]) -> None:
    for event in batch:
        if "engagements" not in event.data:
            continue
        services.vendor_work_changed(
            actor=event.actor,
            vendor_id=event.object_id,
            verb=event.type.rsplit("_", 1)[1],
            count=len(event.data["engagements"]),
            reason=event.data.get("reason", ""),
        )
