"""Properties of assessments/scoring.py over small generated worlds (hypothesis, no Django)."""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring import (
    AssessmentIn,
    DependencyIn,
    EngagementIn,
    IncidentIn,
    ScoringInput,
    VendorIn,
    compute,
    hhi_band,
    round6,
    score_band,
)
from tests.unit.test_scoring import minimal_inputs

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()

LEVELS = st.sampled_from(["low", "medium", "high", "critical"])
SENSITIVITY = st.sampled_from(["public", "internal", "confidential", "restricted"])
SUBSTITUTABILITY = st.sampled_from(["easy", "moderate", "difficult", "none"])
ENGAGEMENT_STATUS = st.sampled_from(["proposed", "active", "suspended", "ended"])
INCIDENT_STATUS = st.sampled_from(["reported", "investigating", "contained", "resolved", "closed"])
OPEN_INCIDENT_STATUS = st.sampled_from(["reported", "investigating", "contained"])
RATING = st.sampled_from(["strong", "satisfactory", "needs_improvement", "unsatisfactory", None])
DAYS_AGO = st.sampled_from([0, 30, 365, 366, 1000])


@st.composite
def worlds(draw):
    vendor_ids = sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=7)))
    lab_ids = sorted(draw(st.sets(st.integers(1, 9), min_size=1, max_size=4)))
    vendor = st.sampled_from(vendor_ids)
    vendors = []
    for vendor_id in vendor_ids:
        earlier = [other for other in vendor_ids if other < vendor_id]
        parent = draw(st.none() | st.sampled_from(earlier)) if earlier else None
        vendors.append(VendorIn(vendor_id, parent))
    pairs = draw(st.lists(st.tuples(vendor, vendor, st.booleans()), max_size=12))
    seen = set()
    dependencies = []
    for source, target, shares_data in pairs:
        if source != target and (source, target) not in seen:
            seen.add((source, target))
            dependencies.append(DependencyIn(source, target, shares_data))
    engagement_rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(lab_ids),
                vendor,
                ENGAGEMENT_STATUS,
                LEVELS,
                SENSITIVITY,
                SUBSTITUTABILITY,
                st.booleans(),
            ),
            max_size=10,
        )
    )
    engagements = [
        EngagementIn(index * 3 + 1, lab, v, status, c, s, u, date(2026, 1, 1) if disposed else None)
        for index, (lab, v, status, c, s, u, disposed) in enumerate(engagement_rows)
    ]
    incident_rows = draw(
        st.lists(st.tuples(vendor, LEVELS, INCIDENT_STATUS, st.none() | DAYS_AGO), max_size=5)
    )
    incidents = [
        IncidentIn(index + 1, v, severity, status, None if ago is None else NOW - timedelta(days=ago))
        for index, (v, severity, status, ago) in enumerate(incident_rows)
    ]
    assessment_rows = draw(
        st.lists(
            st.tuples(
                vendor,
                st.sampled_from(["draft", "completed", "completed"]),
                RATING,
                st.sampled_from([1, 10, 10]),
                st.sampled_from([-1, 0, 30]),
            ),
            max_size=4,
        )
    )
    assessments = [
        AssessmentIn(index + 1, v, status, rating, NOW - timedelta(days=ago), TODAY + timedelta(days=valid))
        for index, (v, status, rating, ago, valid) in enumerate(assessment_rows)
    ]
    return ScoringInput(
        labs=tuple(lab_ids),
        vendors=tuple(vendors),
        engagements=tuple(engagements),
        dependencies=tuple(dependencies),
        incidents=tuple(incidents),
        assessments=tuple(assessments),
    )


def score(inputs):
    return compute(inputs, now=NOW)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_scores_and_indices_stay_in_range(inputs):
    result = score(inputs)
    for vendor in result.vendors.values():
        assert 0 <= vendor.score <= 100
        assert vendor.band == score_band(vendor.score)
        assert 0 <= vendor.impact < 1
        assert 0 <= vendor.likelihood <= 1
        assert vendor.labs_exposed == len(vendor.lab_harms) <= len(inputs.labs)
        for own_score, band in vendor.own_views.values():
            assert 0 <= own_score <= 100 and band == score_band(own_score)
    for lab in result.labs.values():
        assert 0 <= lab.hhi <= 10000
        assert lab.band == hhi_band(lab.hhi)
        assert lab.hhi_look_through >= lab.hhi - 1e-6
        if lab.top_vendor is None:
            assert lab.hhi == 0 and lab.effective_providers is None and lab.single_point_of_failure is None
        else:
            assert abs(sum(group["share"] for group in lab.groups) - 1) < 1e-5
            assert lab.single_point_of_failure_share >= lab.top_share - 1e-6


@settings(max_examples=150, deadline=None)
@given(worlds(), st.data())
def test_adding_an_exposing_engagement_never_lowers_an_impact(inputs, data):
    before = score(inputs)
    new = EngagementIn(
        max((e.id for e in inputs.engagements), default=0) + 1,
        data.draw(st.sampled_from(inputs.labs)),
        data.draw(st.sampled_from([v.id for v in inputs.vendors])),
        data.draw(st.sampled_from(["active", "suspended", "ended"])),
        data.draw(LEVELS),
        data.draw(SENSITIVITY),
        data.draw(SUBSTITUTABILITY),
        None,
    )
    after = score(replace(inputs, engagements=(*inputs.engagements, new)))
    assert after.vendors[new.vendor_id].lab_harms[new.lab_id] > 0
    for vendor_id, vendor in before.vendors.items():
        assert after.vendors[vendor_id].impact >= vendor.impact
        assert after.vendors[vendor_id].score >= vendor.score
        for lab_id, harm in vendor.lab_harms.items():
            assert after.vendors[vendor_id].lab_harms[lab_id] >= harm


@settings(max_examples=150, deadline=None)
@given(worlds(), st.data())
def test_adding_an_open_incident_never_lowers_a_likelihood(inputs, data):
    before = score(inputs)
    new = IncidentIn(
        max((i.id for i in inputs.incidents), default=0) + 1,
        data.draw(st.sampled_from([v.id for v in inputs.vendors])),
        data.draw(LEVELS),
        data.draw(OPEN_INCIDENT_STATUS),
        None,
    )
    after = score(replace(inputs, incidents=(*inputs.incidents, new)))
    assert new.id in [row["incident"] for row in after.vendors[new.vendor_id].components["incidents"]]
    for vendor_id, vendor in before.vendors.items():
        assert after.vendors[vendor_id].likelihood >= vendor.likelihood
        assert after.vendors[vendor_id].score >= vendor.score


@settings(max_examples=150, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_order(inputs, rng):
    def shuffled(items):
        items = list(items)
        rng.shuffle(items)
        return tuple(items)

    reordered = ScoringInput(
        labs=shuffled(inputs.labs),
        vendors=shuffled(inputs.vendors),
        engagements=shuffled(inputs.engagements),
        dependencies=shuffled(inputs.dependencies),
        incidents=shuffled(inputs.incidents),
        assessments=shuffled(inputs.assessments),
    )
    expected, actual = score(inputs), score(reordered)
    assert actual == expected
    assert list(actual.vendors) == list(expected.vendors) == sorted(expected.vendors)
    assert list(actual.labs) == list(expected.labs) == sorted(expected.labs)
    assert list(actual.shared_dependencies) == list(expected.shared_dependencies)


@settings(max_examples=150, deadline=None)
@given(worlds(), st.randoms(use_true_random=False))
def test_a_partial_run_equals_the_full_run(inputs, rng):
    full = score(inputs)
    vendor_ids = rng.sample([v.id for v in inputs.vendors], rng.randint(0, len(inputs.vendors)))
    lab_ids = rng.sample(inputs.labs, rng.randint(0, len(inputs.labs)))
    partial = compute(
        minimal_inputs(inputs, vendor_ids, lab_ids), now=NOW, vendor_ids=vendor_ids, lab_ids=lab_ids
    )
    assert partial.vendors == {v: full.vendors[v] for v in sorted(vendor_ids)}
    assert partial.labs == {lab: full.labs[lab] for lab in sorted(lab_ids)}
    assert partial.shared_dependencies == {
        v: full.shared_dependencies[v] for v in sorted(vendor_ids) if v in full.shared_dependencies
    }


@settings(max_examples=300, deadline=None)
@given(
    st.floats(min_value=0, max_value=1e5, allow_nan=False)
    | st.integers(0, 10**10).map(lambda n: n / 1e6 + 5e-7)
    | st.integers(0, 10**8).map(lambda n: (2 * n + 1) / 2e6)
)
def test_round6_equals_round_to_six_decimals(value):
    assert round6(value) == round(value, 6)


def test_round6_on_many_random_values():
    rng = random.Random(3)
    for _ in range(20_000):
        value = rng.random() * rng.choice([1, 100, 10_000])
        assert round6(value) == round(value, 6)
