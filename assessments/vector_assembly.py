"""The stored rows of the vectorised rebuild, assembled from its arrays.

Each function returns exactly what `recompute.vendor_values` / `shared_values` / `lab_values` make of the
pure scorer's result (trimmed breakdowns included), keyed by vendor or lab id. Selections (the top labs
of a breakdown, the top engagement terms, the top group) are sorts over arrays; only the final dicts are
built in Python.
"""

import numpy as np

from . import scoring
from . import vector_arrays as va
from .models import groups_to_columns
from .recompute import MAX_LAB_ENGAGEMENT_ROWS, MAX_LABS_IN_BREAKDOWN, MAX_TERMS_PER_LAB


def _rank_in_runs(sorted_keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal values of an already sorted key."""
    starts = va.group_starts(sorted_keys)
    lengths = np.diff(np.append(starts, len(sorted_keys)))
    return np.arange(len(sorted_keys)) - np.repeat(starts, lengths)


def _run_of_pair(runs: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.diff(np.append(runs, total)).astype(np.int64)
    return np.repeat(np.arange(len(runs)), lengths), lengths


def vendor_rows(common: dict, pairs: dict, eng, vendor_ids: np.ndarray, now) -> dict[int, dict]:
    runs, run_vendor, run_lab = pairs["runs"], pairs["run_vendor"], pairs["run_lab"]
    item = pairs["item"]
    run_of_pair, run_lengths = _run_of_pair(runs, len(item))

    # The breakdown keeps each vendor's labs with the largest harms, each with its largest weights.
    by_harm = np.lexsort((run_lab, -pairs["harm6"], run_vendor))
    chosen = np.zeros(len(runs), dtype=bool)
    chosen[by_harm[_rank_in_runs(run_vendor[by_harm]) < MAX_LABS_IN_BREAKDOWN]] = True
    candidates = np.flatnonzero(chosen[run_of_pair])
    by_weight = candidates[
        np.lexsort((eng.ids[item[candidates]], -pairs["weight6"][candidates], run_of_pair[candidates]))
    ]
    kept = by_weight[_rank_in_runs(run_of_pair[by_weight]) < MAX_TERMS_PER_LAB]
    kept = kept[np.lexsort((eng.ids[item[kept]], run_of_pair[kept]))]
    terms: dict[int, list[dict]] = {}
    for run, e, hops, weight6 in zip(
        run_of_pair[kept].tolist(),
        item[kept].tolist(),
        pairs["hops"][kept].tolist(),
        pairs["weight6"][kept].tolist(),
        strict=True,
    ):
        terms.setdefault(run, []).append(
            {
                "engagement": int(eng.ids[e]),
                "vendor": int(vendor_ids[eng.vendors[e]]),
                "hops": hops,
                "exposure": float(eng.exposure6[eng.levels[e]]),
                "weight": weight6,
            }
        )

    n = len(vendor_ids)
    bands = scoring.SCORE_BANDS
    harm6 = pairs["harm6"].tolist()
    bounds = np.searchsorted(run_vendor, np.arange(n + 1)).tolist()  # runs are sorted by vendor
    chosen_runs = np.flatnonzero(chosen).tolist()
    labs: list[list] = [[] for _ in range(n)]
    for run, v, lab, length in zip(
        chosen_runs,
        run_vendor[chosen_runs].tolist(),
        run_lab[chosen_runs].tolist(),
        run_lengths[chosen_runs].tolist(),
        strict=True,
    ):
        labs[v].append(
            {"lab": lab, "harm": harm6[run], "engagements": terms[run], "engagement_count": length}
        )
    lab_count = np.diff(bounds).tolist()

    rows = {}
    for i, vendor_id in enumerate(common["ids"]):
        rows[vendor_id] = {
            "score": common["score"][i],
            "band": bands[common["band"][i]],
            "impact": common["impact"][i],
            "likelihood": common["likelihood"][i],
            "likelihood_exact": common["likelihood_exact"][i],
            "lab_equivalents": common["lab_equivalents"][i],
            "labs_exposed": common["labs_exposed"][i],
            "base_likelihood": common["base_likelihood"][i],
            "assessment_id": common["assessment_id"][i],
            "components": {
                "labs": labs[i],
                "incidents": common["incidents"][i],
                "base_likelihood": {
                    "rating": common["rating"][i],
                    "value": common["base_likelihood"][i],
                    "assessment": common["assessment_id"][i],
                },
                "lab_count": lab_count[i],
            },
            "computed_at": now,
        }
    return rows


def shared_rows(
    pairs: dict, eng, vendor_ids: np.ndarray, root_ids: np.ndarray, now
) -> tuple[dict[int, dict], dict[str, list]]:
    """Fourth parties reached only indirectly by two labs, or by one lab through two vendor groups; and the
    columns of every (vendor, lab) row (`pair_columns`)."""
    n = len(vendor_ids)
    runs, run_vendor, run_lab = pairs["runs"], pairs["run_vendor"], pairs["run_lab"]
    run_of_pair, _ = _run_of_pair(runs, len(pairs["item"]))
    indirect = pairs["run_min_hops"] >= 1
    indirect_pairs = np.flatnonzero(indirect[run_of_pair])
    direct = eng.vendors[pairs["item"][indirect_pairs]]
    keys = va.unique(run_of_pair[indirect_pairs] * n + direct)
    key_run, key_direct = keys // n, keys % n
    all_roots = va.unique(root_ids)
    group_keys = va.unique(key_run * (len(all_roots) + 1) + np.searchsorted(all_roots, root_ids[key_direct]))
    two_groups = np.bincount(group_keys // (len(all_roots) + 1), minlength=len(runs)) >= 2
    labs_reaching = np.bincount(run_vendor[indirect], minlength=n)
    through_two = np.bincount(run_vendor[two_groups], minlength=n) > 0
    qualifies = (labs_reaching >= 2) | through_two

    # Every indirect run's direct vendors (keys are sorted by run, then by vendor id), as "id,id,…".
    via: list = [None] * len(runs)
    key_starts = va.group_starts(key_run)
    direct_ids = [str(d) for d in vendor_ids[key_direct].tolist()]
    key_ends = np.append(key_starts[1:], len(key_run)) if len(key_starts) else key_starts
    for run, a, b in zip(key_run[key_starts].tolist(), key_starts.tolist(), key_ends.tolist(), strict=True):
        via[run] = ",".join(direct_ids[a:b])

    keep = qualifies[run_vendor[key_run]]
    key_run, key_direct = key_run[keep], key_direct[keep]
    via_of: dict[int, set[int]] = {}
    for v, direct_id in zip(run_vendor[key_run].tolist(), vendor_ids[key_direct].tolist(), strict=True):
        via_of.setdefault(v, set()).add(direct_id)
    rows = {}
    for v, directs in sorted(via_of.items()):
        rows[int(vendor_ids[v])] = {
            "labs_reaching": int(labs_reaching[v]),
            "via": sorted(directs),
            "computed_at": now,
        }
    bands = np.array(scoring.SCORE_BANDS, dtype=object)
    columns = {
        "vendor_id": vendor_ids[run_vendor].tolist(),
        "lab_id": run_lab.tolist(),
        "harm": pairs["harm"].tolist(),
        "harm6": pairs["harm6"].tolist(),
        "own_score": pairs["own_score"].tolist(),
        "own_band": bands[pairs["own_band"]].tolist(),
        "via": via,
        "via_two_groups": two_groups.tolist(),
    }
    return rows, columns


def _group_reach(reach, root_ids: np.ndarray):
    """Per vendor (CSR rows): each group root it reaches and the shortest hop count to any of its vendors."""
    start, reached, hops, _ = reach
    roots = root_ids[reached]
    order = np.lexsort((hops, roots, start))
    start, roots, hops = start[order], roots[order], hops[order]
    first = va.group_starts(start, roots)
    start, roots, hops = start[first], roots[first], hops[first]
    row_starts = np.searchsorted(start, np.arange(len(root_ids) + 1), side="left")
    return roots, hops, row_starts


def _sum_runs(labs: np.ndarray, groups: np.ndarray, values: np.ndarray, order_key: np.ndarray):
    """Sequential sums of `values` per (lab, group), in `order_key` order inside each: keys and sums."""
    order = np.lexsort((order_key, groups, labs))
    labs, groups, values = labs[order], groups[order], values[order]
    runs = va.group_starts(labs, groups)
    return labs[runs], groups[runs], va.sequential_reduce(values, runs, product=False)


def lab_rows(lab_list, eng, reach, vendor_ids, root_ids, constants, now) -> dict[int, dict]:
    """Lab concentrations: HHI over direct groups, look-through over reached groups (DESIGN.md §2, 7-8)."""
    e_index = np.arange(len(eng.ids))
    x = eng.exposure[eng.levels]
    e_root = root_ids[eng.vendors]
    order = np.lexsort((e_index, eng.labs))
    lab_starts = va.group_starts(eng.labs[order])
    lab_of_total = eng.labs[order][lab_starts]
    totals = va.sequential_reduce(x[order], lab_starts, product=False)

    d_lab, d_group, d_exposure = _sum_runs(eng.labs, e_root, x, e_index)
    g_roots, g_hops, g_rows = _group_reach(reach, root_ids)
    item, position = va.expand_rows(eng.vendors, g_rows)
    r_lab, r_group, r_exposure = _sum_runs(
        eng.labs[item], g_roots[position], eng.weights[eng.levels[item], g_hops[position]], item
    )
    d_total = totals[np.searchsorted(lab_of_total, d_lab)]
    r_total = totals[np.searchsorted(lab_of_total, r_lab)]
    d_share, r_share = d_exposure / d_total, r_exposure / r_total
    d_runs, r_runs = va.group_starts(d_lab), va.group_starts(r_lab)
    hhi = va.sequential_reduce(d_share * d_share, d_runs, product=False) * 10000
    look_through = va.sequential_reduce(r_share * r_share, r_runs, product=False) * 10000
    d_share6, r_share6 = va.round6(d_share), va.round6(r_share)
    top = np.lexsort((d_group, -d_share6, d_lab))
    top = top[_rank_in_runs(d_lab[top]) == 0]
    spof = np.lexsort((r_group, -r_share6, r_lab))
    spof = spof[_rank_in_runs(r_lab[spof]) == 0]
    # Where a reached group is also a direct one: its exposure and share (else 0).
    all_roots = va.unique(root_ids)
    span = len(all_roots) + 1
    d_key = d_lab * span + np.searchsorted(all_roots, d_group)
    r_key = r_lab * span + np.searchsorted(all_roots, r_group)
    match = np.minimum(np.searchsorted(d_key, r_key), max(len(d_key) - 1, 0))
    is_direct = (d_key[match] == r_key) if len(d_key) else np.zeros(len(r_key), dtype=bool)
    group_exposure = np.where(is_direct, va.round6(d_exposure)[match] if len(d_key) else 0.0, 0.0)
    group_share = np.where(is_direct, d_share6[match] if len(d_key) else 0.0, 0.0)

    # Stored as columns (LabConcentration.groups): slices of four lists, no dict per group.
    columns = {
        "group": r_group.tolist(),
        "exposure": group_exposure.tolist(),
        "share": group_share.tolist(),
        "reach_share": r_share6.tolist(),
    }
    bounds = np.append(r_runs, len(r_lab)).tolist()
    groups = {
        lab: {key: values[a:b] for key, values in columns.items()}
        for lab, a, b in zip(r_lab[r_runs].tolist(), bounds, bounds[1:], strict=False)
    }
    x6 = eng.exposure6[eng.levels]
    chosen = np.lexsort((eng.ids, -x6, eng.labs))
    chosen = chosen[_rank_in_runs(eng.labs[chosen]) < MAX_LAB_ENGAGEMENT_ROWS]
    chosen = chosen[np.lexsort((eng.ids[chosen], eng.labs[chosen]))]
    rows_of: dict[int, list] = {}
    for lab, e_id, v, root, x6_value in zip(
        eng.labs[chosen].tolist(),
        eng.ids[chosen].tolist(),
        vendor_ids[eng.vendors[chosen]].tolist(),
        e_root[chosen].tolist(),
        x6[chosen].tolist(),
        strict=True,
    ):
        rows_of.setdefault(lab, []).append(
            {"engagement": e_id, "vendor": v, "group": root, "exposure": x6_value}
        )

    per_lab = {}
    counts = np.diff(np.append(lab_starts, len(order))).tolist()
    for i, lab in enumerate(lab_of_total.tolist()):
        hhi_value = float(hhi[i])
        hhi6 = scoring.round6(hhi_value)
        per_lab[lab] = {
            "hhi": hhi6,
            "hhi_look_through": scoring.round6(float(look_through[i])),
            "band": scoring.hhi_band(hhi6, constants),
            "top_vendor_id": int(d_group[top[i]]),
            "top_share": float(d_share6[top[i]]),
            "effective_providers": scoring.round6(10000 / hhi_value),
            "spof_vendor_id": int(r_group[spof[i]]),
            "spof_share": float(r_share6[spof[i]]),
            "groups": groups[lab],
            "components": {
                "total_exposure": scoring.round6(float(totals[i])),
                "engagements": rows_of[lab],
                "engagement_count": counts[i],
            },
            "computed_at": now,
        }
    empty = {
        "hhi": 0.0,
        "hhi_look_through": 0.0,
        "band": scoring.hhi_band(0.0, constants),
        "top_vendor_id": None,
        "top_share": None,
        "effective_providers": None,
        "spof_vendor_id": None,
        "spof_share": None,
        "groups": groups_to_columns([]),
        "components": {"total_exposure": 0.0, "engagements": [], "engagement_count": 0},
    }
    return {lab: per_lab.get(lab) or {**empty, "computed_at": now} for lab in lab_list}
