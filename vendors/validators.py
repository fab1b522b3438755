"""Field validators shared by models, serializers and forms."""

import pycountry
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from stdnum import lei as stdnum_lei
from stdnum.exceptions import ValidationError as StdnumError

COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)
CURRENCY_CODES = frozenset(c.alpha_3 for c in pycountry.currencies)


def validate_country(value: str) -> None:
    if value and value not in COUNTRY_CODES:
        raise ValidationError(f"“{value}” is not an ISO 3166-1 alpha-2 country code (e.g. US, DE).")


def validate_currency(value: str) -> None:
    if value and value not in CURRENCY_CODES:
        raise ValidationError(f"“{value}” is not an ISO 4217 currency code (e.g. USD, EUR).")


def validate_lei(value: str) -> None:
    """ISO 17442: 20 characters, the last two check digits (ISO 7064 mod 97-10)."""
    if not value:
        return
    try:
        if stdnum_lei.compact(value) != value:
            raise StdnumError()
        stdnum_lei.validate(value)
    except StdnumError:
        raise ValidationError(
            f"“{value}” is not a valid LEI (20 characters, upper case, with correct check digits)."
        ) from None


def validate_country_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Must be a list of ISO 3166-1 alpha-2 country codes.")
    unknown = [v for v in value if v not in COUNTRY_CODES]
    if unknown:
        raise ValidationError(f"Not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}.")
    if len(set(value)) != len(value):
        raise ValidationError("Countries must not repeat.")


def validate_id_list(value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationError("Must be a list of ids.")
    if len(set(value)) != len(value):
        raise ValidationError("Ids must not repeat.")


@deconstructible
class ChoiceListValidator:
    """Validates a JSON list holding distinct values from a fixed set (kept serialisable for migrations)."""

    def __init__(self, allowed):
        self.allowed = tuple(sorted(allowed))

    def __call__(self, value) -> None:
        if not isinstance(value, list):
            raise ValidationError("Must be a list.")
        unknown = [v for v in value if not isinstance(v, str) or v not in self.allowed]
        if unknown:
            raise ValidationError(
                f"Unknown value(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(self.allowed)}."
            )
        if len(set(value)) != len(value):
            raise ValidationError("Values must not repeat.")

    def __eq__(self, other) -> bool:
        return isinstance(other, ChoiceListValidator) and self.allowed == other.allowed

    def __hash__(self) -> int:
        return hash(self.allowed)
