"""Graph queries on the database: the data-sharing edges near some vendors, the vendors and labs they
reach within 3 hops, and the members of vendor groups. The walks themselves are the pure functions of
`vendors.graph`; the dirty marks, the incident blast radius, the recompute and the pages all ask here.
"""

from collections.abc import Iterable

from .graph import within_hops_many
from .models import Engagement, Vendor, VendorDependency

MAX_HOPS = 3


def edges_near(vendor_ids: set[int], *, downstream: bool, hops: int = MAX_HOPS) -> dict[int, list[int]]:
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


def vendors_downstream(vendor_ids: Iterable[int]) -> set[int]:
    ids = set(vendor_ids)
    return within_hops_many(ids, edges_near(ids, downstream=True), MAX_HOPS)


def vendors_upstream(vendor_ids: Iterable[int]) -> set[int]:
    ids = set(vendor_ids)
    return within_hops_many(ids, edges_near(ids, downstream=False), MAX_HOPS)


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


def parents_up_to_roots(vendor_ids: Iterable[int]) -> dict[int, int | None]:
    """Vendor id -> parent id for these vendors and every ancestor up to their roots, one query per level.

    The batched form of the parent-chain walk (`vendors.rules.parent_chain` walks one chain); a cycle in
    bad data ends it, since a vendor already loaded is never asked for again.
    """
    parents: dict[int, int | None] = {}
    frontier = set(vendor_ids)
    while frontier:
        rows = list(Vendor.objects.filter(id__in=frontier).values_list("id", "parent_id"))
        parents.update(rows)
        frontier = {p for _, p in rows if p is not None and p not in parents}
    return parents
