"""The vectorised rebuild equals the pure scorer value for value, at stored precision and bit for bit.

The pure scorer (`assessments.scoring`) is the oracle: its result, passed through the drain's own
`vendor_values` / `lab_values` / `shared_values`, must equal what `vector_scoring` builds from arrays.
"""

import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import recompute, scoring, vector_arrays, vector_scoring
from vendors.graph import hop_distances

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
LEVELS = {
    "criticality": ["low", "medium", "high", "critical"],
    "data_sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}
# Constants that put values on the 6th-decimal half and scores on the 1st-decimal half (both roundings
# fall back to the slow path), x = 1 for the top levels, no decay, and no hops at all.
PRESETS = [
    {},
    {
        "criticality": {"low": 0.0000005, "medium": 0.002, "high": 0.5, "critical": 1},
        "data_sensitivity": {"public": 1, "internal": 1, "confidential": 1, "restricted": 1},
        "substitutability": {"easy": 1, "moderate": 1, "difficult": 1, "none": 1},
    },
    {"hop_decay": 1.0, "max_hops": 2},
    {"max_hops": 0},
    {"hop_decay": 0.25, "max_hops": 4},
]


def expected_values(inputs, constants):
    result = scoring.compute(inputs, now=NOW, constants=constants, lab_views=False)
    return (
        {pk: recompute.vendor_values(out, NOW) for pk, out in result.vendors.items()},
        {pk: recompute.lab_values(out, NOW) for pk, out in result.labs.items()},
        {pk: recompute.shared_values(out, NOW) for pk, out in result.shared_dependencies.items()},
    )


def expected_pairs(inputs, constants) -> list[dict]:
    """The VendorLabScore rows the drain writes from the pure scorer, by vendor then lab."""
    result = scoring.compute(inputs, now=NOW, constants=constants, lab_views=False)
    return [row for _, out in sorted(result.vendors.items()) for row in recompute.pair_values(out)]


def pair_rows(columns: dict) -> list[dict]:
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


@st.composite
def worlds(draw):
    n_vendors = draw(st.integers(0, 12))
    n_labs = draw(st.integers(0, 5))
    vendor_ids = list(range(1, n_vendors + 1))
    vendor = st.sampled_from(vendor_ids) if vendor_ids else st.nothing()
    parents = [draw(st.one_of(st.none(), vendor)) if vendor_ids else None for _ in vendor_ids]
    engagements = []
    if vendor_ids and n_labs:
        for i in range(draw(st.integers(0, 40))):
            engagements.append(
                scoring.EngagementIn(
                    id=draw(st.integers(1, 10_000)) * 100 + i,  # ids out of insertion order
                    lab_id=draw(st.integers(1, n_labs)),
                    vendor_id=draw(vendor),
                    status=draw(st.sampled_from(["proposed", "active", "suspended", "ended"])),
                    **{name: draw(st.sampled_from(values)) for name, values in LEVELS.items()},
                    data_disposed_on=draw(st.sampled_from([None, date(2025, 1, 1)])),
                )
            )
    dependencies = []
    if vendor_ids:  # self-loops, duplicates and cycles included
        for _ in range(draw(st.integers(0, 30))):
            dependencies.append(scoring.DependencyIn(draw(vendor), draw(vendor), draw(st.booleans())))
    incidents = []
    if vendor_ids:
        for i in range(draw(st.integers(0, 8))):
            status = draw(st.sampled_from(["reported", "investigating", "contained", "resolved", "closed"]))
            resolved = draw(st.one_of(st.none(), st.integers(0, 800).map(lambda d: NOW - timedelta(days=d))))
            incidents.append(
                scoring.IncidentIn(
                    i + 1, draw(vendor), draw(st.sampled_from(LEVELS["criticality"])), status, resolved
                )
            )
    assessments = []
    if vendor_ids:
        ratings = ["strong", "satisfactory", "needs_improvement", "unsatisfactory", None]
        for i in range(draw(st.integers(0, 6))):
            completed = NOW - timedelta(days=draw(st.integers(0, 30)))  # ties on completed_at: highest id
            valid = (NOW + timedelta(days=draw(st.integers(-3, 300)))).date()
            assessments.append(
                scoring.AssessmentIn(
                    i + 1, draw(vendor), "completed", draw(st.sampled_from(ratings)), completed, valid
                )
            )
    unique = {e.id: e for e in engagements}
    inputs = scoring.ScoringInput(
        labs=tuple(range(1, n_labs + 2)),  # the last lab never has an engagement
        vendors=tuple(scoring.VendorIn(v, p) for v, p in zip(vendor_ids, parents, strict=True)),
        engagements=tuple(unique.values()),
        dependencies=tuple(dependencies),
        incidents=tuple(incidents),
        assessments=tuple(assessments),
    )
    return inputs, scoring.Constants.from_dict(draw(st.sampled_from(PRESETS)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_vectorised_equals_pure_scorer(world):
    inputs, constants = world
    vendors, labs, shared = expected_values(inputs, constants)
    result = vector_scoring.compute_values(inputs, now=NOW, constants=constants)
    assert result.vendors == vendors
    assert result.labs == labs
    assert result.shared == shared
    assert pair_rows(result.pairs) == expected_pairs(inputs, constants)
    assert_raw_equal(inputs, constants, result.raw)


def assert_raw_equal(inputs, constants, raw):
    """Unrounded harms, lab-equivalents and likelihoods bit-equal (products and sums in the same order)."""
    scorer = scoring._Scorer(inputs, now=NOW, constants=constants)
    harms, lab_equivalents, likelihoods = {}, [], []
    for vendor_id in scorer.vendor_ids:
        upstream = hop_distances(vendor_id, scorer.upstream, scorer.max_hops)
        total = 0.0
        for lab_id, (harm, _, _, _) in scorer.harms(upstream).items():
            harms[vendor_id, lab_id] = harm
            total += harm
        lab_equivalents.append(total)
        likelihoods.append(scorer.likelihood(vendor_id).value)
    pairs = zip(raw["run_vendor"].tolist(), raw["run_lab"].tolist(), raw["harm"].tolist(), strict=True)
    assert {(v, lab): harm for v, lab, harm in pairs} == harms
    assert raw["lab_equivalents"].tolist() == lab_equivalents
    assert raw["likelihood"].tolist() == likelihoods


def test_dense_world_bit_equal():
    """Many engagements of few labs on few vendors: long noisy-OR products, where order shows in the bits."""
    rng = random.Random(12)
    vendors = tuple(scoring.VendorIn(v, None) for v in range(1, 9))
    engagements = tuple(
        scoring.EngagementIn(
            i, rng.randint(1, 3), rng.randint(1, 8), "active", *(rng.choice(v) for v in LEVELS.values()), None
        )
        for i in range(1, 400)
    )
    dependencies = tuple(
        scoring.DependencyIn(a, b, True) for a in range(1, 9) for b in range(1, 9) if (a * b) % 3
    )
    inputs = scoring.ScoringInput((1, 2, 3), vendors, engagements, dependencies, (), ())
    result = vector_scoring.compute_values(inputs, now=NOW)
    assert_raw_equal(inputs, scoring.DEFAULT, result.raw)
    vendors_expected, labs_expected, shared_expected = expected_values(inputs, scoring.DEFAULT)
    assert (result.vendors, result.labs, result.shared) == (vendors_expected, labs_expected, shared_expected)
    assert pair_rows(result.pairs) == expected_pairs(inputs, scoring.DEFAULT)


def test_reference_case_vectorised():
    """DESIGN.md §2's reference case through the arrays: three labs, one engagement each with M."""
    inputs = scoring.ScoringInput(
        labs=(1, 2, 3),
        vendors=(scoring.VendorIn(10, None),),
        engagements=tuple(
            scoring.EngagementIn(lab, lab, 10, "active", "critical", "restricted", "difficult", None)
            for lab in (1, 2, 3)
        ),
        dependencies=(),
        incidents=(),
        assessments=(),
    )
    result = vector_scoring.compute_values(inputs, now=NOW)
    row = result.vendors[10]
    assert (float(row["score"]), row["band"], row["impact"], row["lab_equivalents"]) == (
        67.1,
        "high",
        0.894601,
        2.25,
    )
    pairs = result.pairs
    assert list(
        zip(pairs["vendor_id"], pairs["lab_id"], pairs["own_score"], pairs["own_band"], strict=True)
    ) == [
        (10, 1, 56.3, "high"),
        (10, 2, 56.3, "high"),
        (10, 3, 56.3, "high"),
    ]
    assert pairs["harm"] == [0.75] * 3 and pairs["via"] == [None] * 3
    assert [result.labs[lab]["hhi"] for lab in (1, 2, 3)] == [10000.0] * 3


@pytest.mark.parametrize(
    "value", [0.0000005, 0.0000015, 0.1234565, 2.5e-7, 0.15, 0.25, 1 / 3, 0.0, 1.0, 99.95, 12.345, 1e10]
)
def test_array_roundings_equal_the_scorer(value):
    for v in (value, -value):
        assert vector_arrays.round6(np.array([v]))[0] == scoring.round6(v)
        assert vector_arrays.round_score(np.array([v]))[0] == scoring.round_score(v)


def test_sequential_reduce_keeps_order():
    """Sums run left to right per run (pairwise summation would round 1e16 + 1 + 1 differently)."""
    values = np.array([1e16, 1.0, 1.0, 3.0, 0.5, 0.5])
    starts = np.array([0, 3, 4])
    assert vector_arrays.sequential_reduce(values, starts, product=False).tolist() == [
        (1e16 + 1.0) + 1.0,
        3.0,
        1.0,
    ]
    assert vector_arrays.sequential_reduce(values, starts, product=True).tolist() == [1e16, 3.0, 0.25]
