"""vendors/graph.py: hop distances, shortest paths, reach and vendor groups (no Django)."""

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendors.graph import group_roots, hop_distances, reverse, shortest_paths, within_hops_many

CHAIN = {1: [2], 2: [3], 3: [4], 4: [5]}


def test_hop_distances_include_start_at_zero_and_stop_after_three_hops():
    assert hop_distances(1, CHAIN) == {1: 0, 2: 1, 3: 2, 4: 3}


def test_hop_distances_respect_max_hops():
    assert hop_distances(1, CHAIN, max_hops=1) == {1: 0, 2: 1}
    assert hop_distances(1, CHAIN, max_hops=0) == {1: 0}
    assert hop_distances(1, CHAIN, max_hops=4) == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4}


def test_hop_distances_refuse_negative_max_hops():
    with pytest.raises(ValueError):
        hop_distances(1, CHAIN, max_hops=-1)


def test_hop_distances_take_the_shortest_route():
    edges = {1: [2, 4], 2: [3], 3: [4], 4: [5]}
    assert hop_distances(1, edges) == {1: 0, 2: 1, 4: 1, 3: 2, 5: 2}


def test_hop_distances_terminate_on_cycles():
    edges = {1: [2], 2: [3], 3: [1]}
    assert hop_distances(1, edges, max_hops=10) == {1: 0, 2: 1, 3: 2}


def test_hop_distances_of_a_vendor_without_edges_is_itself():
    assert hop_distances(7, {}) == {7: 0}


def test_shortest_paths_pick_the_lexicographically_smallest_among_equal_lengths():
    # Neighbours listed out of order: (1, 2, 6, 7) beats (1, 3, 4, 7) although 3 is listed first.
    edges = {1: [3, 2], 3: [4], 2: [6], 4: [7], 6: [7]}
    paths = shortest_paths(1, edges)
    assert paths == {1: (1,), 3: (1, 3), 2: (1, 2), 4: (1, 3, 4), 6: (1, 2, 6), 7: (1, 2, 6, 7)}


def test_shortest_paths_prefer_fewer_hops_over_smaller_ids():
    edges = {1: [2, 9], 2: [3], 3: [5], 9: [5]}
    assert shortest_paths(1, edges)[5] == (1, 9, 5)


def test_shortest_paths_stop_at_max_hops_and_terminate_on_cycles():
    edges = {1: [2], 2: [3], 3: [4, 1], 4: [5]}
    assert shortest_paths(1, edges) == {1: (1,), 2: (1, 2), 3: (1, 2, 3), 4: (1, 2, 3, 4)}


def test_reverse_lists_upstream_vendors_ascending_without_repeats():
    edges = {5: [1, 2], 3: [1, 1], 4: [2], 1: []}
    assert reverse(edges) == {1: [3, 5], 2: [4, 5]}


def test_within_hops_many_is_the_union_of_reach():
    edges = {1: [2], 2: [3], 3: [4], 4: [5], 10: [11], 20: [21]}
    assert within_hops_many([1, 10], edges) == {1, 2, 3, 4, 10, 11}
    assert within_hops_many([1, 3], edges, max_hops=1) == {1, 2, 3, 4}
    assert within_hops_many([], edges) == set()


def test_within_hops_many_uses_the_nearest_start():
    # 5 is 4 hops from 1 but 1 hop from 4: reached.
    assert within_hops_many([1, 4], CHAIN) == {1, 2, 3, 4, 5}


def test_group_roots_follow_the_parent_chain_to_the_ultimate_parent():
    assert group_roots({1: None, 2: 1, 3: 2, 4: None, 5: 4}) == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4}


def test_group_roots_stop_at_a_repeat_and_give_a_cycle_its_lowest_id():
    roots = group_roots({7: 5, 5: 6, 6: 5, 8: 7, 9: 9})
    assert roots == {5: 5, 6: 5, 7: 5, 8: 5, 9: 9}


def test_group_roots_of_a_cycle_entered_from_a_tail_are_the_cycles_lowest_id():
    # Walking from 1 meets the cycle at 6 first; the group is still named by its lowest id, 5.
    assert group_roots({1: 6, 6: 5, 5: 6}) == {1: 5, 5: 5, 6: 5}


def test_group_roots_treat_an_unknown_parent_as_the_root():
    assert group_roots({2: 99})[2] == 99


def _brute_force_paths(start, edges, max_hops):
    best = {start: (start,)}
    stack = [(start,)]
    while stack:
        path = stack.pop()
        if len(path) > max_hops:
            continue
        for neighbour in edges.get(path[-1], ()):
            candidate = (*path, neighbour)
            current = best.get(neighbour)
            if current is None or (len(candidate), candidate) < (len(current), current):
                best[neighbour] = candidate
            stack.append(candidate)
    return best


graphs = st.dictionaries(st.integers(1, 8), st.lists(st.integers(1, 8), max_size=4, unique=True), max_size=8)


@settings(max_examples=200, deadline=None)
@given(graphs, st.integers(1, 8), st.integers(0, 4))
def test_paths_and_distances_match_brute_force(edges, start, max_hops):
    expected = _brute_force_paths(start, edges, max_hops)
    assert shortest_paths(start, edges, max_hops) == expected
    assert hop_distances(start, edges, max_hops) == {v: len(p) - 1 for v, p in expected.items()}


@settings(max_examples=100, deadline=None)
@given(graphs, st.sets(st.integers(1, 8), max_size=4))
def test_within_hops_many_equals_union_of_hop_distances(edges, starts):
    union = set()
    for start in starts:
        union.update(hop_distances(start, edges))
    assert within_hops_many(starts, edges) == union


def test_reach_of_every_vendor_in_a_large_graph_is_fast():
    rng = random.Random(7)
    edges: dict[int, list[int]] = {}
    for _ in range(20_000):
        vendor, depends_on = rng.randrange(10_000), rng.randrange(10_000)
        if vendor != depends_on:
            edges.setdefault(vendor, []).append(depends_on)
    upstream = reverse(edges)
    started = time.perf_counter()
    for vendor in range(10_000):
        hop_distances(vendor, edges)
        hop_distances(vendor, upstream)
    # Typically ~0.05 s; the bound leaves room for a loaded CI machine.
    assert time.perf_counter() - started < 2.0
