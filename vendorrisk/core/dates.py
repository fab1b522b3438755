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
