"""CSV bulk import of engagements: parse, validate every row, then create all of them or none.

One importer for the web page (upload → preview → import) and `POST /api/engagements/import/`. Rows
are checked like one engagement at a time (the model's rules, through `full_clean`) and written by
`services.engagement_bulk_create` in one transaction. Every problem is reported with the line it is
on (the header is line 1; a quoted cell may span lines), the column and the reason, so one run shows
everything there is to fix. Labs outside the importer's labs read as unknown, exactly like labs that
do not exist.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from vendorrisk.core.scoping import scope

from . import services
from .choices import Criticality, DataCategory, DataSensitivity, EngagementStatus, Substitutability
from .csv_register import (
    REGISTER_COLUMNS,
    REGISTER_HELP,
    check_unique_references,
    export_register,
    parse_register,
)
from .models import Engagement, Function, Lab, Vendor

BASE_COLUMNS = (
    "lab",
    "vendor",
    "title",
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_categories",
    "annual_value",
    "currency",
    "start_date",
    "end_date",
    "data_disposed_on",
    "notes",
)
COLUMNS = (*BASE_COLUMNS, *REGISTER_COLUMNS)
REQUIRED = (
    "lab",
    "vendor",
    "title",
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "start_date",
)
CHOICES = {
    "status": EngagementStatus,
    "criticality": Criticality,
    "data_sensitivity": DataSensitivity,
    "substitutability": Substitutability,
}
DATES = ("start_date", "end_date", "data_disposed_on")
LIST_SEPARATORS = (";", "|")
MAX_ROWS = 20_000
MAX_LISTED_ERRORS = 1000
# Spreadsheet formula prefixes: exports escape them with a leading apostrophe, imports undo that.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

HELP = {
    "lab": "Lab name (or id), one of your labs.",
    "vendor": "Vendor name (or id).",
    "title": "What the engagement is.",
    "status": "proposed, active, suspended or ended.",
    "criticality": "low, medium, high or critical.",
    "data_sensitivity": "public, internal, confidential or restricted.",
    "substitutability": "easy, moderate, difficult or none.",
    "data_categories": "Any of " + ", ".join(DataCategory.values) + ", separated by ';'.",
    "annual_value": "A number, e.g. 125000.00 (optional).",
    "currency": "ISO 4217 code, e.g. USD (required with an annual value).",
    "start_date": "YYYY-MM-DD.",
    "end_date": "YYYY-MM-DD; required for an ended engagement.",
    "data_disposed_on": "YYYY-MM-DD; only on a suspended or ended engagement.",
    "notes": "Free text (optional).",
    **REGISTER_HELP,
}


@dataclass
class ParsedRow:
    line: int
    values: dict  # the cells as read
    data: dict  # the engagement fields, ready for the service
    labels: dict = field(default_factory=dict)  # lab / vendor names for the preview


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    errors: list[dict] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    dry_run: bool = False
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    def error(self, line: int | None, column: str | None, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append({"line": line, "column": column, "reason": reason})

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "created": self.created,
            "valid": len(self.rows),
            "errors": list(self.errors),
            "error_count": self.error_count,
            "dry_run": self.dry_run,
        }


def unescape_formula(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_PREFIXES:
        return value[1:]
    return value


def escape_formula(value) -> str:
    """A cell safe to open in a spreadsheet: text starting with = + - @ (or tab/CR) gets a leading '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def decode(content: bytes | str, result: ImportResult) -> str | None:
    if isinstance(content, str):
        text = content
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            result.error(line, None, "The file is not UTF-8 text. Save it as CSV UTF-8 and upload it again.")
            return None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        result.error(line, None, "The file contains a NUL byte; it is not a CSV text file.")
        return None
    return text


class _Lookup:
    """Names (case-insensitive) and ids of what a row may name: labs in the user's scope, all vendors."""

    def __init__(self, queryset):
        self.by_id, self.by_name = {}, {}
        for pk, name in queryset.values_list("id", "name"):
            self.by_id[pk] = name
            self.by_name[name.strip().casefold()] = (pk, name)

    def find(self, value: str) -> tuple[int, str] | None:
        hit = self.by_name.get(value.strip().casefold())
        if hit is None and value.strip().isdigit():
            pk = int(value.strip())
            if pk in self.by_id:
                hit = (pk, self.by_id[pk])
        return hit


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().casefold()
    for v, label in choices.choices:
        if wanted in (v.casefold(), str(label).casefold()):
            return v
    return None


def _parse_row(
    line: int, cells: dict, labs: _Lookup, vendors: _Lookup, result: ImportResult
) -> ParsedRow | None:
    errors: list[tuple[str, str]] = []
    data: dict = {}
    labels: dict = {}
    values = {k: unescape_formula((cells.get(k) or "").strip()) for k in COLUMNS}

    for column in REQUIRED:
        if not values[column]:
            errors.append((column, "This field is required."))
    if values["lab"]:
        hit = labs.find(values["lab"])
        if hit is None:
            errors.append(("lab", f"Unknown lab “{values['lab']}”."))
        else:
            data["lab_id"], labels["lab"] = hit
    if values["vendor"]:
        hit = vendors.find(values["vendor"])
        if hit is None:
            errors.append(("vendor", f"Unknown vendor “{values['vendor']}”."))
        else:
            data["vendor_id"], labels["vendor"] = hit
    data["title"] = values["title"]
    for column, choices in CHOICES.items():
        if values[column]:
            choice = _choice(values[column], choices)
            if choice is None:
                errors.append((column, f"“{values[column]}” is not one of {', '.join(choices.values)}."))
            else:
                data[column] = choice
    categories = []
    raw = values["data_categories"]
    for separator in LIST_SEPARATORS[1:]:
        raw = raw.replace(separator, LIST_SEPARATORS[0])
    for part in (p.strip() for p in raw.split(LIST_SEPARATORS[0])):
        if not part:
            continue
        choice = _choice(part, DataCategory)
        if choice is None:
            errors.append(
                ("data_categories", f"“{part}” is not a data category ({', '.join(DataCategory.values)}).")
            )
        elif choice not in categories:
            categories.append(choice)
    data["data_categories"] = categories
    if values["annual_value"]:
        try:
            amount = Decimal(values["annual_value"].replace(",", "").replace(" ", ""))
            if not amount.is_finite():
                raise InvalidOperation
            data["annual_value"] = amount
        except InvalidOperation:
            errors.append(("annual_value", f"“{values['annual_value']}” is not a number."))
    data["currency"] = values["currency"].upper()
    for column in DATES:
        if values[column]:
            try:
                data[column] = date.fromisoformat(values[column])
            except ValueError:
                errors.append((column, f"“{values[column]}” is not a date; write it as YYYY-MM-DD."))
        elif column != "start_date":
            data[column] = None
    data["notes"] = values["notes"]
    parse_register(values, data, errors)

    if not errors:
        # The model's own rules (lengths, currency, dates, disposal), as for one engagement.
        engagement = Engagement(**data)
        try:
            engagement.full_clean(
                exclude=["lab", "vendor", "owner"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    errors.append((column if column in COLUMNS else None, message))
    for column, reason in errors:
        result.error(line, column, reason)
    if errors:
        return None
    return ParsedRow(line=line, values=values, data=data, labels=labels)


def parse(content: bytes | str, *, user) -> ImportResult:
    """Read and validate a CSV of engagements (writes nothing)."""
    result = ImportResult()
    text = decode(content, result)
    if text is None:
        return result
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.error(1, None, f"The header row cannot be read: {exc}.")
        return result
    if not header or not any(h.strip() for h in header):
        result.error(1, None, "The file is empty. Start from the template: its first line names the columns.")
        return result
    names = [h.strip() for h in header]
    seen = set()
    for name in names:
        if name and name in seen:
            result.error(1, name, "This column appears twice.")
        seen.add(name)
    for name in names:
        if name and name not in COLUMNS:
            result.error(1, name, f"Unknown column. The columns are: {', '.join(COLUMNS)}.")
    for name in REQUIRED:
        if name not in names:
            result.error(1, name, "This required column is missing.")
    if not result.ok:
        return result

    labs = _Lookup(scope(Lab.objects.all(), user))
    vendors = _Lookup(scope(Vendor.objects.all(), user))
    next_line = reader.line_num + 1
    try:
        for cells in reader:
            # The line a record starts on (a quoted cell may hold line breaks, so count, don't guess).
            line, next_line = next_line, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines are not rows
            result.read += 1
            if result.read > MAX_ROWS:
                result.error(line, None, f"Too many rows: import at most {MAX_ROWS} at a time.")
                break
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                result.error(
                    line, None, f"This row has {len(cells)} cells; the header has {len(names)} columns."
                )
                continue
            row = _parse_row(line, dict(zip(names, cells, strict=False)), labs, vendors, result)
            if row is not None:
                result.rows.append(row)
    except csv.Error as exc:
        result.error(reader.line_num, None, f"The CSV is malformed here: {exc}.")
    check_unique_references(result.rows, result)
    if result.read == 0 and result.ok:
        result.error(2, None, "The file has a header but no rows.")
    return result


def run_import(content: bytes | str, *, user, dry_run: bool = False) -> ImportResult:
    """Validate every row; unless `dry_run` or anything is wrong, create them all in one transaction."""
    result = parse(content, user=user)
    result.dry_run = dry_run
    if not result.ok or dry_run:
        return result
    try:
        created = services.engagement_bulk_create(actor=user, rows=[row.data for row in result.rows])
    except ValidationError as exc:  # the service's own check found something the parser did not
        for key, messages in exc.message_dict.items():
            index = int(key.split()[-1]) - 1 if key.startswith("row ") else None
            line = result.rows[index].line if index is not None and index < len(result.rows) else None
            for message in messages:
                result.error(line, None, message)
        return result
    result.created = len(created)
    return result


def template_csv() -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(COLUMNS)
    return out.getvalue()


EXPORT_COLUMNS = ("id", *COLUMNS, "is_exposing")


def export_lookups(user) -> tuple[dict, dict]:
    """What `export_row` needs to name functions and alternative providers (two queries for any count)."""
    functions = dict(scope(Function.objects.all(), user).values_list("id", "identifier"))
    return functions, dict(Vendor.objects.values_list("id", "name"))


def export_row(engagement: Engagement, lookups: tuple[dict, dict] = ({}, {})) -> list[str]:
    """One engagement as CSV cells, escaped against formula injection."""
    values = {
        "id": engagement.id,
        "lab": engagement.lab.name,
        "vendor": engagement.vendor.name,
        "title": engagement.title,
        "status": engagement.status,
        "criticality": engagement.criticality,
        "data_sensitivity": engagement.data_sensitivity,
        "substitutability": engagement.substitutability,
        "data_categories": ";".join(engagement.data_categories or []),
        "annual_value": "" if engagement.annual_value is None else engagement.annual_value,
        "currency": engagement.currency,
        "start_date": engagement.start_date.isoformat(),
        "end_date": engagement.end_date.isoformat() if engagement.end_date else "",
        "data_disposed_on": engagement.data_disposed_on.isoformat() if engagement.data_disposed_on else "",
        "notes": engagement.notes,
        "is_exposing": "yes" if engagement.is_exposing else "no",
        **export_register(engagement, *lookups),
    }
    return [escape_formula(values[c]) for c in EXPORT_COLUMNS]
