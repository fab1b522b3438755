"""assessments/scoring.py: the formulas of DESIGN.md section 2, pinned on hand-worked cases (no Django)."""

import gc
import json
import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from assessments.scoring import (
    DEFAULT,
    DEFAULT_CONSTANTS,
    AssessmentIn,
    Constants,
    DependencyIn,
    EngagementIn,
    IncidentIn,
    ScoringInput,
    VendorIn,
    compute,
    current_assessment,
    hhi_band,
    is_exposing,
    round6,
    round_score,
    score_band,
)
from vendors.graph import reverse, within_hops_many

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


# --- builders ---------------------------------------------------------------------------------------


def eng(
    id,
    lab,
    vendor,
    status="active",
    criticality="critical",
    sensitivity="restricted",
    substitutability="difficult",
    disposed=None,
):
    """An engagement; the defaults give x = 4·3·1.5 / 24 = 0.75."""
    return EngagementIn(id, lab, vendor, status, criticality, sensitivity, substitutability, disposed)


def incident(id, vendor, severity="critical", status="investigating", resolved_at=None):
    return IncidentIn(id, vendor, severity, status, resolved_at)


def assessment(id, vendor, rating, completed_days_ago, valid_until, status="completed"):
    return AssessmentIn(id, vendor, status, rating, NOW - timedelta(days=completed_days_ago), valid_until)


def world(*, labs=(), parents=None, engagements=(), dependencies=(), incidents=(), assessments=()):
    """Inputs; every vendor mentioned anywhere exists (parents: {vendor: parent}), edges share data
    unless given as (vendor, depends_on, False)."""
    parents = dict(parents or {})
    mentioned = set(parents) | {p for p in parents.values() if p is not None}
    mentioned |= {e.vendor_id for e in engagements} | {i.vendor_id for i in incidents}
    mentioned |= {a.vendor_id for a in assessments}
    deps = []
    for dependency in dependencies:
        vendor, depends_on, *shares = dependency
        deps.append(DependencyIn(vendor, depends_on, shares[0] if shares else True))
        mentioned |= {vendor, depends_on}
    labs = set(labs) | {e.lab_id for e in engagements}
    return ScoringInput(
        labs=tuple(sorted(labs)),
        vendors=tuple(VendorIn(v, parents.get(v)) for v in sorted(mentioned)),
        engagements=tuple(engagements),
        dependencies=tuple(deps),
        incidents=tuple(incidents),
        assessments=tuple(assessments),
    )


def score(inputs, **kwargs):
    return compute(inputs, now=NOW, **kwargs)


# --- reference case (DESIGN.md section 2) -----------------------------------------------------------

M = 10


def reference_world(incidents=()):
    return world(engagements=[eng(100 + lab, lab, M) for lab in (1, 2, 3)], incidents=incidents)


def test_reference_case_three_labs_on_one_vendor():
    result = score(reference_world())
    vendor = result.vendors[M]
    assert [row["exposure"] for row in vendor.components["labs"][0]["engagements"]] == [0.75]
    assert vendor.lab_equivalents == 2.25
    assert vendor.impact == 0.894601
    assert vendor.likelihood == 0.5
    assert vendor.score == 67.1
    assert vendor.band == "high"
    assert vendor.labs_exposed == 3
    assert vendor.base_likelihood == 0.5
    assert vendor.assessment_id is None
    assert vendor.lab_harms == {1: 0.75, 2: 0.75, 3: 0.75}
    for lab_id in (1, 2, 3):
        lab = result.labs[lab_id]
        assert lab.hhi == 10000.0
        assert lab.hhi_look_through == 10000.0
        assert lab.band == "high"
        assert lab.top_vendor == M
        assert lab.top_share == 1.0
        assert lab.effective_providers == 1.0
        assert lab.single_point_of_failure == M
        assert lab.single_point_of_failure_share == 1.0


def test_reference_case_with_a_critical_investigating_incident_is_critical():
    vendor = score(reference_world([incident(1, M, "critical", "investigating")])).vendors[M]
    assert vendor.likelihood == 0.95
    assert vendor.score == 87.2
    assert vendor.band == "critical"
    assert vendor.components["incidents"] == [
        {
            "incident": 1,
            "vendor": M,
            "hops": 0,
            "severity": "critical",
            "status": "investigating",
            "status_factor": 1.0,
            "term": 0.9,
        }
    ]


def test_own_view_rounds_half_up():
    # R(L,M) = 100 · 0.75 · 0.75 = 56.25 exactly: half up gives 56.3 (round() would give 56.2).
    result = score(reference_world())
    assert result.vendors[M].own_views == {1: (56.3, "high"), 2: (56.3, "high"), 3: (56.3, "high")}
    assert result.labs[1].vendors == [{"vendor": M, "harm": 0.75, "score": 56.3, "band": "high"}]


def test_a_vendor_nothing_reaches_scores_zero_low():
    vendor = score(world(parents={5: None}, incidents=[incident(1, 5)])).vendors[5]
    assert (vendor.score, vendor.band, vendor.impact, vendor.labs_exposed) == (0.0, "low", 0.0, 0)
    assert vendor.likelihood == 0.95
    assert vendor.lab_harms == {} and vendor.own_views == {}


# --- exposure -----------------------------------------------------------------------------------------


def test_stopped_engagements_expose_until_disposal_is_confirmed_and_proposed_never():
    disposed = date(2026, 3, 1)
    inputs = world(
        engagements=[
            eng(1, 1, 1, "active"),
            eng(2, 1, 2, "suspended"),
            eng(3, 1, 3, "ended"),
            eng(4, 1, 4, "suspended", disposed=disposed),
            eng(5, 1, 5, "ended", disposed=disposed),
            eng(6, 1, 6, "proposed"),
        ]
    )
    result = score(inputs)
    assert {v: result.vendors[v].labs_exposed for v in range(1, 7)} == {1: 1, 2: 1, 3: 1, 4: 0, 5: 0, 6: 0}
    assert result.vendors[2].lab_harms == {1: 0.75}
    assert result.vendors[3].score == 39.6
    assert result.vendors[4].score == 0.0
    # The lab's concentration counts the three exposing engagements only.
    lab = result.labs[1]
    assert lab.hhi == 3333.333333
    assert [row["engagement"] for row in lab.components["engagements"]] == [1, 2, 3]


def test_is_exposing():
    assert is_exposing("active", None)
    assert is_exposing("active", date(2026, 1, 1))
    assert is_exposing("suspended", None)
    assert is_exposing("ended", None)
    assert not is_exposing("suspended", date(2026, 1, 1))
    assert not is_exposing("ended", date(2026, 1, 1))
    assert not is_exposing("proposed", None)
    with pytest.raises(ValueError):
        is_exposing("paused", None)


@pytest.mark.parametrize(
    ("criticality", "sensitivity", "substitutability", "exposure"),
    [
        ("critical", "restricted", "none", 1.0),
        ("low", "public", "easy", 0.020833),  # 1 · 0.5 · 1 / 24
        ("medium", "confidential", "moderate", 0.208333),  # 2 · 2 · 1.25 / 24
        ("high", "internal", "difficult", 0.1875),  # 3 · 1 · 1.5 / 24
    ],
)
def test_engagement_exposure(criticality, sensitivity, substitutability, exposure):
    inputs = world(engagements=[eng(1, 1, 1, "active", criticality, sensitivity, substitutability)])
    vendor = score(inputs).vendors[1]
    assert vendor.components["labs"][0]["engagements"][0]["exposure"] == exposure
    assert vendor.lab_harms == {1: exposure}


def test_harm_is_noisy_or_over_the_labs_engagements_reaching_the_vendor():
    # Lab 1 reaches S through A (k=1, 0.375) and B (k=1, 0.375): h = 1 − 0.625² = 0.609375.
    inputs = world(engagements=[eng(1, 1, 1), eng(2, 1, 2)], dependencies=[(1, 9), (2, 9)])
    vendor = score(inputs).vendors[9]
    assert vendor.lab_harms == {1: 0.609375}
    assert vendor.lab_equivalents == 0.609375
    assert vendor.labs_exposed == 1


def test_harm_breakdown_lists_engagements_by_id_whatever_the_route():
    # Engagement 9 is with vendor 1, found first walking up from W; engagement 3 is with vendor 2.
    inputs = world(
        engagements=[eng(9, 1, 1), eng(3, 1, 2, "active", "low", "public", "easy")],
        dependencies=[(1, 5), (2, 5)],
    )
    row = score(inputs).vendors[5].components["labs"][0]
    assert [term["engagement"] for term in row["engagements"]] == [3, 9]
    assert row["harm"] == 0.38151  # 1 − (1 − 1/96)(1 − 0.375) = 0.381510(4)


def test_two_engagements_of_one_lab_with_one_vendor_combine_by_noisy_or():
    inputs = world(engagements=[eng(1, 1, 5), eng(2, 1, 5, "active", "low", "public", "easy")])
    # 1 − (1 − 0.75)(1 − 1/48) = 0.755208(3)
    assert score(inputs).vendors[5].lab_harms == {1: 0.755208}


# --- reach and hops ---------------------------------------------------------------------------------


def chain_world(incidents=(), dependencies=((1, 2), (2, 3), (3, 4), (4, 5))):
    return world(engagements=[eng(7, 1, 1)], dependencies=dependencies, incidents=incidents)


def test_reach_halves_per_hop_and_stops_after_three_hops():
    result = score(chain_world())
    assert {v: result.vendors[v].lab_harms for v in range(1, 6)} == {
        1: {1: 0.75},
        2: {1: 0.375},
        3: {1: 0.1875},
        4: {1: 0.09375},
        5: {},
    }
    assert [result.vendors[v].score for v in range(1, 6)] == [39.6, 23.5, 12.8, 6.7, 0.0]
    assert result.vendors[4].impact == 0.08949
    assert result.vendors[5].labs_exposed == 0
    assert result.vendors[4].components["labs"] == [
        {
            "lab": 1,
            "harm": 0.09375,
            "engagements": [{"engagement": 7, "vendor": 1, "hops": 3, "exposure": 0.75, "weight": 0.09375}],
        }
    ]


def test_reach_uses_the_shortest_hop_count():
    result = score(chain_world(dependencies=[(1, 2), (2, 3), (3, 4), (1, 4)]))
    assert result.vendors[4].lab_harms == {1: 0.375}
    assert result.vendors[4].components["labs"][0]["engagements"][0]["hops"] == 1


def test_edges_that_do_not_share_data_are_ignored():
    inputs = chain_world(
        dependencies=[(1, 2, False), (1, 3), (3, 4, False)], incidents=[incident(1, 2), incident(2, 4)]
    )
    result = score(inputs)
    assert result.vendors[2].lab_harms == {}
    assert result.vendors[3].lab_harms == {1: 0.375}
    assert result.vendors[4].lab_harms == {}
    assert result.vendors[1].likelihood == 0.5
    assert result.vendors[3].likelihood == 0.5
    assert result.labs[1].hhi_look_through == 12500.0  # groups 1 (f = 1) and 3 (f = 0.5)


def test_cycles_terminate_and_count_each_vendor_once_at_its_shortest_distance():
    inputs = world(
        engagements=[eng(7, 1, 1)],
        dependencies=[(1, 2), (2, 3), (3, 1)],
        incidents=[incident(1, 1, "critical", "investigating")],
    )
    result = score(inputs)
    assert {v: result.vendors[v].lab_harms[1] for v in (1, 2, 3)} == {1: 0.75, 2: 0.375, 3: 0.1875}
    # The incident at 1 is 0 hops from 1, 2 from 2 (2→3→1) and 1 from 3 (3→1).
    assert {v: result.vendors[v].likelihood for v in (1, 2, 3)} == {1: 0.95, 2: 0.6125, 3: 0.725}
    assert result.labs[1].hhi_look_through == 13125.0  # 10000 · (1² + 0.5² + 0.25²)


# --- likelihood ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at_vendor", "likelihood"),
    [(1, 0.95), (2, 0.725), (3, 0.6125), (4, 0.55625), (5, 0.5)],  # 0.9 · 0.5^k; 4 hops: not counted
)
def test_an_incident_downstream_counts_at_half_weight_per_hop(at_vendor, likelihood):
    vendor = score(chain_world(incidents=[incident(1, at_vendor, "critical", "investigating")])).vendors[1]
    assert vendor.likelihood == likelihood


def test_an_incident_upstream_does_not_raise_likelihood():
    result = score(chain_world(incidents=[incident(1, 1)]))
    assert [result.vendors[v].likelihood for v in (1, 2)] == [0.95, 0.5]


def test_fourth_party_incident_breakdown():
    result = score(chain_world(incidents=[incident(5, 2, "high", "contained")]))
    vendor = result.vendors[1]
    # ℓ = 1 − 0.5 · (1 − 0.6 · 1.0 · 0.5) = 0.65; R = 100 · 0.527633 · 0.825 = 43.53...
    assert vendor.likelihood == 0.65
    assert vendor.score == 43.5
    assert vendor.components["incidents"] == [
        {
            "incident": 5,
            "vendor": 2,
            "hops": 1,
            "severity": "high",
            "status": "contained",
            "status_factor": 1.0,
            "term": 0.3,
        }
    ]


@pytest.mark.parametrize(
    ("severity", "likelihood"), [("low", 0.55), ("medium", 0.65), ("high", 0.8), ("critical", 0.95)]
)
def test_incident_severity_weights(severity, likelihood):
    assert (
        score(chain_world(incidents=[incident(1, 1, severity, "reported")])).vendors[1].likelihood
        == likelihood
    )


@pytest.mark.parametrize(
    ("status", "resolved_at", "likelihood"),
    [
        ("reported", None, 0.95),
        ("investigating", None, 0.95),
        ("contained", NOW - timedelta(days=900), 0.95),  # open incidents never fade
        ("resolved", NOW - timedelta(days=30), 0.725),  # 1 − 0.5 · (1 − 0.9 · 0.5)
        ("resolved", NOW - timedelta(days=365), 0.725),  # exactly 365 days: still counts
        ("resolved", NOW - timedelta(days=365, microseconds=1), 0.5),
        ("resolved", None, 0.5),
        ("closed", NOW - timedelta(days=1), 0.6125),  # 1 − 0.5 · (1 − 0.9 · 0.25)
        ("closed", NOW - timedelta(days=365), 0.6125),
        ("closed", NOW - timedelta(days=366), 0.5),
        ("closed", None, 0.5),
    ],
)
def test_incident_status_factor_and_fading(status, resolved_at, likelihood):
    inputs = chain_world(incidents=[incident(1, 1, "critical", status, resolved_at)])
    vendor = score(inputs).vendors[1]
    assert vendor.likelihood == likelihood
    # A faded incident is no term of the product, so the breakdown leaves it out.
    assert len(vendor.components["incidents"]) == (0 if likelihood == 0.5 else 1)


def test_fading_uses_the_absolute_time_whatever_the_zone():
    eastern = timezone(timedelta(hours=-5))
    resolved_at = (NOW - timedelta(days=365)).astimezone(eastern)
    vendor = score(chain_world(incidents=[incident(1, 1, "critical", "resolved", resolved_at)])).vendors[1]
    assert vendor.likelihood == 0.725


def test_several_incidents_combine_by_noisy_or():
    incidents = [incident(1, 1, "medium", "reported"), incident(2, 2, "critical", "investigating")]
    # 1 − 0.5 · (1 − 0.3) · (1 − 0.45) = 0.8075
    assert score(chain_world(incidents=incidents)).vendors[1].likelihood == 0.8075


def test_current_assessment_ignores_expired_and_unfinished_and_takes_the_latest_completed():
    assessments = [
        assessment(1, 1, "strong", 10, TODAY - timedelta(days=1)),  # expired yesterday
        assessment(2, 1, "unsatisfactory", 100, TODAY + timedelta(days=100)),
        assessment(3, 1, "satisfactory", 50, TODAY),  # valid through today, latest completed: current
        assessment(4, 1, "strong", 1, TODAY + timedelta(days=100), status="in_progress"),
        assessment(5, 1, "strong", 1, TODAY + timedelta(days=100), status="draft"),
    ]
    vendor = score(world(engagements=[eng(7, 1, 1)], assessments=assessments)).vendors[1]
    assert vendor.assessment_id == 3
    assert vendor.base_likelihood == 0.2
    assert vendor.likelihood == 0.2
    assert vendor.components["base_likelihood"] == {"rating": "satisfactory", "value": 0.2, "assessment": 3}


def test_current_assessment_breaks_a_completed_at_tie_by_highest_id():
    assessments = [
        assessment(8, 1, "needs_improvement", 5, TODAY + timedelta(days=10)),
        assessment(6, 1, "strong", 5, TODAY + timedelta(days=10)),
    ]
    vendor = score(world(engagements=[eng(7, 1, 1)], assessments=assessments)).vendors[1]
    assert (vendor.assessment_id, vendor.base_likelihood) == (8, 0.4)


@pytest.mark.parametrize(
    ("rating", "base"),
    [("strong", 0.1), ("satisfactory", 0.2), ("needs_improvement", 0.4), ("unsatisfactory", 0.6)],
)
def test_base_likelihood_from_rating(rating, base):
    assessments = [assessment(1, 1, rating, 1, TODAY)]
    assert score(world(engagements=[eng(7, 1, 1)], assessments=assessments)).vendors[1].likelihood == base


def test_no_current_assessment_means_base_likelihood_none():
    assessments = [assessment(1, 1, "strong", 400, TODAY - timedelta(days=35))]
    vendor = score(world(engagements=[eng(7, 1, 1)], assessments=assessments)).vendors[1]
    assert vendor.components["base_likelihood"] == {"rating": "none", "value": 0.5, "assessment": None}


def test_today_is_the_utc_date_of_now():
    late_evening_in_new_york = datetime(2026, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assessments = [AssessmentIn(1, 1, "completed", "strong", NOW, date(2026, 6, 1))]
    assert current_assessment(assessments, today=late_evening_in_new_york.astimezone(UTC).date()) is None
    result = compute(world(engagements=[eng(7, 1, 1)], assessments=assessments), now=late_evening_in_new_york)
    assert result.vendors[1].assessment_id is None


def test_assessment_and_incidents_combine():
    inputs = world(
        engagements=[eng(7, 1, 1)],
        incidents=[incident(1, 1, "high", "resolved", NOW - timedelta(days=10))],
        assessments=[assessment(1, 1, "strong", 1, TODAY)],
    )
    vendor = score(inputs).vendors[1]
    # 1 − 0.9 · (1 − 0.6 · 0.5) = 0.37; R = 100 · 0.527633 · 0.685 = 36.14...
    assert vendor.likelihood == 0.37
    assert vendor.score == 36.1
    assert vendor.band == "moderate"


# --- rounding and bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("risk", "stored"),
    [
        (56.25, 56.3),
        (12.25, 12.3),
        (12.35, 12.4),  # the float 12.35 lies just below 12.35; rounding to 6 decimals first restores it
        (67.0499999999, 67.1),
        (67.04999, 67.0),
        (0.04999999, 0.1),
        (0.0, 0.0),
        (100.0, 100.0),
        (24.94, 24.9),
        (87.2235, 87.2),
    ],
)
def test_round_score_is_half_up_after_rounding_to_six_decimals(risk, stored):
    assert round_score(risk) == stored


@pytest.mark.parametrize(
    "value",
    [
        0.8946007754381357,
        2.0000005,
        0.0000025,
        0.0000015,
        1.2345675,
        5555.5555555,
        0.75,
        0.1 + 0.2,
        1e-7,
        0.0,
    ],
)
def test_round6_is_exactly_round_to_six_decimals(value):
    assert round6(value) == round(value, 6)


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.0, "low"), (24.9, "low"), (25.0, "moderate"), (49.9, "moderate"), (50.0, "high"), (74.9, "high")]
    + [(75.0, "critical"), (100.0, "critical")],
)
def test_score_band(value, band):
    assert score_band(value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.0, "unconcentrated"), (999.999999, "unconcentrated"), (1000.0, "moderate"), (1800.0, "moderate")]
    + [(1800.000001, "high"), (10000.0, "high")],
)
def test_hhi_band(value, band):
    assert hhi_band(value) == band


# --- lab concentration ------------------------------------------------------------------------------


def test_two_brands_of_one_parent_count_as_one_group():
    # 1 is the parent of 2 and 3 (3 through 2); 4 stands alone. Groups: 1 (1.5), 4 (0.75).
    inputs = world(
        parents={1: None, 2: 1, 3: 2, 4: None},
        engagements=[eng(1, 1, 2), eng(2, 1, 3), eng(3, 1, 4)],
    )
    lab = score(inputs).labs[1]
    assert lab.hhi == 5555.555556
    assert lab.hhi_look_through == 5555.555556  # nobody passes data on
    assert lab.band == "high"
    assert lab.top_vendor == 1
    assert lab.top_share == 0.666667
    assert lab.effective_providers == 1.8
    assert lab.single_point_of_failure == 1
    assert lab.single_point_of_failure_share == 0.666667
    assert lab.groups == [
        {"group": 1, "exposure": 1.5, "share": 0.666667, "reach_share": 0.666667},
        {"group": 4, "exposure": 0.75, "share": 0.333333, "reach_share": 0.333333},
    ]


def test_hhi_bands_of_a_lab():
    # Ten equal groups: exactly 1000, the first moderate value; eleven: 909.09, unconcentrated.
    ten = world(engagements=[eng(i, 1, i) for i in range(1, 11)])
    lab = score(ten).labs[1]
    assert (lab.hhi, lab.band, lab.effective_providers, lab.top_vendor, lab.top_share) == (
        1000.0,
        "moderate",
        10.0,
        1,
        0.1,
    )
    eleven = world(engagements=[eng(i, 1, i) for i in range(1, 12)])
    assert (score(eleven).labs[1].hhi, score(eleven).labs[1].band) == (909.090909, "unconcentrated")


def test_look_through_sees_a_sole_supplier_that_several_vendors_pass_data_to():
    inputs = world(
        engagements=[eng(1, 1, 1), eng(2, 1, 2), eng(3, 1, 3)], dependencies=[(1, 9), (2, 9), (3, 9)]
    )
    lab = score(inputs).labs[1]
    assert lab.hhi == 3333.333333
    assert lab.effective_providers == 3.0
    assert lab.top_vendor == 1  # three-way tie: lowest root id
    assert lab.top_share == 0.333333
    # f(9) = 3 · 0.75 · 0.5 / 2.25 = 0.5: 10000 · (3/9 + 1/4)
    assert lab.hhi_look_through == 5833.333333
    assert lab.single_point_of_failure == 9
    assert lab.single_point_of_failure_share == 0.5
    assert lab.groups[-1] == {"group": 9, "exposure": 0.0, "share": 0.0, "reach_share": 0.5}


def test_look_through_grows_less_for_separate_fourth_parties_than_for_a_shared_one():
    inputs = world(
        engagements=[eng(1, 1, 1), eng(2, 1, 2), eng(3, 1, 3)], dependencies=[(1, 7), (2, 8), (3, 9)]
    )
    lab = score(inputs).labs[1]
    assert lab.hhi_look_through == 4166.666667  # 10000 · (3/9 + 3/36)
    assert lab.single_point_of_failure == 1


def test_look_through_takes_the_shortest_hop_count_to_any_vendor_of_a_group():
    # 1 → 5 (brand of 4) and 1 → 2 → 4: k(e, group 4) = 1.
    inputs = world(parents={5: 4}, engagements=[eng(1, 1, 1)], dependencies=[(1, 5), (1, 2), (2, 4)])
    lab = score(inputs).labs[1]
    assert {row["group"]: row["reach_share"] for row in lab.groups} == {1: 1.0, 2: 0.5, 4: 0.5}


def test_ties_go_to_the_lowest_root_vendor_id():
    # Vendor 2 belongs to group 9, vendor 4 is its own group: equal shares, top is root 4, not vendor 2.
    inputs = world(parents={2: 9}, engagements=[eng(1, 1, 2), eng(2, 1, 4)])
    lab = score(inputs).labs[1]
    assert (lab.top_vendor, lab.top_share) == (4, 0.5)
    assert (lab.single_point_of_failure, lab.single_point_of_failure_share) == (4, 0.5)
    later_first = world(parents={2: 9}, engagements=[eng(1, 1, 4), eng(2, 1, 2)])
    assert score(later_first).labs[1].top_vendor == 4


def test_parent_cycles_terminate_and_form_one_group():
    inputs = world(parents={5: 6, 6: 5}, engagements=[eng(1, 1, 5), eng(2, 1, 6)])
    lab = score(inputs).labs[1]
    assert (lab.hhi, lab.top_vendor) == (10000.0, 5)


def test_a_lab_without_exposure_has_no_concentration():
    inputs = world(labs=[2], engagements=[eng(1, 1, 1, "proposed")])
    result = score(inputs)
    for lab_id in (1, 2):
        lab = result.labs[lab_id]
        assert lab.hhi == 0.0
        assert lab.hhi_look_through == 0.0
        assert lab.band == "unconcentrated"
        assert lab.top_vendor is None and lab.top_share is None
        assert lab.effective_providers is None
        assert lab.single_point_of_failure is None and lab.single_point_of_failure_share is None
        assert lab.groups == [] and lab.vendors == []


def test_a_labs_own_view_lists_every_vendor_it_reaches_highest_score_first():
    inputs = world(
        engagements=[eng(1, 1, 1), eng(2, 1, 3, "active", "low", "public", "easy"), eng(3, 2, 2)],
        dependencies=[(1, 2), (2, 4)],
        incidents=[incident(1, 4, "critical", "investigating")],
    )
    rows = score(inputs).labs[1].vendors
    # ℓ: 1 → 4 is 2 hops (0.6125), 2 → 4 1 hop (0.725), 4 itself 0.95; vendor 3 has 0.5.
    assert rows == [
        {"vendor": 1, "harm": 0.75, "score": 60.5, "band": "high"},  # 100 · 0.75 · 0.80625
        {"vendor": 2, "harm": 0.375, "score": 32.3, "band": "moderate"},  # 100 · 0.375 · 0.8625
        {"vendor": 4, "harm": 0.1875, "score": 18.3, "band": "low"},  # 100 · 0.1875 · 0.975
        {"vendor": 3, "harm": 0.020833, "score": 1.6, "band": "low"},  # 100 · (1/48) · 0.75
    ]


def test_own_view_ties_order_by_harm_then_vendor_id():
    inputs = world(engagements=[eng(1, 1, 8), eng(2, 1, 3)])
    rows = score(inputs).labs[1].vendors
    assert [row["vendor"] for row in rows] == [3, 8]


# --- shared fourth parties --------------------------------------------------------------------------


def test_a_fourth_party_reached_by_two_labs_only_indirectly_is_shared():
    inputs = world(engagements=[eng(1, 1, 1), eng(2, 2, 2)], dependencies=[(1, 9), (2, 9)])
    shared = score(inputs).shared_dependencies
    assert set(shared) == {9}
    assert shared[9].labs_reaching == 2
    assert shared[9].via == (1, 2)
    assert shared[9].lab_via == {1: (1,), 2: (2,)}


def test_a_vendor_engaged_directly_is_no_shared_fourth_party():
    assert score(reference_world()).shared_dependencies == {}
    # Lab 2 engages 9 directly and only so; labs 1 and 3 reach it through 1 and 3.
    inputs = world(engagements=[eng(1, 1, 1), eng(2, 2, 9), eng(3, 3, 3)], dependencies=[(1, 9), (3, 9)])
    shared = score(inputs).shared_dependencies
    assert (shared[9].labs_reaching, shared[9].via, shared[9].lab_via) == (2, (1, 3), {1: (1,), 3: (3,)})


def test_a_fourth_party_one_lab_reaches_through_two_vendor_groups_is_shared():
    inputs = world(engagements=[eng(1, 1, 1), eng(2, 1, 2)], dependencies=[(1, 9), (2, 3), (3, 9)])
    shared = score(inputs).shared_dependencies
    assert set(shared) == {9}
    assert (shared[9].labs_reaching, shared[9].via, shared[9].lab_via) == (1, (1, 2), {1: (1, 2)})


def test_two_brands_of_one_group_are_one_route_not_two():
    inputs = world(
        parents={1: 5, 2: 5}, engagements=[eng(1, 1, 1), eng(2, 1, 2)], dependencies=[(1, 9), (2, 9)]
    )
    assert score(inputs).shared_dependencies == {}


def test_a_lab_that_also_engages_the_vendor_directly_does_not_count():
    dependencies = [(1, 9), (2, 9), (3, 9)]
    two = world(engagements=[eng(1, 1, 1), eng(2, 2, 2), eng(3, 2, 9)], dependencies=dependencies)
    assert score(two).shared_dependencies == {}
    three = world(
        engagements=[eng(1, 1, 1), eng(2, 2, 2), eng(3, 2, 9), eng(4, 3, 3)], dependencies=dependencies
    )
    shared = score(three).shared_dependencies[9]
    assert (shared.labs_reaching, shared.via, shared.lab_via) == (2, (1, 3), {1: (1,), 3: (3,)})


def test_shared_fourth_parties_count_exposing_engagements_only():
    dependencies = [(1, 9), (2, 9), (3, 9)]
    inputs = world(
        engagements=[
            eng(1, 1, 1),
            eng(2, 2, 2),
            eng(3, 2, 9, "proposed"),  # not a direct engagement: lab 2 still reaches 9 only indirectly
            eng(4, 2, 3, "ended", disposed=date(2026, 1, 1)),  # not a route
        ],
        dependencies=dependencies,
    )
    shared = score(inputs).shared_dependencies[9]
    assert (shared.labs_reaching, shared.via) == (2, (1, 2))


def test_a_vendor_four_hops_away_is_no_shared_fourth_party():
    inputs = world(
        engagements=[eng(1, 1, 1), eng(2, 2, 2)], dependencies=[(1, 3), (2, 3), (3, 4), (4, 5), (5, 6)]
    )
    shared = score(inputs).shared_dependencies
    assert set(shared) == {3, 4, 5}
    assert shared[5].via == (1, 2)


# --- constants and arguments ------------------------------------------------------------------------


def test_default_constants_are_the_design_values():
    assert DEFAULT_CONSTANTS["criticality"] == {"low": 1, "medium": 2, "high": 3, "critical": 4}
    assert DEFAULT_CONSTANTS["data_sensitivity"] == {
        "public": 0.5,
        "internal": 1,
        "confidential": 2,
        "restricted": 3,
    }
    assert DEFAULT_CONSTANTS["substitutability"] == {"easy": 1, "moderate": 1.25, "difficult": 1.5, "none": 2}
    assert DEFAULT_CONSTANTS["incident_severity"] == {"low": 0.1, "medium": 0.3, "high": 0.6, "critical": 0.9}
    assert DEFAULT_CONSTANTS["incident_status_factor"] == {
        "reported": 1.0,
        "investigating": 1.0,
        "contained": 1.0,
        "resolved": 0.5,
        "closed": 0.25,
    }
    assert DEFAULT_CONSTANTS["base_likelihood"] == {
        "strong": 0.1,
        "satisfactory": 0.2,
        "needs_improvement": 0.4,
        "unsatisfactory": 0.6,
        "none": 0.5,
    }
    assert DEFAULT_CONSTANTS["fade_days"] == 365
    assert DEFAULT_CONSTANTS["hop_decay"] == 0.5
    assert DEFAULT_CONSTANTS["max_hops"] == 3
    assert tuple(DEFAULT_CONSTANTS["score_bands"]) == (25, 50, 75)
    assert tuple(DEFAULT_CONSTANTS["hhi_bands"]) == (1000, 1800)
    assert Constants.from_dict(DEFAULT_CONSTANTS) == DEFAULT
    assert DEFAULT.exposure_max == 24


def test_constants_from_settings_merge_over_the_defaults():
    constants = Constants.from_dict({"criticality": {"critical": 8}, "hop_decay": 0.25, "max_hops": 1})
    assert constants.criticality == {"low": 1, "medium": 2, "high": 3, "critical": 8}
    assert constants.exposure_max == 48
    result = compute(chain_world(), now=NOW, constants=constants)
    # x = 8 · 3 · 1.5 / 48 = 0.75 again; one hop at 0.25; two hops not reached.
    assert {v: result.vendors[v].lab_harms for v in (1, 2, 3)} == {1: {1: 0.75}, 2: {1: 0.1875}, 3: {}}


def test_constants_bands_and_fade_days_are_tunable():
    constants = Constants.from_dict({"score_bands": [10, 20, 30], "hhi_bands": [500, 600], "fade_days": 30})
    assert score_band(25, constants) == "high"
    assert hhi_band(550, constants) == "moderate"
    inputs = chain_world(incidents=[incident(1, 1, "critical", "resolved", NOW - timedelta(days=31))])
    assert compute(inputs, now=NOW, constants=constants).vendors[1].likelihood == 0.5


@pytest.mark.parametrize(
    "overrides",
    [
        {"criticalty": {"low": 1}},
        {"criticality": {"extreme": 5}},
        {"hop_decay": 0},
        {"hop_decay": 1.5},
        {"max_hops": -1},
        {"incident_severity": {"low": 2}},
        {"score_bands": [50, 25, 75]},
        {"hhi_bands": [1000]},
        {"substitutability": {"easy": 0}},
    ],
)
def test_constants_refuse_unknown_or_impossible_values(overrides):
    with pytest.raises(ValueError):
        Constants.from_dict(overrides)


def test_compute_needs_an_aware_now():
    with pytest.raises(ValueError):
        compute(reference_world(), now=datetime(2026, 6, 1, 12))


def test_compute_refuses_ids_missing_from_the_inputs():
    with pytest.raises(ValueError):
        score(reference_world(), vendor_ids=[M, 999])
    with pytest.raises(ValueError):
        score(reference_world(), lab_ids=[4])


def test_compute_only_what_is_asked():
    inputs = world(engagements=[eng(1, 1, 1), eng(2, 2, 2)], dependencies=[(1, 9), (2, 9)])
    result = score(inputs, vendor_ids=[9, 1], lab_ids=())
    assert list(result.vendors) == [1, 9]
    assert result.labs == {}
    assert list(result.shared_dependencies) == [9]
    assert list(score(inputs, vendor_ids=(), lab_ids=[2]).labs) == [2]


def test_without_lab_views_labs_skip_their_own_view_and_nothing_else_changes():
    inputs = random_world(random.Random(7))
    full = score(inputs)
    without = score(inputs, lab_views=False)
    assert without.vendors == full.vendors
    assert without.shared_dependencies == full.shared_dependencies
    assert any(lab.vendors for lab in full.labs.values())
    for lab_id, lab in full.labs.items():
        assert without.labs[lab_id] == replace(lab, vendors=[])


def test_without_lab_views_a_lab_needs_only_its_engagements_and_the_graph():
    inputs = random_world(random.Random(8))
    full = score(inputs, lab_views=False)
    for lab_id in inputs.labs:
        alone = replace(
            inputs,
            labs=(lab_id,),
            engagements=tuple(e for e in inputs.engagements if e.lab_id == lab_id),
            incidents=(),
            assessments=(),
        )
        assert score(alone, vendor_ids=(), lab_ids=[lab_id], lab_views=False).labs == {
            lab_id: full.labs[lab_id]
        }


def test_compute_restores_the_garbage_collector():
    assert gc.isenabled()
    score(reference_world())
    assert gc.isenabled()
    gc.disable()
    try:
        score(reference_world())
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError):
        score(reference_world(), vendor_ids=[999])
    assert gc.isenabled()


def test_components_are_json_serialisable():
    inputs = chain_world(incidents=[incident(1, 3)])
    result = score(inputs)
    for vendor in result.vendors.values():
        assert json.loads(json.dumps(vendor.components)) == vendor.components
    for lab in result.labs.values():
        assert json.loads(json.dumps([lab.components, lab.groups, lab.vendors])) == [
            lab.components,
            lab.groups,
            lab.vendors,
        ]


# --- partial runs -----------------------------------------------------------------------------------

STATUSES = ["proposed", "active", "active", "active", "suspended", "ended"]
LEVELS = {
    "criticality": ["low", "medium", "high", "critical"],
    "sensitivity": ["public", "internal", "confidential", "restricted"],
    "substitutability": ["easy", "moderate", "difficult", "none"],
}
INCIDENT_STATUSES = ["reported", "investigating", "contained", "resolved", "closed"]
RATINGS = ["strong", "satisfactory", "needs_improvement", "unsatisfactory", None]


def random_world(rng, *, labs=6, vendors=30, engagements=70, dependencies=45, incidents=15, assessments=15):
    vendor_ids = rng.sample(range(1, 10 * vendors), vendors)
    parents = {}
    for vendor in vendor_ids:
        earlier = [other for other in vendor_ids if other < vendor]
        parents[vendor] = rng.choice(earlier) if earlier and rng.random() < 0.25 else None
    pairs = set()
    while len(pairs) < dependencies:
        vendor, depends_on = rng.sample(vendor_ids, 2)
        pairs.add((vendor, depends_on))
    return ScoringInput(
        labs=tuple(range(1, labs + 1)),
        vendors=tuple(VendorIn(v, parents[v]) for v in vendor_ids),
        engagements=tuple(
            EngagementIn(
                id,
                rng.randint(1, labs),
                rng.choice(vendor_ids),
                rng.choice(STATUSES),
                rng.choice(LEVELS["criticality"]),
                rng.choice(LEVELS["sensitivity"]),
                rng.choice(LEVELS["substitutability"]),
                date(2026, 1, 1) if rng.random() < 0.3 else None,
            )
            for id in rng.sample(range(1, 10 * engagements), engagements)
        ),
        dependencies=tuple(DependencyIn(a, b, rng.random() < 0.85) for a, b in sorted(pairs)),
        incidents=tuple(
            IncidentIn(
                id,
                rng.choice(vendor_ids),
                rng.choice(LEVELS["criticality"]),
                rng.choice(INCIDENT_STATUSES),
                NOW - timedelta(days=rng.choice([0, 100, 365, 366, 700])) if rng.random() < 0.9 else None,
            )
            for id in range(1, incidents + 1)
        ),
        assessments=tuple(
            AssessmentIn(
                id,
                rng.choice(vendor_ids),
                rng.choice(["draft", "in_progress", "completed", "completed"]),
                rng.choice(RATINGS),
                NOW - timedelta(days=rng.choice([1, 10, 10, 200])),
                TODAY + timedelta(days=rng.choice([-1, 0, 30])),
            )
            for id in range(1, assessments + 1)
        ),
    )


def minimal_inputs(inputs, vendor_ids, lab_ids, max_hops=3):
    """Only what `compute` documents a partial run needs (the whole graph, and around the requested ids)."""
    edges = {}
    for dependency in inputs.dependencies:
        if dependency.shares_data:
            edges.setdefault(dependency.vendor_id, []).append(dependency.depends_on_id)
    vendor_ids, lab_ids = set(vendor_ids), set(lab_ids)
    lab_engagements = [e for e in inputs.engagements if e.lab_id in lab_ids]
    lab_reach = within_hops_many({e.vendor_id for e in lab_engagements}, edges, max_hops)
    engaged = within_hops_many(vendor_ids, reverse(edges), max_hops)
    breached = within_hops_many(vendor_ids | lab_reach, edges, max_hops)
    return ScoringInput(
        labs=tuple(sorted(lab_ids)),
        vendors=inputs.vendors,
        engagements=tuple(e for e in inputs.engagements if e.vendor_id in engaged or e.lab_id in lab_ids),
        dependencies=inputs.dependencies,
        incidents=tuple(i for i in inputs.incidents if i.vendor_id in breached),
        assessments=tuple(a for a in inputs.assessments if a.vendor_id in vendor_ids | lab_reach),
    )


@pytest.mark.parametrize("seed", range(12))
def test_a_partial_run_equals_the_full_run_for_the_requested_ids(seed):
    rng = random.Random(seed)
    inputs = random_world(rng)
    full = score(inputs)
    assert full.shared_dependencies, "the world should have some shared fourth parties"
    vendor_ids = rng.sample([v.id for v in inputs.vendors], rng.randint(1, 6))
    lab_ids = rng.sample(inputs.labs, rng.randint(0, 2))
    partial_inputs = minimal_inputs(inputs, vendor_ids, lab_ids)
    assert len(partial_inputs.engagements) < len(inputs.engagements) or len(lab_ids) > 0
    partial = score(partial_inputs, vendor_ids=vendor_ids, lab_ids=lab_ids)
    assert partial.vendors == {v: full.vendors[v] for v in sorted(vendor_ids)}
    assert partial.labs == {lab: full.labs[lab] for lab in sorted(lab_ids)}
    assert partial.shared_dependencies == {
        v: full.shared_dependencies[v] for v in sorted(vendor_ids) if v in full.shared_dependencies
    }


@pytest.mark.parametrize("seed", range(5))
def test_each_vendor_computed_alone_equals_the_full_run(seed):
    inputs = random_world(random.Random(100 + seed), vendors=15, engagements=40, dependencies=25)
    full = score(inputs)
    for vendor in inputs.vendors:
        alone = score(minimal_inputs(inputs, [vendor.id], []), vendor_ids=[vendor.id], lab_ids=[])
        assert alone.vendors == {vendor.id: full.vendors[vendor.id]}
        assert alone.shared_dependencies.get(vendor.id) == full.shared_dependencies.get(vendor.id)


def test_lab_equivalents_sum_the_labs_harms_and_impact_follows():
    inputs = random_world(random.Random(42))
    for vendor in score(inputs).vendors.values():
        assert vendor.lab_equivalents == pytest.approx(sum(vendor.lab_harms.values()), abs=1e-5)
        assert abs(vendor.impact - (1 - math.exp(-vendor.lab_equivalents))) < 1e-6
        assert vendor.labs_exposed == len(vendor.lab_harms)
