"""HHS OCR breach CSV files, row by row: reading, column picking and cell parsing (used by hhs.py).

What the two HHS formats need before any row touches the database: the column names of each format and
which are required, `read_csv` (the normalised header, then each row with the physical line it starts
on), `pick_columns` and `cell_text`, the parsers of counts (`parse_individuals`) and dates (`parse_date`,
`moment`), the rating of a breach by its size (`size_rating`) and its attack vector from the breach type
and narrative (`attack_vector_of`), and the two row parsers: `parse_ba_row` (2014 format → `BaRow`) and
`parse_ocr_row` (portal export → `OcrRow` with the incident's vendor-facing fields). Bad cells raise a
`RecordError` naming the column. Keys, pairing with earlier imports and the writes stay in hhs.py.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.utils import timezone

from incidents.choices import AttackVector, DataExposure
from vendors.choices import Criticality, DataCategory, Severity
from vendors.models import NAME_MAX, TEXT_MAX

from .names import clean_name, clean_text, name_key
from .report import RecordError

PORTAL_URL = "https://ocrportal.hhs.gov/ocr/breach/breach_report.jsf"
NO_BUSINESS_ASSOCIATE = {"not applicable", "n/a", "na", "none", "unknown", "no"}

BA_COLUMNS = {
    "entity": "name of covered entity",
    "state": "state",
    "business_associate": "business associate involved",
    "individuals": "individuals affected",
    "date_text": "date of breach",
    "type": "type of breach",
    "location": "location of breached information",
    "summary": "summary",
    "breach_start": "breach start",
    "breach_end": "breach end",
}
BA_REQUIRED = ("entity", "business_associate", "individuals", "date_text")
OCR_COLUMNS = {
    "entity": "name of covered entity",
    "state": "state",
    "entity_type": "covered entity type",
    "individuals": "individuals affected",
    "submitted": "breach submission date",
    "type": "type of breach",
    "location": "location of breached information",
    "ba_present": "business associate present",
    "web_description": "web description",
}
OCR_REQUIRED = ("entity", "individuals", "submitted")
YES_NO = {"yes": "Yes", "true": "Yes", "no": "No", "false": "No", "": ""}

# The narrative sometimes says how it happened; the breach type alone (Hacking/IT Incident, Theft,
# Loss, Unauthorized Access/Disclosure, Improper Disposal) is known but not one of the register's
# vectors, so it is `other`; a row without a type is `unknown`.
VECTOR_WORDS = (
    (re.compile(r"ransomware", re.I), AttackVector.RANSOMWARE),
    (re.compile(r"phish", re.I), AttackVector.PHISHING),
    (re.compile(r"misconfigur", re.I), AttackVector.MISCONFIGURATION),
)
_DATE_IN_TEXT = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def size_rating(individuals: int) -> str:
    """Criticality of the engagement and severity of the incident, from the individuals affected."""
    if individuals >= 100_000:
        return Criticality.CRITICAL
    if individuals >= 10_000:
        return Criticality.HIGH
    if individuals >= 1_000:
        return Criticality.MEDIUM
    return Criticality.LOW


def attack_vector_of(breach_type: str, narrative: str) -> str:
    for pattern, vector in VECTOR_WORDS:
        if pattern.search(narrative):
            return vector
    return AttackVector.OTHER if breach_type else AttackVector.UNKNOWN


def _header_name(value: str) -> str:
    value = value.replace("\ufeff", "").strip().casefold()
    return " ".join(re.sub(r"[._]+", " ", value).split())


def read_csv(path: Path) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The header ({normalised column name: index}) and the rows with the physical line each starts on."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}).", line=1)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise RecordError(f"{path.name} is empty.", line=1)
    except csv.Error as exc:
        raise RecordError(f"the header is not valid CSV ({exc})", line=1)
    columns = {}
    for index, name in enumerate(header):
        columns.setdefault(_header_name(name), index)

    def rows() -> Iterator[tuple[int, list[str]]]:
        previous = reader.line_num
        while True:
            start = previous + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise RecordError(f"not valid CSV ({exc})", line=start)
            previous = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                row = RecordError(f"has {len(row)} fields, the header has {len(header)}")
            yield start, row

    return columns, rows()


def pick_columns(
    columns: dict[str, int], wanted: dict[str, str], required: tuple[str, ...], fmt: str
) -> dict:
    missing = [wanted[k] for k in required if wanted[k] not in columns]
    if missing:
        raise RecordError(f"this {fmt} file has no column {', '.join(repr(m) for m in missing)}", line=1)
    return {key: columns[name] for key, name in wanted.items() if name in columns}


def cell_text(row: list[str], picked: dict, key: str) -> str:
    """The cleaned text of a picked column ("" when the file has no such column)."""
    index = picked.get(key)
    return clean_text(row[index]) if index is not None else ""


def parse_individuals(value: str) -> int:
    """Individuals Affected: a whole number, thousands separators allowed."""
    digits = value.replace(",", "").strip()
    if not digits.isdigit():
        raise RecordError(f"Individuals Affected {value!r} is not a whole number")
    return int(digits)


def parse_date(value: str, column: str) -> date:
    """A YYYY-MM-DD or MM/DD/YYYY date, not in the future nor before 1900."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise RecordError(f"{column} {value!r} is not a date (MM/DD/YYYY or YYYY-MM-DD)")
    if parsed > timezone.now().date():
        raise RecordError(f"{column} {parsed} is in the future")
    if parsed.year < 1900:
        raise RecordError(f"{column} {parsed} is too far in the past")
    return parsed


def moment(day: date) -> datetime:
    """Midnight UTC of `day`: the incidents' timestamps."""
    return datetime.combine(day, datetime.min.time(), UTC)


@dataclass(frozen=True)
class BaRow:
    entity: str
    business_associate: str
    state: str
    individuals: int
    start: date
    end: date
    date_text: str
    breach_type: str
    location: str
    summary: str


def parse_ba_row(row: list[str], picked: dict) -> BaRow | None:
    """A 2014-format row's cells, or None when it names no business associate."""
    cell = lambda key: cell_text(row, picked, key)  # noqa: E731
    business_associate = clean_name(cell("business_associate"))
    if not business_associate or business_associate.casefold() in NO_BUSINESS_ASSOCIATE:
        return None
    entity = clean_name(cell("entity"))
    if not entity:
        raise RecordError("Name_of_Covered_Entity is empty")
    date_text = cell("date_text")
    if cell("breach_start"):
        start = parse_date(cell("breach_start"), "breach_start")
    else:
        found = _DATE_IN_TEXT.search(date_text)
        if not found:
            raise RecordError(f"Date_of_Breach {date_text!r} holds no date (MM/DD/YYYY)")
        start = parse_date(found.group(0), "Date_of_Breach")
    end = parse_date(cell("breach_end"), "breach_end") if cell("breach_end") else start
    if end < start:
        raise RecordError(f"breach_end {end} is before breach_start {start}")
    return BaRow(
        entity=entity,
        business_associate=business_associate,
        state=cell("state"),
        individuals=parse_individuals(cell("individuals")),
        start=start,
        end=end,
        date_text=date_text,
        breach_type=cell("type"),
        location=cell("location"),
        summary=cell("summary"),
    )


@dataclass(frozen=True)
class OcrRow:
    entity: str
    key: str
    submitted: date
    fields: dict


def parse_ocr_row(row: list[str], picked: dict) -> OcrRow:
    """A portal-export row: the entity, its key and submission date, and the incident's fields."""
    cell = lambda key: cell_text(row, picked, key)  # noqa: E731
    entity = clean_name(cell("entity"))
    if not entity:
        raise RecordError("Name of Covered Entity is empty")
    submitted = parse_date(cell("submitted"), "Breach Submission Date")
    individuals = parse_individuals(cell("individuals"))
    ba_present = cell("ba_present")
    if ba_present.casefold() not in YES_NO:
        raise RecordError(f"Business Associate Present {ba_present!r} is not Yes or No")
    ba_present = YES_NO[ba_present.casefold()]
    breach_type, location, entity_type = cell("type"), cell("location"), cell("entity_type")
    narrative = cell("web_description")
    title = f"{breach_type or 'Breach'}" + (f" ({location})" if location else "") + f" at {entity}"
    facts = [
        f"Reported to HHS OCR on {submitted:%Y-%m-%d} by {entity}"
        + (f" ({cell('state')})" if cell("state") else "")
        + "."
    ]
    if entity_type:
        facts.append(f"Covered entity type: {entity_type}.")
    facts.append(f"Individuals affected: {individuals:,}.")
    if location:
        facts.append(f"Location of breached information: {location}.")
    if ba_present:
        facts.append(f"Business associate present: {ba_present}.")
    description = "\n\n".join(part for part in (narrative, " ".join(facts)) if part)
    fields = {
        "title": title[:NAME_MAX],
        "description": description[:TEXT_MAX],
        "severity": Severity(size_rating(individuals)),
        "data_exposure": DataExposure.CONFIRMED.value,
        "data_categories_exposed": [DataCategory.PERSONAL_DATA.value],
        "records_affected": individuals,
        "discovered_at": moment(submitted),
        "source_url": PORTAL_URL,
        "attack_vector": attack_vector_of(breach_type, narrative),
    }
    return OcrRow(entity=entity, key=name_key(entity)[:120], submitted=submitted, fields=fields)
