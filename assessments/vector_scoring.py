"""The full rebuild over arrays: DESIGN.md section 2 for every vendor and lab at once, equal to the pure
scorer (`assessments.scoring`, the readable reference and the oracle in tests) value for value.

Each (lab, vendor) pair is a run of rows in arrays sorted by (vendor, lab, engagement id); the noisy-OR
products and the lab-equivalent sums are folded along those runs in the pure scorer's order (see
`vector_arrays.sequential_reduce`), never in log space or pairwise, so every stored value is bit-equal.
The result is the stored values (`recompute.vendor_values` & co. of the pure result), ready to write.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from vendors.graph import group_roots
from vendors.rules import is_exposing

from . import scoring
from . import vector_arrays as va
from .vector_assembly import lab_rows, shared_rows, vendor_rows


@dataclass
class VectorResult:
    vendors: dict[int, dict]
    labs: dict[int, dict]
    shared: dict[int, dict]
    # The VendorLabScore rows as columns (vendor_id, lab_id, harm, …), by vendor then lab.
    pairs: dict[str, list]
    # Unrounded intermediates, for tests that hold them bit-equal to the pure scorer's: per (vendor, lab)
    # run "run_vendor" / "run_lab" (ids) and "harm"; per vendor (ascending id) "lab_equivalents", "likelihood".
    raw: dict[str, np.ndarray]


@dataclass
class _Engagements:
    """Exposing engagements in ascending id: ids, lab ids, vendor indexes, exposure level indexes."""

    ids: np.ndarray
    labs: np.ndarray
    vendors: np.ndarray
    levels: np.ndarray
    exposure: np.ndarray  # per level
    exposure6: np.ndarray
    weights: np.ndarray  # [level, hops]
    weights6: np.ndarray


def _engagements(inputs, index_of: dict[int, int], constants, decay) -> _Engagements:
    levels: dict[tuple[str, str, str], int] = {}
    exposure, weights = [], []
    rows = []
    for engagement in sorted(inputs.engagements, key=lambda e: e.id):
        if not is_exposing(engagement.status, engagement.data_disposed_on):
            continue
        if engagement.vendor_id not in index_of:
            raise ValueError(
                f"engagement {engagement.id} names vendor {engagement.vendor_id}, not in the inputs"
            )
        key = (engagement.criticality, engagement.data_sensitivity, engagement.substitutability)
        level = levels.get(key)
        if level is None:
            level = levels[key] = len(exposure)
            x = scoring.engagement_exposure(engagement, constants)
            exposure.append(x)
            weights.append([x * d for d in decay])
        rows.append((engagement.id, engagement.lab_id, index_of[engagement.vendor_id], level))
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    weight_table = np.array(weights, dtype=np.float64).reshape(-1, len(decay))
    exposure_array = np.array(exposure, dtype=np.float64)
    return _Engagements(
        ids=table[:, 0],
        labs=table[:, 1],
        vendors=table[:, 2],
        levels=table[:, 3],
        exposure=exposure_array,
        exposure6=np.array([scoring.round6(x) for x in exposure], dtype=np.float64),
        weights=weight_table,
        weights6=np.array([[scoring.round6(w) for w in row] for row in weights], dtype=np.float64).reshape(
            -1, len(decay)
        ),
    )


def _likelihoods(inputs, vendor_ids, index_of, reach, now, today, constants, decay):
    """Per vendor: ℓ, base, rating, assessment id, and its incident terms (as the pure scorer lists them)."""
    n = len(vendor_ids)
    base = np.full(n, constants.base_likelihood["none"])
    ratings = ["none"] * n
    assessment_ids: list[int | None] = [None] * n
    by_vendor: dict[int, list] = {}
    for assessment in inputs.assessments:
        by_vendor.setdefault(assessment.vendor_id, []).append(assessment)
    for vendor_id, assessments in by_vendor.items():
        if vendor_id not in index_of:
            continue
        current = scoring.current_assessment(assessments, today=today)
        if current is None:
            continue
        i = index_of[vendor_id]
        rating = current.rating if current.rating is not None else "none"
        ratings[i], base[i], assessment_ids[i] = rating, constants.base_likelihood[rating], current.id

    incidents = sorted((i for i in inputs.incidents if i.vendor_id in index_of), key=lambda i: i.id)
    factors = [scoring.incident_status_factor(i, now=now, constants=constants) for i in incidents]
    weights = np.array(
        [constants.incident_severity[i.severity] * f for i, f in zip(incidents, factors, strict=True)],
        dtype=np.float64,
    )
    start, reached, hops, _ = reach
    by_reached = np.argsort(reached, kind="stable")
    reached_rows = np.searchsorted(reached[by_reached], np.arange(n + 1), side="left")
    at = np.array([index_of[i.vendor_id] for i in incidents], dtype=np.int64)
    item, position = va.expand_rows(at, reached_rows)
    pair = by_reached[position]
    vendor, k = start[pair], hops[pair]
    term = weights[item] * np.asarray(decay, dtype=np.float64)[k]
    keep = term > 0  # a faded incident multiplies by exactly 1: the pure scorer leaves it out too
    vendor, k, term, item = vendor[keep], k[keep], term[keep], item[keep]
    order = np.lexsort((item, vendor))
    vendor, k, term, item = vendor[order], k[order], term[order], item[order]
    starts = va.group_starts(vendor)
    survival = np.ones(n)
    survival[vendor[starts]] = va.sequential_reduce(1.0 - term, starts, product=True)
    likelihood = 1.0 - (1.0 - base) * survival

    terms: list[list[dict]] = [[] for _ in range(n)]
    term6 = va.round6(term)
    for v, hop, t6, i in zip(vendor.tolist(), k.tolist(), term6.tolist(), item.tolist(), strict=True):
        incident = incidents[i]
        terms[v].append(
            {
                "incident": incident.id,
                "vendor": incident.vendor_id,
                "hops": hop,
                "severity": incident.severity,
                "status": incident.status,
                "status_factor": factors[i],
                "term": t6,
            }
        )
    return likelihood, base, ratings, assessment_ids, terms


def compute_values(
    inputs: scoring.ScoringInput, *, now: datetime, constants: scoring.Constants = scoring.DEFAULT
) -> VectorResult:
    """Stored values of every vendor score, lab concentration and shared fourth party."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(UTC).date()
    decay = tuple(constants.hop_decay**hops for hops in range(constants.max_hops + 1))
    vendor_list = sorted({vendor.id for vendor in inputs.vendors})
    vendor_ids = np.array(vendor_list, dtype=np.int64)
    index_of = {vendor_id: i for i, vendor_id in enumerate(vendor_list)}
    n = len(vendor_list)
    roots = group_roots({vendor.id: vendor.parent_id for vendor in inputs.vendors})
    root_ids = np.array([roots.get(v, v) for v in vendor_list], dtype=np.int64)

    edges = sorted(
        {(d.vendor_id, d.depends_on_id) for d in inputs.dependencies if d.shares_data}
        - {(v, v) for v in vendor_list}
    )
    for a, b in edges:
        if a not in index_of or b not in index_of:
            raise ValueError(f"dependency {a} -> {b} names a vendor not in the inputs")
    sources = np.array([index_of[a] for a, _ in edges], dtype=np.int64)
    targets = np.array([index_of[b] for _, b in edges], dtype=np.int64)
    reach = va.hop_pairs(n, sources, targets, constants.max_hops)
    start, reached, hops, row_starts = reach

    eng = _engagements(inputs, index_of, constants, decay)

    # Harms: one row per (engagement, vendor it reaches), in runs of (vendor, lab) by engagement id.
    item, position = va.expand_rows(eng.vendors, row_starts)
    pair_vendor, pair_hops, pair_lab = reached[position], hops[position], eng.labs[item]
    order = np.lexsort((item, pair_lab, pair_vendor))
    item, pair_vendor, pair_hops, pair_lab = (
        item[order],
        pair_vendor[order],
        pair_hops[order],
        pair_lab[order],
    )
    pair_weight = eng.weights[eng.levels[item], pair_hops]
    runs = va.group_starts(pair_vendor, pair_lab)
    harm = 1.0 - va.sequential_reduce(1.0 - pair_weight, runs, product=True)
    run_vendor, run_lab = pair_vendor[runs], pair_lab[runs]
    run_min_hops = np.minimum.reduceat(pair_hops, runs) if len(runs) else np.zeros(0, dtype=np.int64)

    vendor_runs = va.group_starts(run_vendor)
    lab_equivalents = np.zeros(n)
    labs_exposed = np.zeros(n, dtype=np.int64)
    if len(vendor_runs):
        reached_vendors = run_vendor[vendor_runs]
        lab_equivalents[reached_vendors] = va.sequential_reduce(harm, vendor_runs, product=False)
        labs_exposed[reached_vendors] = np.add.reduceat((harm > 0).astype(np.int64), vendor_runs)

    likelihood, base, ratings, assessment_ids, incident_terms = _likelihoods(
        inputs, vendor_ids, index_of, reach, now, today, constants, decay
    )
    impact = va.one_minus_exp(lab_equivalents)
    scores = va.round_score(va.risk(impact, likelihood))
    own_scores = va.round_score(va.risk(harm, likelihood[run_vendor]))

    pairs = {
        "item": item,
        "hops": pair_hops,
        "weight6": eng.weights6[eng.levels[item], pair_hops],
        "runs": runs,
        "run_vendor": run_vendor,
        "run_lab": run_lab,
        "run_min_hops": run_min_hops,
        "harm": harm,
        "harm6": va.round6(harm),
        "own_score": own_scores,
        "own_band": va.band_index(own_scores, constants.score_bands),
    }
    vendor_common = {
        "ids": vendor_list,
        "score": [Decimal(str(s)).quantize(Decimal("0.1")) for s in scores.tolist()],
        "band": va.band_index(scores, constants.score_bands).tolist(),
        "impact": va.round6(impact).tolist(),
        "likelihood": va.round6(likelihood).tolist(),
        "likelihood_exact": likelihood.tolist(),
        "lab_equivalents": va.round6(lab_equivalents).tolist(),
        "labs_exposed": labs_exposed.tolist(),
        "base_likelihood": base.tolist(),
        "assessment_id": assessment_ids,
        "rating": ratings,
        "incidents": incident_terms,
    }
    vendors = vendor_rows(vendor_common, pairs, eng, vendor_ids, now)
    shared, pair_columns = shared_rows(pairs, eng, vendor_ids, root_ids, now)
    labs = lab_rows(sorted(set(inputs.labs)), eng, reach, vendor_ids, root_ids, constants, now)
    raw = {
        "run_vendor": vendor_ids[run_vendor],
        "run_lab": run_lab,
        "harm": harm,
        "lab_equivalents": lab_equivalents,
        "likelihood": likelihood,
    }
    return VectorResult(vendors=vendors, labs=labs, shared=shared, pairs=pair_columns, raw=raw)
