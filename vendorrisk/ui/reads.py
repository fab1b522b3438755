"""Reads the pages need beyond the apps' selectors, each a fixed number of queries whatever the data size."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from assessments.choices import AssessmentStatus
from assessments.models import Assessment
from incidents.choices import OPEN_STATUSES
from incidents.impact import reference_date
from incidents.models import Incident, Notification
from incidents.selectors import notification_list
from vendors.choices import EngagementStatus
from vendors.graph import shortest_paths
from vendors.graph_queries import MAX_HOPS, edges_near
from vendors.models import Engagement, Lab, Vendor, VendorDependency
from vendors.rules import highest_criticality, is_exposing
from vendors.scoping import scope
from vendors.selectors import vendor_names

from .charts import Graph, Node


def next_deadlines(user, incident_ids) -> dict[int, Notification]:
    """The next open (not submitted, still required) notification per incident, in the user's labs."""
    rows = (
        notification_list(user=user)
        .filter(incident_id__in=list(incident_ids), submitted_at__isnull=True, required=True)
        .order_by("due_at", "id")
    )
    first: dict[int, Notification] = {}
    for row in rows:
        first.setdefault(row.incident_id, row)
    return first


def only_overdue(assessments, *, today: dt.date | None = None):
    """Completed assessments past `valid_until` whose vendor has no current (nor later) one: reviews now due."""
    today = today or timezone.now().date()
    current = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"), status=AssessmentStatus.COMPLETED, valid_until__gte=today
    )
    newer = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        status=AssessmentStatus.COMPLETED,
        valid_until__gt=OuterRef("valid_until"),
    )
    return (
        assessments.filter(status=AssessmentStatus.COMPLETED, valid_until__lt=today)
        .exclude(Exists(current))
        .exclude(Exists(newer))
    )


def overdue_assessments(user):
    return only_overdue(scope(Assessment.objects.select_related("vendor", "questionnaire"), user)).order_by(
        "valid_until", "id"
    )


# --- a lab's exposure to open incidents --------------------------------------------------------------


def exposing_on(engagement: Engagement, day: dt.date) -> bool:
    """`Engagement.objects.exposing_on(day)` on a loaded row."""
    return is_exposing(
        engagement.status, engagement.data_disposed_on, start_date=engagement.start_date, on=day
    )


def lab_incident_exposure(lab: Lab) -> list[dict]:
    """Open incidents the lab is exposed to, each with the lab's engagements and their shortest path.

    The same answer as `incidents.impact.incident_impact` for this lab, computed for every open incident
    at once (a fixed number of queries) instead of once per incident.
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
            if path is None or not exposing_on(engagement, day):
                continue
            rows.append(
                {
                    "engagement": engagement,
                    "hops": len(path) - 1,
                    "path_text": " → ".join([lab.name, *(names.get(v, "") for v in path)]),
                    "overlap": sorted(
                        set(engagement.data_categories) & set(incident.data_categories_exposed)
                    ),
                }
            )
        if rows:
            rows.sort(key=lambda r: (r["hops"], r["engagement"].id))
            result.append({"incident": incident, "engagements": rows})
    return result


# --- graphs ------------------------------------------------------------------------------------------


def vendor_node(vendor_id: int, names: dict[int, str], column: int, css: str = "") -> Node:
    return Node(
        key=f"v{vendor_id}",
        label=names.get(vendor_id, f"Vendor {vendor_id}"),
        column=column,
        href=reverse("ui:vendor-detail", args=[vendor_id]),
        css=css,
    )


def vendor_neighbourhood(vendor: Vendor) -> Graph:
    """Who passes data to the vendor (left, up to 3 hops) and whom it passes data on to (right)."""
    down = edges_near({vendor.id}, downstream=True)
    up = edges_near({vendor.id}, downstream=False)
    down_hops = {w: len(p) - 1 for w, p in shortest_paths(vendor.id, down, MAX_HOPS).items()}
    up_hops = {w: len(p) - 1 for w, p in shortest_paths(vendor.id, up, MAX_HOPS).items()}
    ids = set(down_hops) | set(up_hops)
    names = vendor_names(ids)
    graph = Graph()
    graph.add(vendor_node(vendor.id, names, 3, "node-focus"))
    for w, hops in up_hops.items():
        if w != vendor.id:
            graph.add(vendor_node(w, names, 3 - hops, "node-upstream"))
    for w, hops in down_hops.items():
        if w != vendor.id and w not in up_hops:
            graph.add(vendor_node(w, names, 3 + hops, "node-downstream"))
    for a, targets in down.items():
        for b in targets:
            graph.edges.append((f"v{a}", f"v{b}", "edge-data"))
    seen = {(a, b) for a, targets in down.items() for b in targets}
    for b, sources in up.items():  # reversed edges: b is depended on by each source
        for a in sources:
            if (a, b) not in seen:
                graph.edges.append((f"v{a}", f"v{b}", "edge-data"))
    return graph


def vendor_direct_dependencies(vendor: Vendor) -> tuple[list[VendorDependency], list[VendorDependency]]:
    """The vendor's own edges, data-sharing or not: (what it depends on, who depends on it)."""
    rows = list(
        VendorDependency.objects.filter(Q(vendor=vendor) | Q(depends_on=vendor))
        .select_related("vendor", "depends_on")
        .order_by("id")
    )
    return [d for d in rows if d.vendor_id == vendor.id], [d for d in rows if d.depends_on_id == vendor.id]


NETWORK_COLUMNS = ("Labs", "Vendors", "Their providers", "Providers' providers", "Further down the chain")
MAX_NETWORK_NODES = 400


def data_flow_levels(vendors: set[int], edges: dict[int, list[int]]) -> dict[int, int]:
    """A column per vendor so that data flows left to right: a vendor sits right of those passing it
    data (longest path, capped at 3 steps, so cycles end too)."""
    level = dict.fromkeys(vendors, 0)
    for _ in range(MAX_HOPS):
        moved = False
        for a, targets in edges.items():
            if a not in level:
                continue
            for b in targets:
                if b in level and b != a and level[b] < min(level[a] + 1, MAX_HOPS):
                    level[b] = min(level[a] + 1, MAX_HOPS)
                    moved = True
        if not moved:
            break
    return level


def network_graph(user, *, lab: Lab | None = None) -> tuple[Graph, dict]:
    """Labs → their exposing engagements' vendors → the fourth parties those pass data to (≤ 3 hops)."""
    labs = list(scope(Lab.objects.all(), user).order_by("name", "id"))
    if lab is not None:
        labs = [x for x in labs if x.id == lab.id]
    lab_ids = [x.id for x in labs]
    engagements = scope(Engagement.objects.filter(lab_id__in=lab_ids).exposing(), user).values_list(
        "lab_id", "vendor_id", "criticality"
    )
    links: dict[tuple[int, int], str] = {}
    for lab_id, vendor_id, criticality in engagements:
        old = links.get((lab_id, vendor_id))
        if old is None or highest_criticality((old, criticality)) != old:
            links[(lab_id, vendor_id)] = criticality
    direct = {v for _, v in links}
    edges = edges_near(direct, downstream=True) if direct else {}
    reached = set(direct)
    for v in direct:
        reached |= set(shortest_paths(v, edges, MAX_HOPS))
    names = vendor_names(reached)
    levels = data_flow_levels(reached, edges)
    graph = Graph()
    for x in labs:
        graph.add(
            Node(
                key=f"l{x.id}",
                label=x.name,
                column=0,
                href=reverse("ui:lab-detail", args=[x.id]),
                css="node-lab",
            )
        )
    for w in reached:
        graph.add(vendor_node(w, names, 1 + levels[w], "node-direct" if w in direct else "node-fourth"))
    for (lab_id, vendor_id), criticality in sorted(links.items()):
        graph.edges.append((f"l{lab_id}", f"v{vendor_id}", f"edge-engagement edge-{criticality}"))
    for a, targets in sorted(edges.items()):
        if a not in reached:
            continue
        for b in sorted(targets):
            if b in reached:
                graph.edges.append((f"v{a}", f"v{b}", "edge-data"))
    stats = {
        "labs": len(labs),
        "vendors": len(direct),
        "fourth_parties": len(reached - direct),
        "engagement_links": len(links),
        "truncated": False,
    }
    if len(graph.nodes) > MAX_NETWORK_NODES:
        keep = dict(sorted(graph.nodes.items(), key=lambda kv: kv[1].column)[:MAX_NETWORK_NODES])
        graph.nodes = keep
        stats["truncated"] = True
    return graph, stats
