"""Array helpers of the vectorised rebuild (numpy + scipy.sparse), each equal to its pure counterpart.

Bit-exactness rests on three rules: every float operation is the same IEEE operation as in
`assessments.scoring` (numpy's `*`, `+`, `-`, `/` on float64 are correctly rounded like Python's); every
sequential product or sum runs in the same order (`sequential_reduce` keeps the order inside each group and
only runs different groups side by side); and where the pure code calls a library function whose result
numpy might compute differently (`round`, `math.exp`), the same Python function is called.
"""

import math

import numpy as np
from scipy import sparse

from . import scoring


def ragged_arange(counts: np.ndarray) -> np.ndarray:
    """[0..c0-1, 0..c1-1, ...] for counts [c0, c1, ...]."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(ends - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def group_starts(*keys: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal key tuples in arrays already sorted by those keys."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a mask: faster here than `np.unique` on millions of keys)."""
    values = np.sort(values)
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def sequential_reduce(values: np.ndarray, starts: np.ndarray, *, product: bool) -> np.ndarray:
    """Per run of `values` (runs begin at `starts`): the product (from 1.0) or sum (from 0.0), in order.

    Exactly `acc = 1.0; for v in run: acc *= v` (or `acc = 0.0; acc += v`) for every run: position j of
    all runs longer than j is folded in at step j, so each run is reduced left to right. numpy's own
    reductions would sum pairwise, which rounds differently.
    """
    runs = len(starts)
    acc = np.full(runs, 1.0 if product else 0.0)
    if runs == 0:
        return acc
    lengths = np.diff(np.append(starts, len(values)))
    order = np.argsort(-lengths, kind="stable")
    sorted_lengths = lengths[order]
    sorted_starts = starts[order]
    # active[j] = how many runs are longer than j (the runs, longest first, form a prefix).
    longest = int(sorted_lengths[0])
    active_counts = runs - np.searchsorted(sorted_lengths[::-1], np.arange(longest), side="right")
    folded = acc[order]
    for j in range(longest):
        n = int(active_counts[j])
        if product:
            folded[:n] *= values[sorted_starts[:n] + j]
        else:
            folded[:n] += values[sorted_starts[:n] + j]
    acc[order] = folded
    return acc


def round6(values: np.ndarray) -> np.ndarray:
    """`scoring.round6` element by element: its fast path in numpy, Python's `round` where it falls back."""
    values = np.asarray(values, dtype=np.float64)
    scaled = values * 1e6
    whole = np.floor(scaled)
    fraction = scaled - whole
    fast = (scaled > -1e9) & (scaled < 1e9) & (np.abs(fraction - 0.5) > 1e-3)
    out = (whole + (fraction > 0.5)) / 1e6
    for index in np.flatnonzero(~fast):
        out[index] = round(float(values[index]), 6)
    return out


def round_score(risks: np.ndarray) -> np.ndarray:
    """`scoring.round_score` element by element (the slow path in Python, as there)."""
    risks = np.asarray(risks, dtype=np.float64)
    shifted = 10 * risks + 0.5
    floor = np.floor(shifted)
    fraction = shifted - floor
    fast = (fraction > 1e-4) & (fraction < 1 - 1e-4)
    out = floor / 10
    for index in np.flatnonzero(~fast):
        out[index] = scoring.round_score(float(risks[index]))
    return out


def risk(exposure: np.ndarray, likelihood: np.ndarray) -> np.ndarray:
    """`scoring._risk`: 100 · exposure · (0.5 + 0.5·ℓ), the same operations in the same order."""
    return 100.0 * exposure * (0.5 + 0.5 * likelihood)


def band_index(scores: np.ndarray, bounds: tuple[float, ...]) -> np.ndarray:
    """Index into the band names: the number of bounds at or below the score (`< bound` means below it)."""
    return np.searchsorted(np.asarray(bounds, dtype=np.float64), scores, side="right")


def one_minus_exp(values: np.ndarray) -> np.ndarray:
    """1 − exp(−H) with `math.exp` (numpy's exp may differ from libm in the last place)."""
    return np.array([1.0 - math.exp(-value) for value in values.tolist()], dtype=np.float64)


def hop_pairs(n: int, sources: np.ndarray, targets: np.ndarray, max_hops: int):
    """Every (start, reached, k) with k the shortest hop count ≤ max_hops along the edges (start at 0).

    Returned sorted by start, then reached: a CSR-like layout (`row_starts[v]` .. `row_starts[v + 1]`).
    """
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(1, dtype=np.int64)
    adjacency = sparse.csr_matrix(
        (np.ones(len(sources), dtype=np.int32), (sources, targets)), shape=(n, n), dtype=np.int32
    )
    adjacency.data[:] = 1
    identity = sparse.identity(n, dtype=np.int32, format="csr")
    reached = identity.copy()
    frontier = identity
    parts_start, parts_reached, parts_hops = [np.arange(n)], [np.arange(n)], [np.zeros(n, dtype=np.int64)]
    for hops in range(1, max_hops + 1):
        step = (frontier @ adjacency).tocsr()
        step.data[:] = 1
        step = (step - step.multiply(reached)).tocsr()
        step.eliminate_zeros()
        if step.nnz == 0:
            break
        step.data[:] = 1
        coo = step.tocoo()
        parts_start.append(coo.row.astype(np.int64))
        parts_reached.append(coo.col.astype(np.int64))
        parts_hops.append(np.full(coo.nnz, hops, dtype=np.int64))
        reached = (reached + step).tocsr()
        reached.data[:] = 1
        frontier = step
    start = np.concatenate(parts_start)
    reached_at = np.concatenate(parts_reached)
    hops = np.concatenate(parts_hops)
    order = np.lexsort((reached_at, start))
    start, reached_at, hops = start[order], reached_at[order], hops[order]
    row_starts = np.searchsorted(start, np.arange(n + 1), side="left")
    return start, reached_at, hops, row_starts


def expand_rows(items_row: np.ndarray, row_starts: np.ndarray):
    """For items each naming a row: (item index, position in the pair arrays) for every pair of its row."""
    counts = row_starts[items_row + 1] - row_starts[items_row]
    item = np.repeat(np.arange(len(items_row)), counts)
    position = np.repeat(row_starts[items_row], counts) + ragged_arange(counts)
    return item, position
