"""Reads for labs, vendors, engagements and dependencies. Scoping happens here, through `scope`."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from vendorrisk.core.charts import Graph, Node
from vendorrisk.core.scoping import scope

from .choices import EngagementStatus
from .graph import hop_distances, hop_distances_many
from .graph_queries import MAX_HOPS, edges_near
from .models import Engagement, Function, Lab, Vendor, VendorDependency
from .rules import highest_criticality


def lab_list(*, user) -> QuerySet[Lab]:
    return scope(Lab.objects.all(), user)


def lab_get(*, user, pk) -> Lab:
    return get_object_or_404(lab_list(user=user), pk=pk)


def vendor_list(*, user) -> QuerySet[Vendor]:
    return scope(Vendor.objects.select_related("parent"), user)


def vendor_get(*, user, pk) -> Vendor:
    return get_object_or_404(vendor_list(user=user), pk=pk)


def engagement_list(*, user) -> QuerySet[Engagement]:
    return scope(Engagement.objects.select_related("lab", "vendor", "owner"), user)


def engagement_get(*, user, pk) -> Engagement:
    return get_object_or_404(engagement_list(user=user), pk=pk)


def engagements_to_halt(*, user, vendor: Vendor, lab: Lab) -> QuerySet[Engagement]:
    """The engagements a halt of `lab`'s work with `vendor` would suspend (what `vendor_suspend` switches)."""
    return (
        engagement_list(user=user)
        .filter(vendor=vendor, lab=lab, status=EngagementStatus.ACTIVE)
        .order_by("id")
    )


def function_list(*, user) -> QuerySet[Function]:
    return scope(Function.objects.select_related("lab"), user)


def dependency_list(*, user) -> QuerySet[VendorDependency]:
    return scope(VendorDependency.objects.select_related("vendor", "depends_on"), user)


def vendor_engagement_counts(*, user, vendor_ids) -> dict[int, int]:
    """Engagements per vendor within the user's labs (for lists that show counts)."""
    rows = (
        engagement_list(user=user)
        .filter(vendor_id__in=vendor_ids)
        .values("vendor_id")
        .annotate(n=Count("id"))
    )
    return {r["vendor_id"]: r["n"] for r in rows}


def vendor_direct_dependencies(vendor: Vendor) -> tuple[list[VendorDependency], list[VendorDependency]]:
    """The vendor's own edges, data-sharing or not: (what it depends on, who depends on it)."""
    rows = list(
        VendorDependency.objects.filter(Q(vendor=vendor) | Q(depends_on=vendor))
        .select_related("vendor", "depends_on")
        .order_by("id")
    )
    return [d for d in rows if d.vendor_id == vendor.id], [d for d in rows if d.depends_on_id == vendor.id]


# --- the data-flow graphs the pages draw (vendors.graph walks them; vendorrisk.core.charts lays them out)


def _vendor_node(vendor_id: int, names: dict[int, str], column: int, css: str = "") -> Node:
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
    down_hops = hop_distances(vendor.id, down, MAX_HOPS)
    up_hops = hop_distances(vendor.id, up, MAX_HOPS)
    ids = set(down_hops) | set(up_hops)
    names = vendor_names(ids)
    graph = Graph()
    graph.add(_vendor_node(vendor.id, names, 3, "node-focus"))
    for w, hops in up_hops.items():
        if w != vendor.id:
            graph.add(_vendor_node(w, names, 3 - hops, "node-upstream"))
    for w, hops in down_hops.items():
        if w != vendor.id and w not in up_hops:
            graph.add(_vendor_node(w, names, 3 + hops, "node-downstream"))
    for a, targets in down.items():
        for b in targets:
            graph.edges.append((f"v{a}", f"v{b}", "edge-data"))
    seen = {(a, b) for a, targets in down.items() for b in targets}
    for b, sources in up.items():  # reversed edges: b is depended on by each source
        for a in sources:
            if (a, b) not in seen:
                graph.edges.append((f"v{a}", f"v{b}", "edge-data"))
    return graph


MAX_NETWORK_NODES = 400


def network_graph(user, *, lab: Lab | None = None) -> tuple[Graph, dict]:
    """Labs → their exposing engagements' vendors → the fourth parties those pass data to (≤ 3 hops),
    each vendor in the column of its shortest hop distance from the labs."""
    labs = list(lab_list(user=user).order_by("name", "id"))
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
    # Columns by hop distance from the labs: a vendor a lab engages is always in the first vendor column,
    # however many other vendors also pass it data.
    levels = hop_distances_many(direct, edges, MAX_HOPS)
    reached = set(levels)
    names = vendor_names(reached)
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
        graph.add(_vendor_node(w, names, 1 + levels[w], "node-direct" if w in direct else "node-fourth"))
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


def vendor_names(ids) -> dict[int, str]:
    """Vendor id -> name for these ids: one query, none when there are no ids.

    Vendors are shared knowledge (`Vendor.scope_lab_field` is None), so no user is needed to name them.
    """
    ids = set(ids)
    if not ids:
        return {}
    return dict(Vendor.objects.filter(id__in=ids).values_list("id", "name"))
