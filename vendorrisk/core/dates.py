"""Calendar arithmetic shared by the apps (pure: no Django, no clock)."""

import calendar
import datetime as dt
from typing import TypeVar

T = TypeVar("T", dt.date, dt.datetime)


def add_months(value: T, months: int) -> T:
    """The same day (and time) `months` calendar months later, clamped to that month's last day.

    Works on a date or a datetime (its time and time zone kept): 31 January + 1 month is 28/29 February.
    """
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def instant_token(when: dt.datetime) -> str:
    """An instant as whole microseconds since 1970 (UTC), for a query string: exact, no `+` to escape."""
    return str((when - EPOCH) // dt.timedelta(microseconds=1))


def parse_instant_token(text: str, *, now: dt.datetime) -> dt.datetime | None:
    """The instant of `instant_token`, or None when `text` is not one, or lies in the future or before 2000."""
    if not text.isascii() or not text.isdigit() or len(text) > 17:
        return None
    when = EPOCH + dt.timedelta(microseconds=int(text))
    if when.year < 2000 or when > now:
        return None
    return when
