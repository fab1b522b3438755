"""One bound for every date and datetime a user enters, and for every id or number a filter takes.

Years outside MIN_YEAR..MAX_YEAR are typing errors (or probes): 9999-12-31T23:59:59Z overflows the
deadline arithmetic, and year 1 with a +14:00 offset overflows the conversion to UTC. The API's fields
(`vendorrisk.core.api_base`), the web forms (`BoundedDatesFormMixin`) and the filters (`vendorrisk.core.filters`)
all call `check_date_bounds`, so the rule and its message are the same everywhere.
"""

import datetime as dt
import re
from urllib.parse import quote

from django import forms
from django.core.exceptions import ValidationError

MIN_YEAR = 1900
MAX_YEAR = 2200
DATE_BOUNDS_MESSAGE = f"Enter a date between the years {MIN_YEAR} and {MAX_YEAR}."

MAX_ID = 2**63 - 1  # ids are 64-bit on every backend (BigAutoField)
MAX_NUMBER = 2**63 - 1  # any other integer a filter compares with a column


# RFC 3986 characters (unreserved, reserved and "%"): what a `uri` in the OpenAPI schema may hold.
URI_SAFE = "-._~:/?#[]@!$&'()*+,;=%"
_URI = re.compile(r"(?:[A-Za-z0-9" + re.escape(URI_SAFE.replace("%", "")) + r"]|%[0-9A-Fa-f]{2})+\Z")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
URL_MESSAGE = (
    'Enter a URL of RFC 3986 characters only: percent-encode spaces, quotes, "<", ">" and non-ASCII '
    "characters (an international host as xn--…)."
)


def check_strict_url(value) -> None:
    """Raise ValidationError if a (non-empty) URL holds characters a URI may not: `"<>`, spaces, non-ASCII."""
    if value and not _URI.match(value):
        raise ValidationError(URL_MESSAGE, code="invalid_uri")


def safe_uri(value: str) -> str:
    """A stored URL as a valid URI: characters RFC 3986 does not allow are percent-encoded."""
    return _STRAY_PERCENT.sub("%25", quote(value, safe=URI_SAFE)) if value else value


def check_date_bounds(value) -> None:
    """Raise ValidationError unless `value` (a date or datetime, naive or aware) lies in the bounded years.

    The year is checked as written and, for an aware datetime, in UTC too (when the first check passes,
    the conversion cannot overflow).
    """
    if value is None:
        return
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(DATE_BOUNDS_MESSAGE, code="date_out_of_range")
    aware = isinstance(value, dt.datetime) and value.tzinfo is not None
    if aware and not MIN_YEAR <= value.astimezone(dt.UTC).year <= MAX_YEAR:
        raise ValidationError(DATE_BOUNDS_MESSAGE, code="date_out_of_range")


class BoundedDatesFormMixin:
    """A form whose every date and datetime field (range halves too) checks the bounded years, and whose
    URL fields take RFC 3986 characters only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_date_field(field)


def bound_date_field(field) -> None:
    """Attach the year bound to a form field (idempotent); a date range's two halves each get it."""
    targets = [field]
    if isinstance(field, forms.MultiValueField):
        targets += list(field.fields)
    for target in targets:
        if (
            isinstance(target, forms.DateField | forms.DateTimeField)
            and check_date_bounds not in target.validators
        ):
            target.validators.append(check_date_bounds)
