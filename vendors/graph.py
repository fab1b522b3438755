"""The vendor dependency graph: hop distances, shortest paths, reach and vendor groups.

Pure functions of plain data (no Django), shared by the scorer, the incident blast radius and the
dirty-marking of the recompute pipeline, so that every part of the system agrees on what "within 3 hops"
means. Edges point from a vendor to the vendors it depends on (DESIGN.md section 1, `VendorDependency`);
callers pass only the data-sharing ones. Every function terminates on cycles.
"""

from collections.abc import Iterable, Mapping, Sequence

Edges = Mapping[int, Sequence[int]]

DEFAULT_MAX_HOPS = 3


def _check_max_hops(max_hops: int) -> None:
    if max_hops < 0:
        raise ValueError(f"max_hops must be 0 or more, not {max_hops}")


def hop_distances(start: int, edges: Edges, max_hops: int = DEFAULT_MAX_HOPS) -> dict[int, int]:
    """Shortest hop count from `start` to every vendor within `max_hops` of it (`start` itself at 0)."""
    _check_max_hops(max_hops)
    distances = {start: 0}
    frontier = [start]
    for hops in range(1, max_hops + 1):
        next_frontier = []
        for vendor in frontier:
            for neighbour in edges.get(vendor, ()):
                if neighbour not in distances:
                    distances[neighbour] = hops
                    next_frontier.append(neighbour)
        if not next_frontier:
            break
        frontier = next_frontier
    return distances


def shortest_paths(start: int, edges: Edges, max_hops: int = DEFAULT_MAX_HOPS) -> dict[int, tuple[int, ...]]:
    """One shortest path (vendor ids from `start` to it, inclusive) to every vendor within `max_hops`.

    Among paths of equal length the lexicographically smallest is chosen: each level is expanded in the
    order of its paths and neighbours in ascending id, so the first path to reach a vendor is the smallest.
    """
    _check_max_hops(max_hops)
    paths = {start: (start,)}
    frontier = [start]
    for _ in range(max_hops):
        next_frontier = []
        for vendor in frontier:
            path = paths[vendor]
            for neighbour in sorted(set(edges.get(vendor, ()))):
                if neighbour not in paths:
                    paths[neighbour] = (*path, neighbour)
                    next_frontier.append(neighbour)
        if not next_frontier:
            break
        frontier = next_frontier
    return paths


def reverse(edges: Edges) -> dict[int, list[int]]:
    """Upstream adjacency: vendor id -> ids of the vendors that depend on it (ascending, no repeats)."""
    upstream: dict[int, list[int]] = {}
    for vendor in sorted(edges):
        for depends_on in edges[vendor]:
            sources = upstream.setdefault(depends_on, [])
            if not sources or sources[-1] != vendor:
                sources.append(vendor)
    return upstream


def hop_distances_many(
    starts: Iterable[int], edges: Edges, max_hops: int = DEFAULT_MAX_HOPS
) -> dict[int, int]:
    """Shortest hop count from the nearest of `starts` to every vendor within `max_hops` (starts at 0)."""
    _check_max_hops(max_hops)
    distances = dict.fromkeys(starts, 0)
    frontier = sorted(distances)
    for hops in range(1, max_hops + 1):
        next_frontier = []
        for vendor in frontier:
            for neighbour in edges.get(vendor, ()):
                if neighbour not in distances:
                    distances[neighbour] = hops
                    next_frontier.append(neighbour)
        if not next_frontier:
            break
        frontier = next_frontier
    return distances


def within_hops_many(starts: Iterable[int], edges: Edges, max_hops: int = DEFAULT_MAX_HOPS) -> set[int]:
    """Every vendor within `max_hops` of any of `starts` (the starts included): the union of their reach."""
    _check_max_hops(max_hops)
    reached = set(starts)
    frontier = list(reached)
    for _ in range(max_hops):
        next_frontier = []
        for vendor in frontier:
            for neighbour in edges.get(vendor, ()):
                if neighbour not in reached:
                    reached.add(neighbour)
                    next_frontier.append(neighbour)
        if not next_frontier:
            break
        frontier = next_frontier
    return reached


def group_roots(parents: Mapping[int, int | None]) -> dict[int, int]:
    """Vendor id -> the root of its vendor group (its ultimate `parent`; a vendor without one is its own).

    Parent cycles are refused by the model but may still reach us through bad data: the chain stops at the
    first repeat and every vendor on or leading into the cycle gets the cycle's lowest id, so the group
    does not depend on where the walk started. A parent missing from `parents` is taken as a root.
    """
    roots: dict[int, int] = {}
    for start in sorted(parents):
        if start in roots:
            continue
        chain: list[int] = []
        position: dict[int, int] = {}
        vendor = start
        while True:
            if vendor in roots:
                root = roots[vendor]
                break
            if vendor in position:
                root = min(chain[position[vendor] :])
                break
            position[vendor] = len(chain)
            chain.append(vendor)
            parent = parents.get(vendor)
            if parent is None:
                root = vendor
                break
            vendor = parent
        for member in chain:
            roots[member] = root
    return roots
