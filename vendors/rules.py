"""Engagement rules as pure functions of plain values (no Django), owned once.

The model property, the queryset methods (`Engagement.objects.exposing()` / `.exposing_on(day)`), the
incident blast radius, the pages and the scorer all ask these. The strings are the values of
`vendors.choices`; `tests/unit/test_rules_pinned.py` pins them so the two cannot drift apart.
"""

from collections.abc import Callable
from datetime import date

PROPOSED = "proposed"
ACTIVE = "active"
ENGAGEMENT_STATUSES = (PROPOSED, ACTIVE, "suspended", "ended")
# Stopping work does not end exposure: the vendor holds the data until disposal is confirmed.
STOPPED_STATUSES = frozenset({"suspended", "ended"})
# Lowest first: `CRITICALITY_ORDER.index(c)` ranks a criticality.
CRITICALITY_ORDER = ("low", "medium", "high", "critical")


def is_exposing(
    status: str, data_disposed_on: date | None, *, start_date: date | None = None, on: date | None = None
) -> bool:
    """Whether an engagement exposes the lab's data to its vendor.

    Now (no `on`): active, or suspended/ended without confirmed disposal; proposed never exposes.
    On a day `on`: started by then, not proposed, and its data not disposed of before that day.
    """
    if status not in ENGAGEMENT_STATUSES:
        raise ValueError(f"unknown engagement status {status!r}")
    if status == PROPOSED:
        return False
    if on is None:
        return status == ACTIVE or data_disposed_on is None
    if start_date is None:
        raise ValueError("is_exposing(on=day) needs the engagement's start_date")
    return start_date <= on and (data_disposed_on is None or data_disposed_on >= on)


def highest_criticality(criticalities) -> str | None:
    """The highest of these criticalities, or None when there are none."""
    return max(criticalities, key=CRITICALITY_ORDER.index, default=None)


def parent_chain(start: int | None, parent_of: Callable[[int | None], int | None]) -> tuple[list, bool]:
    """Walk a vendor's parent chain: `start`, its parent, … up to the ultimate parent.

    Returns the chain and whether it ran into a cycle (the walk stops before the first repeat, so it
    terminates on bad data too). `parent_of` answers one step: from a dict, a loaded row or a query.
    """
    chain, seen = [start], {start}
    while (parent := parent_of(chain[-1])) is not None:
        if parent in seen:
            return chain, True
        chain.append(parent)
        seen.add(parent)
    return chain, False
