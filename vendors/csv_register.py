"""The register-of-information columns of the engagement CSV (import and export; DESIGN.md section 10).

Lists are written separated by ';' (functions by the lab's function identifiers, alternative providers by
vendor name, countries by ISO code); booleans as yes / no; choices by value or label.
"""

from django.db.models import Q

from .choices import (
    ArrangementType,
    DiscontinuationImpact,
    ICTServiceType,
    NonSubstitutableReason,
    Reintegration,
    RelianceLevel,
    TerminationReason,
)
from .models import ENGAGEMENT_REGISTER_FIELDS, Engagement, Function, Vendor

REGISTER_COLUMNS = ENGAGEMENT_REGISTER_FIELDS
REGISTER_CHOICES = {
    "arrangement_type": ArrangementType,
    "ict_service_type": ICTServiceType,
    "termination_reason": TerminationReason,
    "reliance_level": RelianceLevel,
    "non_substitutable_reason": NonSubstitutableReason,
    "reintegration": Reintegration,
    "discontinuation_impact": DiscontinuationImpact,
}
TEXT = ("contract_reference", "overarching_reference")
COUNTRIES = ("governing_law_country", "provision_country")
COUNTRY_LISTS = ("data_locations_at_rest", "data_locations_processing")
DAYS = ("notice_period_lab_days", "notice_period_vendor_days")
BOOLS = ("stores_data", "exit_plan")
YES, NO = {"yes", "true", "1", "y"}, {"no", "false", "0", "n"}

REGISTER_HELP = {
    "contract_reference": "The contractual arrangement reference (unique; optional).",
    "arrangement_type": ", ".join(ArrangementType.values) + ".",
    "overarching_reference": "The overarching arrangement's reference (for a subsequent one).",
    "ict_service_type": "S01 … S19 (the DORA list of ICT services).",
    "functions": "The lab's function identifiers, separated by ';'.",
    "governing_law_country": "ISO 3166-1 alpha-2.",
    "notice_period_lab_days": "Whole days.",
    "notice_period_vendor_days": "Whole days.",
    "termination_reason": ", ".join(TerminationReason.values) + ".",
    "provision_country": "ISO 3166-1 alpha-2.",
    "stores_data": "yes or no.",
    "data_locations_at_rest": "ISO country codes separated by ';'.",
    "data_locations_processing": "ISO country codes separated by ';'.",
    "reliance_level": ", ".join(RelianceLevel.values) + ".",
    "non_substitutable_reason": ", ".join(NonSubstitutableReason.values)
    + " (when substitutability is none or difficult).",
    "exit_plan": "yes or no.",
    "reintegration": ", ".join(Reintegration.values) + ".",
    "discontinuation_impact": ", ".join(DiscontinuationImpact.values) + ".",
    "alternative_providers": "Vendor names, separated by ';'.",
}


def _parts(raw: str) -> list[str]:
    out = []
    for part in raw.replace("|", ";").split(";"):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().casefold()
    for v, label in choices.choices:
        if wanted in (v.casefold(), str(label).casefold()):
            return v
    return None


def parse_register(values: dict, data: dict, errors: list) -> None:
    """Read the register cells of one row into `data` (engagement fields), appending (column, reason)."""
    for column in TEXT:
        data[column] = values.get(column, "")
    for column, choices in REGISTER_CHOICES.items():
        raw = values.get(column, "")
        data[column] = ""
        if raw:
            choice = _choice(raw, choices)
            if choice is None:
                errors.append((column, f"“{raw}” is not one of {', '.join(choices.values)}."))
            else:
                data[column] = choice
    for column in COUNTRIES:
        data[column] = values.get(column, "").upper()
    for column in COUNTRY_LISTS:
        data[column] = [c.upper() for c in _parts(values.get(column, ""))]
    for column in DAYS:
        raw = values.get(column, "")
        data[column] = None
        if raw:
            if raw.isdigit():
                data[column] = int(raw)
            else:
                errors.append((column, f"“{raw}” is not a whole number of days."))
    for column in BOOLS:
        raw = values.get(column, "").casefold()
        data[column] = True if raw in YES else False if raw in NO else None
        if raw and data[column] is None:
            errors.append((column, f"“{values[column]}” is not yes or no."))
    data["alternative_providers"] = []
    for name in _parts(values.get("alternative_providers", "")):
        match = Q(name__iexact=name) | (Q(pk=int(name)) if name.isdigit() else Q(pk__in=[]))
        pk = Vendor.objects.filter(match).values_list("id", flat=True).first()
        if pk is None:
            errors.append(("alternative_providers", f"Unknown vendor “{name}”."))
        elif pk not in data["alternative_providers"]:
            data["alternative_providers"].append(pk)
    identifiers = _parts(values.get("functions", ""))
    data["functions"] = []
    if identifiers and data.get("lab_id"):
        known = dict(
            Function.objects.filter(lab_id=data["lab_id"], identifier__in=identifiers).values_list(
                "identifier", "id"
            )
        )
        for identifier in identifiers:
            if identifier not in known:
                errors.append(("functions", f"The lab has no function “{identifier}”."))
            else:
                data["functions"].append(known[identifier])
    reference = data["contract_reference"]
    if reference and Engagement.objects.filter(contract_reference=reference).exists():
        errors.append(("contract_reference", "Another engagement has this contract reference."))


def check_unique_references(rows, result) -> None:
    """A contract reference may appear once in a file."""
    first: dict[str, int] = {}
    for row in rows:
        reference = row.data.get("contract_reference")
        if not reference:
            continue
        if reference in first:
            result.error(
                row.line, "contract_reference", f"Contract reference repeated from line {first[reference]}."
            )
        else:
            first[reference] = row.line


def export_register(engagement: Engagement, function_ids: dict, vendor_names: dict) -> dict:
    """The register cells of one engagement (`function_ids`: id → identifier; `vendor_names`: id → name)."""
    cells = {c: getattr(engagement, c) or "" for c in (*TEXT, *REGISTER_CHOICES, *COUNTRIES)}
    for column in COUNTRY_LISTS:
        cells[column] = ";".join(getattr(engagement, column) or [])
    for column in DAYS:
        value = getattr(engagement, column)
        cells[column] = "" if value is None else value
    for column in BOOLS:
        value = getattr(engagement, column)
        cells[column] = "" if value is None else ("yes" if value else "no")
    cells["functions"] = ";".join(function_ids.get(f, str(f)) for f in engagement.functions or [])
    cells["alternative_providers"] = ";".join(
        vendor_names.get(v, str(v)) for v in engagement.alternative_providers or []
    )
    return cells
