"""The regulator clocks a plan would start (DESIGN.md section 9, `notifications`).

The real writes keep notification rows in step through `incidents.consumers` →
`incidents.notifications.sync_notifications`, whose rule is `wanted_notifications`. Here the same rule is
asked of the plan's end state: the planned engagements and data-sharing edges stand in for the stored
ones (`PlannedExposure`, an `incidents.impact.ExposureWorld`), for the incidents the plan creates or
changes and for the stored incidents the real resync would re-check after the plan's engagement and
dependency changes (`incidents_worth_resync`). A clock is a required row that does not exist yet (or
exists retired, `required=False`, and would be required again).
"""

import copy
from collections.abc import Iterable
from typing import Any

from incidents.models import Incident, Notification
from incidents.notifications import incidents_worth_resync, wanted_notifications
from vendorrisk.core.scoping import visible_lab_ids
from vendors.graph_queries import edges_near
from vendors.models import Engagement, Lab

from .plan import Overlay
from .world import _reach, planned_edges


class PlannedExposure:
    """The graph and the engagements as the plan would leave them (read from the database once each)."""

    def __init__(self, overlay: Overlay):
        self.removed, self.added = planned_edges(overlay)
        self.planned: dict[int, Engagement | None] = {}
        for pk, _, current in overlay.objects("engagement"):
            if current is None:
                self.planned[pk] = None
                continue
            row = copy.copy(current)
            row.id = pk  # a created engagement sorts after every stored one, as its real id would
            self.planned[pk] = row
        self._upstream: dict[int, dict[int, list[int]]] = {}
        self._engagements: dict[frozenset[int], list[Engagement]] = {}  # incidents at one vendor share it

    def edges_upstream(self, vendor_id: int) -> dict[int, list[int]]:
        if vendor_id not in self._upstream:
            ends = {v for edge in self.added for v in edge}
            merged: dict[int, list[int]] = {}
            for b, vendors in edges_near({vendor_id} | ends, downstream=False).items():
                merged[b] = [a for a in vendors if (a, b) not in self.removed]
            for a, b in self.added:
                if a not in merged.setdefault(b, []):
                    merged[b].append(a)
            self._upstream[vendor_id] = merged
        return self._upstream[vendor_id]

    def engagements_at(self, vendor_ids: Iterable[int]) -> list[Engagement]:
        ids = frozenset(vendor_ids)
        if ids not in self._engagements:
            stored = (
                Engagement.objects.filter(vendor_id__in=ids)
                .exclude(id__in=list(self.planned))
                .select_related("lab", "vendor")
            )
            rows = list(stored)
            rows += [e for e in self.planned.values() if e is not None and e.vendor_id in ids]
            self._engagements[ids] = rows
        return self._engagements[ids]


def _resync_vendors(overlay: Overlay) -> set[int]:
    """The vendors whose incidents the real writes' resync would re-check: those reached from an
    engagement the plan creates, changes or deletes (both ends of a move) when its lab is under a regime,
    and from both ends of every planned data-sharing edge (`incidents.consumers`)."""
    labs_vendors: dict[int, set[int]] = {}
    for _, original, current in overlay.objects("engagement"):
        for obj in (original, current):
            if obj is not None:
                labs_vendors.setdefault(obj.lab_id, set()).add(obj.vendor_id)
    regimes = dict(Lab.objects.filter(pk__in=labs_vendors).values_list("pk", "regimes"))
    starts = {v for lab_id, vendors in labs_vendors.items() if regimes.get(lab_id) for v in vendors}
    removed, added = planned_edges(overlay)
    plan_edges = removed | added
    reach = _reach(starts, plan_edges, downstream=True)
    for a, b in plan_edges:
        reach |= _reach({b}, plan_edges, downstream=True) | {a}
    return reach


def plan_clocks(overlay: Overlay, *, user) -> list[dict[str, Any]]:
    """Regulator clocks the plan would start for the caller's labs, by incident, lab, regime, stage."""
    visible = visible_lab_ids(user)
    ref_of = {pk: ref for ref, (kind, pk) in overlay.refs.items() if kind == "incident"}
    candidates: list[tuple[Any, Incident | None, Incident]] = [
        (pk, original, incident)
        for pk, original, incident in overlay.objects("incident")
        if incident is not None
    ]
    planned_ids = {pk for pk, _, _ in overlay.objects("incident")}
    vendors = _resync_vendors(overlay)
    if vendors:
        stored = incidents_worth_resync(vendors).exclude(id__in=list(planned_ids)).order_by("id")
        candidates += [(i.pk, i, i) for i in stored]
    if not candidates:
        return []
    world = PlannedExposure(overlay)
    stored_ids = [original.pk for _, original, _ in candidates if original is not None]
    existing_by_incident: dict[int, dict] = {}
    for row in Notification.objects.filter(incident_id__in=stored_ids):
        existing_by_incident.setdefault(row.incident_id, {})[(row.lab_id, row.regime, row.stage)] = row
    clocks = []
    for pk, original, incident in sorted(candidates, key=lambda c: c[0]):
        existing = existing_by_incident.get(original.pk, {}) if original is not None else {}
        for (lab_id, regime, stage), due in sorted(wanted_notifications(incident, existing, world).items()):
            row = existing.get((lab_id, regime, stage))
            if (row is not None and row.required) or (visible is not None and lab_id not in visible):
                continue
            clocks.append(
                {
                    "incident": ref_of.get(pk, pk),
                    "lab": lab_id,
                    "regime": regime,
                    "stage": stage,
                    "due_at": due,
                }
            )
    return clocks
