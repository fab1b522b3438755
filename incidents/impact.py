"""The blast radius of an incident (DESIGN.md section 1, Impact): derived on read, never stored.

An engagement is exposed to an incident when it was exposing at the incident's time and its vendor is the
incident's vendor or passes data on to it within 3 data-sharing hops. The paths come from the same graph
code as the scores (`vendors.graph`), walked from the breached vendor up the reversed edges.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from vendorrisk.core.scoping import visible_lab_ids
from vendors.choices import DataCategory, EngagementStatus
from vendors.graph import reverse, shortest_paths, within_hops_many
from vendors.graph_queries import MAX_HOPS, edges_near
from vendors.models import Engagement, Lab
from vendors.rules import is_exposing
from vendors.selectors import vendor_names

from .choices import OPEN_STATUSES
from .models import Incident

CATEGORY_ORDER = {value: i for i, value in enumerate(DataCategory.values)}


@dataclass(frozen=True)
class Exposure:
    """One exposed engagement and the shortest data path from its vendor to the breached vendor."""

    engagement: Engagement
    path: tuple[int, ...]  # vendor ids: the engagement's vendor first, the incident's vendor last

    @property
    def hops(self) -> int:
        return len(self.path) - 1


def reference_date(incident: Incident) -> dt.date:
    """The day (UTC) exposure is judged on: when the incident occurred, else when it was discovered."""
    return incident.reference_time.astimezone(dt.UTC).date()


class ExposureWorld(Protocol):
    """Another state of the graph and the engagements than the stored one (a what-if plan's end state,
    `assessments.whatif`): the same exposure rule is asked of it instead of the database."""

    def edges_upstream(self, vendor_id: int) -> dict[int, list[int]]:
        """The reversed data-sharing edges (depends_on -> [vendor]) within 3 hops up of `vendor_id`."""

    def engagements_at(self, vendor_ids: Iterable[int]) -> list[Engagement]:
        """Every engagement at these vendors (with `lab` loaded and a non-null, distinct `id`)."""


def paths_to(vendor_id: int, world: ExposureWorld | None = None) -> dict[int, tuple[int, ...]]:
    """Every vendor whose data reaches `vendor_id` within 3 hops -> its shortest path, in data-flow order."""
    upstream = edges_near({vendor_id}, downstream=False) if world is None else world.edges_upstream(vendor_id)
    # Searched from the breached vendor over the reversed edges, then read backwards.
    return {w: tuple(reversed(p)) for w, p in shortest_paths(vendor_id, upstream, MAX_HOPS).items()}


def exposures(incident: Incident, world: ExposureWorld | None = None) -> list[Exposure]:
    """Every exposed engagement of every lab (unscoped: callers cut it), by lab, then hops, then id.

    `world`: judged in that state of the graph and engagements instead of the stored one."""
    paths = paths_to(incident.vendor_id, world)
    day = reference_date(incident)
    if world is None:
        engagements = (
            Engagement.objects.filter(vendor_id__in=paths).exposing_on(day).select_related("lab", "vendor")
        )
    else:
        engagements = [
            e
            for e in world.engagements_at(set(paths))
            if is_exposing(e.status, e.data_disposed_on, start_date=e.start_date, on=day)
        ]
    rows = [Exposure(e, paths[e.vendor_id]) for e in engagements]
    rows.sort(key=lambda x: (x.engagement.lab.name.lower(), x.engagement.lab_id, x.hops, x.engagement.id))
    return rows


def exposed_lab_ids(incident: Incident) -> set[int]:
    return {x.engagement.lab_id for x in exposures(incident)}


def overlap(categories: Iterable[str], exposed: Iterable[str]) -> list[str]:
    shared = set(categories) & set(exposed)
    return sorted(shared, key=lambda c: CATEGORY_ORDER.get(c, len(CATEGORY_ORDER)))


def incident_impact(incident: Incident, *, user) -> dict:
    """The impact of `incident` as `user` may see it: their labs in full, every other lab only in counts."""
    rows = exposures(incident)
    visible = visible_lab_ids(user)
    shown = [x for x in rows if visible is None or x.engagement.lab_id in visible]
    on_paths = {incident.vendor_id} | {v for x in shown for v in x.path}
    names = vendor_names(on_paths)

    labs: list[dict] = []
    for x in shown:
        engagement, lab = x.engagement, x.engagement.lab
        if not labs or labs[-1]["lab"] != lab.id:
            labs.append({"lab": lab.id, "lab_name": lab.name, "engagements": []})
        path = [{"vendor": v, "name": names[v]} for v in x.path]
        labs[-1]["engagements"].append(
            {
                "engagement": engagement.id,
                "title": engagement.title,
                "vendor": engagement.vendor_id,
                "vendor_name": engagement.vendor.name,
                "status": engagement.status,
                "hops": x.hops,
                "path": path,
                "path_text": " → ".join([lab.name, *(step["name"] for step in path)]),
                "data_categories": list(engagement.data_categories),
                "overlap": overlap(engagement.data_categories, incident.data_categories_exposed),
            }
        )
    return {
        "incident": incident.id,
        "vendor": incident.vendor_id,
        "vendor_name": names.get(incident.vendor_id, ""),
        "reference_time": incident.reference_time,
        "data_categories_exposed": list(incident.data_categories_exposed),
        "labs": labs,
        "labs_exposed_total": len({x.engagement.lab_id for x in rows}),
        "engagements_total": len(rows),
    }


def lab_exposure(lab: Lab) -> list[dict]:
    """Open incidents the lab is exposed to, each with the lab's engagements and their shortest path.

    The same answer as `incident_impact` for this lab, computed for every open incident at once (a fixed
    number of queries) instead of once per incident: the paths are walked down from the lab's vendors.
    """
    engagements = list(
        Engagement.objects.filter(lab=lab).exclude(status=EngagementStatus.PROPOSED).order_by("id")
    )
    direct = {e.vendor_id for e in engagements}
    if not direct:
        return []
    edges = edges_near(direct, downstream=True)
    paths = {v: shortest_paths(v, edges, MAX_HOPS) for v in direct}
    reached = {w for p in paths.values() for w in p}
    incidents = list(
        Incident.objects.filter(vendor_id__in=reached, status__in=OPEN_STATUSES)
        .select_related("vendor")
        .order_by("-discovered_at", "-id")
    )
    on_paths = {v for incident in incidents for d in direct for v in paths[d].get(incident.vendor_id, ())}
    names = vendor_names(on_paths)
    result = []
    for incident in incidents:
        day = reference_date(incident)
        rows = []
        for engagement in engagements:
            path = paths[engagement.vendor_id].get(incident.vendor_id)
            if path is None or not is_exposing(
                engagement.status, engagement.data_disposed_on, start_date=engagement.start_date, on=day
            ):
                continue
            rows.append(
                {
                    "engagement": engagement,
                    "hops": len(path) - 1,
                    "path_text": " → ".join([lab.name, *(names.get(v, "") for v in path)]),
                    # alphabetical, as the lab page has always listed them (the incident page uses `overlap`)
                    "overlap": sorted(
                        set(engagement.data_categories) & set(incident.data_categories_exposed)
                    ),
                }
            )
        if rows:
            rows.sort(key=lambda r: (r["hops"], r["engagement"].id))
            result.append({"incident": incident, "engagements": rows})
    return result


def open_exposed_incident_ids(engagements: Iterable) -> list[int]:
    """Open incidents that any of `engagements` (a reader's labs' non-proposed ones; anything with their
    vendor_id, status, data_disposed_on and start_date) is exposed to.

    `lab_exposure`'s rule for many labs at once, in a fixed number of queries; newest first. Each incident
    is checked only against the engagements with a vendor that reaches it (walked up from the incident's
    vendor once per vendor), not against every engagement: an all-labs reader has 100,000 of them.
    """
    by_vendor: dict[int, list] = {}
    for engagement in engagements:
        by_vendor.setdefault(engagement.vendor_id, []).append(engagement)
    if not by_vendor:
        return []
    edges = edges_near(set(by_vendor), downstream=True)
    upstream = reverse(edges)  # every path from a direct vendor to a reached one runs on these edges
    incidents = (
        Incident.objects.filter(
            vendor_id__in=within_hops_many(by_vendor, edges, MAX_HOPS), status__in=OPEN_STATUSES
        )
        .only("id", "vendor_id", "occurred_at", "discovered_at")
        .order_by("-discovered_at", "-id")
    )
    reaching: dict[int, list[int]] = {}  # incident vendor -> the direct vendors within MAX_HOPS of it
    hits = []
    for incident in incidents:
        vendor = incident.vendor_id
        if vendor not in reaching:
            reaching[vendor] = [v for v in within_hops_many([vendor], upstream, MAX_HOPS) if v in by_vendor]
        day = reference_date(incident)
        if any(
            is_exposing(e.status, e.data_disposed_on, start_date=e.start_date, on=day)
            for direct in reaching[vendor]
            for e in by_vendor[direct]
        ):
            hits.append(incident.id)
    return hits
