"""The notification stage table of DESIGN.md section 1 as pure arithmetic (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from incidents.notifications import due_times, federal_business_day_deadline
from vendorrisk.core.dates import add_months

from .helpers import at

NY = ZoneInfo("America/New_York")


def ny(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (at(2025, 1, 31, 10), 1, at(2025, 2, 28, 10)),
        (at(2024, 1, 31, 10), 1, at(2024, 2, 29, 10)),  # leap year
        (at(2025, 3, 31, 23, 30), 1, at(2025, 4, 30, 23, 30)),
        (at(2025, 12, 31, 0, 1), 1, at(2026, 1, 31, 0, 1)),
        (at(2025, 1, 15, 9), 13, at(2026, 2, 15, 9)),
    ],
)
def test_a_month_is_a_calendar_month_clamped_to_the_last_day(start, months, expected):
    assert add_months(start, months) == expected


def test_gdpr_report_is_due_72_hours_after_awareness():
    assert due_times("gdpr", at(2025, 3, 1, 12)) == {"report": at(2025, 3, 4, 12)}


def test_hipaa_notice_is_due_60_days_after_awareness():
    assert due_times("hipaa", at(2025, 3, 1, 12)) == {"notice": at(2025, 4, 30, 12)}


def test_nis2_stages_and_the_final_report_one_calendar_month_after_the_notification():
    # awareness + 72 h lands on Jan 31, so the final report clamps to Feb 28
    assert due_times("nis2", at(2025, 1, 28, 10)) == {
        "early_warning": at(2025, 1, 29, 10),
        "notification": at(2025, 1, 31, 10),
        "final_report": at(2025, 2, 28, 10),
    }


def test_nis2_final_report_counts_from_the_submitted_notification():
    due = due_times("nis2", at(2025, 1, 28, 10), {"notification": at(2025, 1, 30, 8)})
    assert due["notification"] == at(2025, 1, 31, 10)  # its own due time stays
    assert due["final_report"] == at(2025, 2, 28, 8)  # Jan 30 + 1 month clamps too


def test_dora_chain_moves_when_an_earlier_stage_is_submitted():
    awareness = at(2025, 3, 1, 12)
    assert due_times("dora", awareness) == {
        "initial": at(2025, 3, 2, 12),
        "intermediate": at(2025, 3, 5, 12),
        "final": at(2025, 4, 5, 12),
    }
    early = due_times("dora", awareness, {"initial": at(2025, 3, 1, 18)})
    assert early["intermediate"] == at(2025, 3, 4, 18)
    assert early["final"] == at(2025, 4, 4, 18)
    both = due_times("dora", awareness, {"initial": at(2025, 3, 1, 18), "intermediate": at(2025, 3, 3, 9)})
    assert both["final"] == at(2025, 4, 3, 9)


def test_sec_form_8k_skips_a_weekend_and_a_monday_federal_holiday():
    # Friday 2025-01-17, then MLK Day on Monday the 20th: Tue 21, Wed 22, Thu 23, Fri 24.
    due = due_times("sec", ny(2025, 1, 17, 15))["form_8k"]
    assert due == ny(2025, 1, 24, 23, 59, 59)
    assert due == at(2025, 1, 25, 4, 59, 59)  # EST is UTC−5


def test_sec_form_8k_counts_from_the_new_york_date_of_awareness():
    # 03:00 UTC on Friday the 17th is still Thursday evening in New York: Fri 17, Tue 21, Wed 22, Thu 23.
    assert federal_business_day_deadline(at(2025, 1, 17, 3), 4) == ny(2025, 1, 23, 23, 59, 59)
    # 05:00 UTC is Friday in New York: the same as the case above.
    assert federal_business_day_deadline(at(2025, 1, 17, 5), 4) == ny(2025, 1, 24, 23, 59, 59)


def test_sec_form_8k_in_summer_time_skips_independence_day():
    # Wed 2025-07-02: Thu 3, (Fri 4 holiday, weekend), Mon 7, Tue 8, Wed 9 — at 23:59:59 EDT (UTC−4).
    assert federal_business_day_deadline(at(2025, 7, 2, 12), 4) == at(2025, 7, 10, 3, 59, 59)


def test_sec_form_8k_skips_an_observed_holiday():
    # 2026-07-04 is a Saturday, observed on Friday the 3rd: Wed 1 → Thu 2, Mon 6, Tue 7, Wed 8.
    assert federal_business_day_deadline(ny(2026, 7, 1, 9), 4) == ny(2026, 7, 8, 23, 59, 59)


def test_awareness_on_a_weekend_counts_from_the_next_business_day():
    # Saturday 2025-03-08: Mon 10, Tue 11, Wed 12, Thu 13.
    assert federal_business_day_deadline(ny(2025, 3, 8, 10), 4) == ny(2025, 3, 13, 23, 59, 59)
