"""The exact incremental update for engagement changes (the common write), DESIGN.md sections 2 and 3.

An engagement change of lab L at vendor V changes, at every vendor W within 3 hops downstream of V, only
the pair (W, L): h(L,W), L's own view of W, the direct vendors L reaches W through. So the drain
recomputes those pairs from L's engagements in ascending id (the pure scorer's own `harms`, over a graph
cached in the worker), writes them to VendorLabScore, and then re-derives each W's aggregates from its
VendorLabScore rows: lab-equivalents re-summed in lab order (the scorer's order, so bit-equal), labs
exposed counted, the breakdown's top labs re-chosen, the shared fourth-party row re-decided. W's
likelihood is unchanged by an engagement and read from its row (`likelihood_exact`). Nothing is divided
out: a log-space "remove the old factor" update is not exact (about 1.7 % of harms move in the 7th decimal).

Vendor marks written by other changes (graph, parents, incidents, assessments) and lab marks still take
the full path (`recompute._compute_and_store`).
"""

import math
import threading
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from vendors.choices import EngagementStatus
from vendors.graph import group_roots, hop_distances, reverse
from vendors.models import Engagement, GraphVersion, Lab, Vendor, VendorDependency

from . import scoring
from .models import SharedDependency, VendorLabScore, VendorScore, VendorScoreHistory
from .recompute_inputs import ENGAGEMENT_COLUMNS, _engagement_in

# --- the graph, cached per worker process ----------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    version: int
    downstream: dict[int, list[int]]  # vendor -> the vendors it shares data with (ascending)
    upstream: dict[int, list[int]]  # vendor -> the vendors that share data with it (ascending)
    roots: dict[int, int]  # vendor -> the root of its group, for vendors that have a parent


_cache: dict[str, Graph] = {}
_cache_lock = threading.Lock()


def graph_version() -> int:
    return GraphVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def cached_graph(memo: dict | None = None) -> Graph:
    """The data-sharing edges and the parents, reloaded only when the stored version moved on. `memo`: a
    drain's, so the version is read once per drain."""
    if memo is not None and "graph" in memo:
        return memo["graph"]
    graph = _load_graph()
    if memo is not None:
        memo["graph"] = graph
    return graph


def _load_graph() -> Graph:
    version = graph_version()
    graph = _cache.get("graph")
    # No version row (a fresh or flushed database, before any graph write): nothing to trust, so reload.
    if graph is not None and graph.version == version and version:
        return graph
    downstream: dict[int, list[int]] = defaultdict(list)
    edges = VendorDependency.objects.filter(shares_data=True).order_by("vendor_id", "depends_on_id")
    for a, b in edges.values_list("vendor_id", "depends_on_id").iterator(chunk_size=20_000):
        if a != b and (not downstream[a] or downstream[a][-1] != b):
            downstream[a].append(b)
    parents = dict(Vendor.objects.filter(parent__isnull=False).values_list("id", "parent_id"))
    downstream = dict(downstream)
    graph = Graph(
        version=version, downstream=downstream, upstream=reverse(downstream), roots=group_roots(parents)
    )
    with _cache_lock:
        _cache["graph"] = graph
    return graph


def clear_cache() -> None:
    _cache.clear()


def lab_scorer(lab_id: int, graph: Graph, *, now, constants, memo: dict | None = None) -> scoring._Scorer:
    """The pure scorer over one lab's engagements (ascending id), walking the worker's cached graph.

    Only the lab's own terms are asked of it (its harms at some vendors, its concentration), which need
    nothing but its engagements, the data-sharing edges and the groups: the same code, so the same bits.
    `memo` keeps the scorers of one drain (a lab's pairs and its concentration share one).
    """
    if memo is not None and lab_id in memo:
        return memo[lab_id]
    engagements = sorted(
        Engagement.objects.exclude(status=EngagementStatus.PROPOSED)
        .filter(lab_id=lab_id)
        .values_list(*ENGAGEMENT_COLUMNS)
    )
    inputs = scoring.ScoringInput(
        labs=(lab_id,),
        vendors=(),
        engagements=tuple(_engagement_in(row) for row in engagements),
        dependencies=(),
        incidents=(),
        assessments=(),
    )
    scorer = scoring._Scorer(inputs, now=now, constants=constants)
    scorer.downstream, scorer.upstream, scorer.roots = graph.downstream, graph.upstream, graph.roots
    if memo is not None:
        memo[lab_id] = scorer
    return scorer


# --- one lab's pairs --------------------------------------------------------------------------------


@dataclass
class PairResult:
    row: dict | None  # the VendorLabScore values, None when the lab no longer reaches the vendor
    term: dict | None  # the lab's term of the vendor's breakdown (untrimmed), None likewise


def lab_pairs(
    lab_id: int,
    vendor_likelihoods: dict[int, float],
    graph: Graph,
    *,
    now,
    constants,
    memo: dict | None = None,
) -> dict[int, PairResult]:
    """(W, lab) for each W given (with W's unrounded likelihood), from the lab's engagements in id order."""
    from .recompute import pair_values  # why here: recompute imports this module

    scorer = lab_scorer(lab_id, graph, now=now, constants=constants, memo=memo)
    out = {}
    for vendor_id, likelihood in vendor_likelihoods.items():
        upstream = hop_distances(vendor_id, scorer.upstream, scorer.max_hops)
        harms = scorer.harms(upstream)
        if lab_id not in harms:
            out[vendor_id] = PairResult(None, None)
            continue
        harm = harms[lab_id][0]
        own_score = scoring.round_score(scoring._risk(harm, likelihood))
        view = (own_score, scoring.score_band(own_score, constants))
        stand_in = scoring._Likelihood(
            value=likelihood, base=0.0, rating="none", assessment_id=None, terms=()
        )
        vendor_out = scorer.vendor_score(vendor_id, upstream, harms, stand_in, {lab_id: view})
        (row,) = pair_values(vendor_out)
        out[vendor_id] = PairResult(row, vendor_out.components["labs"][0])
    return out


def lab_concentrations(
    lab_ids: set[int], *, now, constants, memo: dict | None = None
) -> dict[int, scoring.LabConcentrationOut]:
    """Each lab's concentration (DESIGN.md section 2, items 7 and 8): its engagements and the cached graph."""
    graph = cached_graph(memo)
    alive = set(Lab.objects.filter(id__in=lab_ids).values_list("id", flat=True))
    return {
        lab_id: lab_scorer(lab_id, graph, now=now, constants=constants, memo=memo).lab_concentration(
            lab_id, []
        )
        for lab_id in sorted(alive)
    }


# --- the drain's incremental part -------------------------------------------------------------------


def update_pairs(
    pair_marks: dict[int, set[int]], causes: dict, now, constants, memo: dict | None = None
) -> tuple[int, set[int]]:
    """Update the vendors whose marks name only pairs (vendor -> labs). Returns (history rows, vendors the
    incremental path could not take, to be recomputed whole: those without a stored score yet)."""
    from .recompute import (  # why here: recompute imports this module
        MAX_LABS_IN_BREAKDOWN,
        VENDOR_FIELDS,
        _store_rows,
        _trim_components,
    )

    stored = {row.vendor_id: row for row in VendorScore.objects.filter(vendor_id__in=pair_marks)}
    fallback = set(pair_marks) - set(stored)
    vendors = {v: labs for v, labs in pair_marks.items() if v in stored}
    if not vendors:
        return 0, fallback
    graph = cached_graph(memo)

    def pairs_for(lab_id: int, vendor_ids: set[int]) -> dict:
        likelihoods = {v: stored[v].likelihood_exact for v in sorted(vendor_ids)}
        return lab_pairs(lab_id, likelihoods, graph, now=now, constants=constants, memo=memo)

    by_lab: dict[int, set[int]] = defaultdict(set)
    for vendor_id, labs in vendors.items():
        for lab_id in labs:
            by_lab[lab_id].add(vendor_id)
    fresh_terms: dict[tuple[int, int], dict | None] = {}
    new_rows, stale_pairs = [], Q()
    for lab_id, vendor_ids in sorted(by_lab.items()):
        results = pairs_for(lab_id, vendor_ids)
        for vendor_id, result in results.items():
            fresh_terms[vendor_id, lab_id] = result.term
            if result.row is not None:
                new_rows.append(VendorLabScore(**result.row))
        stale_pairs |= Q(lab_id=lab_id, vendor_id__in=vendor_ids)
    VendorLabScore.objects.filter(stale_pairs).delete()
    VendorLabScore.objects.bulk_create(new_rows, batch_size=1000)

    pairs_of: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        VendorLabScore.objects.filter(vendor_id__in=vendors)
        .order_by("vendor_id", "lab_id")
        .values_list("vendor_id", "lab_id", "harm", "harm6", "via", "via_two_groups")
    )
    for vendor_id, *rest in rows:
        pairs_of[vendor_id].append(tuple(rest))

    values_by_id, missing_terms = {}, []
    for vendor_id in sorted(vendors):
        row, pairs = stored[vendor_id], pairs_of.get(vendor_id, [])
        lab_equivalents = 0.0
        labs_exposed = 0
        for _, harm, _, _, _ in pairs:  # in lab order, as the scorer sums
            lab_equivalents += harm
            if harm > 0:
                labs_exposed += 1
        impact = 1.0 - math.exp(-lab_equivalents)
        score = scoring.round_score(scoring._risk(impact, row.likelihood_exact))
        top = sorted(pairs, key=lambda p: (-p[2], p[0]))[:MAX_LABS_IN_BREAKDOWN]
        old_terms = {t["lab"]: t for t in row.components.get("labs", [])}
        labs = []
        for lab_id, _, _, _, _ in sorted(top):
            if (vendor_id, lab_id) in fresh_terms:
                term = _trim_components({"labs": [fresh_terms[vendor_id, lab_id]]})["labs"][0]
            elif lab_id in old_terms:
                term = old_terms[lab_id]
            else:
                term = None
                missing_terms.append((vendor_id, lab_id))
            labs.append((lab_id, term))
        values_by_id[vendor_id] = {
            "score": Decimal(str(score)).quantize(Decimal("0.1")),
            "band": scoring.score_band(score, constants),
            "impact": scoring.round6(impact),
            "likelihood": row.likelihood,
            "likelihood_exact": row.likelihood_exact,
            "lab_equivalents": scoring.round6(lab_equivalents),
            "labs_exposed": labs_exposed,
            "base_likelihood": row.base_likelihood,
            "assessment_id": row.assessment_id,
            "components": {**row.components, "labs": labs, "lab_count": len(pairs)},
            "computed_at": now,
        }
    # A lab that enters a vendor's top labs (another left them) brings its terms, computed like the rest.
    entering: dict[int, set[int]] = defaultdict(set)
    for vendor_id, lab_id in missing_terms:
        entering[lab_id].add(vendor_id)
    for lab_id, vendor_ids in sorted(entering.items()):
        results = pairs_for(lab_id, vendor_ids)
        for vendor_id, result in results.items():
            fresh_terms[vendor_id, lab_id] = result.term
    for vendor_id, values in values_by_id.items():
        components = values["components"]
        components["labs"] = [
            term
            if term is not None
            else _trim_components({"labs": [fresh_terms[vendor_id, lab_id]]})["labs"][0]
            for lab_id, term in components["labs"]
        ]
        # the stored breakdown's key order: labs, incidents, base_likelihood, lab_count
        values["components"] = {
            "labs": components["labs"],
            "incidents": components.get("incidents", []),
            "base_likelihood": components.get("base_likelihood", {}),
            "lab_count": components["lab_count"],
        }

    history = _store_rows(
        VendorScore, VendorScoreHistory, "vendor", values_by_id, VENDOR_FIELDS, causes, now, previous=stored
    )
    _store_shared(pairs_of, set(vendors), now)
    return history, fallback


def _store_shared(pairs_of: dict[int, list[tuple]], vendor_ids: set[int], now) -> None:
    """A vendor's shared fourth-party row, decided again from its pairs (DESIGN.md section 2, item 9)."""
    rows, gone = [], set()
    for vendor_id in sorted(vendor_ids):
        indirect = [p for p in pairs_of.get(vendor_id, []) if p[3]]
        if len(indirect) < 2 and not any(p[4] for p in indirect):
            gone.add(vendor_id)
            continue
        via = sorted({int(v) for p in indirect for v in p[3].split(",")})
        rows.append(
            SharedDependency(vendor_id=vendor_id, labs_reaching=len(indirect), via=via, computed_at=now)
        )
    if gone:
        SharedDependency.objects.filter(vendor_id__in=gone).delete()
    if rows:
        SharedDependency.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["vendor"],
            update_fields=["labs_reaching", "via", "computed_at"],
        )
