"""The pure modules keep plain strings (no Django); these tests pin them to the model choices."""

from datetime import date

import pytest

from assessments import scoring
from assessments.choices import AssessmentStatus, Rating
from incidents.choices import SEVERITY_ORDER, STATUS_ORDER, IncidentStatus
from vendors import rules
from vendors.choices import (
    EXPOSING_AFTER_STOP,
    Criticality,
    DataSensitivity,
    EngagementStatus,
    Severity,
    Substitutability,
)


def test_engagement_statuses_are_the_model_choices():
    assert list(rules.ENGAGEMENT_STATUSES) == EngagementStatus.values
    assert rules.PROPOSED == EngagementStatus.PROPOSED
    assert rules.ACTIVE == EngagementStatus.ACTIVE
    assert set(EXPOSING_AFTER_STOP) == rules.STOPPED_STATUSES


def test_the_criticality_order_is_the_model_order_lowest_first():
    assert list(rules.CRITICALITY_ORDER) == Criticality.values
    assert rules.highest_criticality(["medium", "critical", "low"]) == "critical"
    assert rules.highest_criticality([]) is None


def test_the_severity_and_status_orders_are_the_model_orders_lowest_first():
    assert SEVERITY_ORDER == ["low", "medium", "high", "critical"] == Severity.values
    assert IncidentStatus.values == STATUS_ORDER


def test_the_scorer_constants_name_every_model_choice_and_nothing_else():
    constants = scoring.DEFAULT_CONSTANTS
    assert set(constants["criticality"]) == set(Criticality.values)
    assert set(constants["data_sensitivity"]) == set(DataSensitivity.values)
    assert set(constants["substitutability"]) == set(Substitutability.values)
    assert set(constants["incident_severity"]) == set(Severity.values)
    assert set(constants["incident_status_factor"]) == set(IncidentStatus.values)
    assert set(constants["base_likelihood"]) == set(Rating.values) | {"none"}
    assert AssessmentStatus.COMPLETED == "completed"


def test_the_bands_are_what_the_band_functions_return():
    assert [scoring.score_band(s) for s in (0, 25, 50, 75)] == list(scoring.SCORE_BANDS)
    assert [scoring.hhi_band(h) for h in (0, 1000, 1801)] == list(scoring.HHI_BANDS)
    assert scoring.band_choices(scoring.HHI_BANDS) == [
        ("unconcentrated", "unconcentrated"),
        ("moderate", "moderate"),
        ("high", "high"),
    ]


DAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("status", "start", "disposed", "now", "on_day"),
    [
        ("proposed", date(2026, 1, 1), None, False, False),
        ("active", date(2026, 1, 1), None, True, True),
        ("active", date(2026, 4, 1), None, True, False),  # starts after the day
        ("suspended", date(2026, 1, 1), None, True, True),
        ("ended", date(2026, 1, 1), DAY, False, True),  # disposed of that very day: still exposed on it
        ("ended", date(2026, 1, 1), date(2026, 3, 9), False, False),
    ],
)
def test_is_exposing_now_and_on_a_day(status, start, disposed, now, on_day):
    assert rules.is_exposing(status, disposed) is now
    assert rules.is_exposing(status, disposed, start_date=start, on=DAY) is on_day


def test_is_exposing_refuses_an_unknown_status_and_a_day_without_a_start():
    with pytest.raises(ValueError, match="paused"):
        rules.is_exposing("paused", None)
    with pytest.raises(ValueError, match="start_date"):
        rules.is_exposing("active", None, on=DAY)


def test_the_scorer_uses_the_one_exposing_rule():
    assert scoring.is_exposing is rules.is_exposing


def test_parent_chain_walks_to_the_ultimate_parent_and_stops_on_a_cycle():
    assert rules.parent_chain(3, {3: 2, 2: 1}.get) == ([3, 2, 1], False)
    assert rules.parent_chain(4, {}.get) == ([4], False)
    assert rules.parent_chain(1, {1: 2, 2: 3, 3: 2}.get) == ([1, 2, 3], True)
