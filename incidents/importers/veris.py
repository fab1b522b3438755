"""VERIS JSON (VCDB) → incidents at the partner (vendor) involved. DESIGN.md section 6, `import_veris`.

Input: one JSON file (an incident object or a list of them), JSON Lines (one object a line), or a
folder of such files (`*.json`, `*.JSON` or no extension; file names are not ids). Each incident is
keyed by `incident_id`; a second record with an id already seen in the same run is skipped.

The vendor is the partner named in `actor.partner.notes`. VCDB analysts write free text there: often
just the name ("Iron Mountain Inc"), sometimes a name followed by a sentence ("Patterson Dental a
representative of ..."), sometimes only a sentence ("Partner failed to properly wipe drives") or a
placeholder ("Unknown"). `partner_name` keeps the leading run of capitalised words as the name and
skips notes that do not start with one (see its docstring for the exact rule).
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.core.validators import URLValidator
from django.utils import timezone

from incidents.choices import AttackVector, DataExposure, IncidentStatus
from vendorrisk import jsonguard
from vendors.choices import DataCategory, Severity
from vendors.models import NAME_MAX, TEXT_MAX
from vendors.validators import COUNTRY_CODES

from .bulk import BulkCreate
from .names import VendorDirectory, as_fk, clean_name, clean_text
from .report import Importer, ImportReport, RecordError, SourceRecord
from .store import IncidentStore

SOURCE = "veris"

SEVERITY_BY_RATING = {
    "Catastrophic": Severity.CRITICAL,
    "Damaging": Severity.HIGH,
    "Painful": Severity.MEDIUM,
    "Distracting": Severity.LOW,
    "Insignificant": Severity.LOW,
}

# attribute.confidentiality.data[].variety → the register's data categories. VERIS varieties that
# name none of them (Internal, Secrets, Classified, System, Copyrighted, Other, Unknown) add nothing:
# "internal documents" or "trade secrets" do not say whether training data or model weights leaked.
DATA_CATEGORY_BY_VARIETY = {
    "Personal": DataCategory.PERSONAL_DATA,
    "Medical": DataCategory.PERSONAL_DATA,
    "Payment": DataCategory.PERSONAL_DATA,
    "Bank": DataCategory.PERSONAL_DATA,
    "Credentials": DataCategory.CREDENTIALS,
    "Source code": DataCategory.SOURCE_CODE,
}

DATA_EXPOSURE_BY_DISCLOSURE = {
    "Yes": DataExposure.CONFIRMED,
    "Potentially": DataExposure.SUSPECTED,
    "Unknown": DataExposure.SUSPECTED,
    "No": DataExposure.NONE,
}

# Attack vector: the first rule that matches wins, most specific first.
#   malware.variety Ransomware                          → ransomware
#   social.variety Phishing                             → phishing
#   hacking.variety Use of stolen creds / Brute force   → credential_theft
#   hacking.vector or malware.vector Partner, or
#   hacking.vector 3rd party desktop                    → supply_chain (came in through another party)
#   error.variety Misconfiguration                      → misconfiguration
#   any misuse action                                   → insider (misuse is by people with access)
#   only action.unknown, or no action                   → unknown
#   anything else (loss, theft, disposal, misdelivery…) → other
# A partner *actor* alone does not make it supply_chain: the incident is recorded at the partner, so
# the partner's own staff losing a box is their error, not an attack through their supply chain.
CREDENTIAL_HACKING = {"Use of stolen creds", "Brute force"}
SUPPLY_CHAIN_VECTORS = {"Partner", "3rd party desktop"}

# Notes that are placeholders, or that open with a word that starts a sentence rather than a name.
PLACEHOLDER_NOTES = {"unknown", "not listed", "none", "n/a", "na", "unnamed", "not disclosed", "other"}
NOT_A_NAME_START = {
    "a", "an", "the", "this", "that", "these", "he", "she", "it", "they", "we", "in", "when", "after",
    "partner", "partners", "unknown", "data", "company", "call", "employee", "been", "programing",
    "programming", "renovation", "landlord", "numerous", "website", "actor", "agents",
}  # fmt: skip
# Capitalised words that open the sentence written after a name ("CVS Pharmacy This is ...").
SENTENCE_SUBJECTS = {
    "this",
    "that",
    "he",
    "she",
    "it",
    "they",
    "we",
    "partner",
    "actor",
    "agents",
    "sub-contract",
}
NAME_CONNECTORS = {"of", "and", "&", "for", "de", "du", "la", "y", "-", "/", "+"}
NAME_MAX_WORDS = 8
_UPPER_START = re.compile(r"^[\"'(]*[A-Z0-9]")
# "SystemsAscend provided ...": the analyst left out the space between the name and the sentence.
_GLUED_SENTENCE = re.compile(r"^(.*[a-z)])([A-Z][a-z]+)$")


def partner_name(notes: str | None) -> str | None:
    """The partner named at the start of `actor.partner.notes`, or None when the notes name nobody.

    Rule: notes that are one word are the name ("naviHealth"). Otherwise they must start with a
    capitalised word that does not open a sentence ("Partner", "The", "An", ...) and is not a
    placeholder ("Unknown", "not listed"). The name is the leading run of capitalised words, joined by
    "of", "and", "&", ...; it stops at a lower-case word, at a word that opens a sentence ("This",
    "Partner", ...), where the first word repeats ("Sentry Life Insurance Company Sentry ..."), or after
    eight words. Only the first of several names separated by ";" is kept; when a sentence follows
    the name glued to its last word ("SystemsAscend provided"), the glued word is cut off.
    """
    text = clean_text(notes)
    if not text or text.casefold().strip(" .") in PLACEHOLDER_NOTES:
        return None
    text = text.split(";")[0].strip()
    words = text.split(" ")
    if len(words) == 1:
        return clean_name(text) or None
    if not _UPPER_START.match(words[0]) or words[0].casefold().strip("\"'(") in NOT_A_NAME_START:
        return None
    taken: list[str] = []
    for word in words:
        bare = word.strip("\"'(),.:")
        if taken and word.casefold() in NAME_CONNECTORS:
            taken.append(word)
            continue
        if (
            not bare
            or not _UPPER_START.match(bare)
            or (taken and bare.casefold() in SENTENCE_SUBJECTS)
            or (taken and bare == taken[0])
            or len(taken) >= NAME_MAX_WORDS
        ):
            break
        taken.append(word)
    while taken and taken[-1].casefold() in NAME_CONNECTORS:
        taken.pop()
    if taken and len(taken) < len(words):
        glued = _GLUED_SENTENCE.match(taken[-1])
        if glued:
            taken[-1] = glued.group(1)
    return clean_name(" ".join(taken)) or None


def read_veris(path: Path) -> Iterator[SourceRecord]:
    """Every VERIS record under `path`, with its location (line in JSON Lines, else file name/index)."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in ("", ".json")
        )
        if not files:
            raise RecordError(
                f"{path} holds no VERIS files (*.json, *.JSON or without an extension).", record=str(path)
            )
        for file in files:
            try:
                text = _read_text(file)
            except RecordError as exc:
                yield SourceRecord(payload=exc, record=file.name)
                continue
            yield from _read_document(file, text, label=file.name)
        return
    if not path.is_file():
        raise RecordError(f"{path} is neither a file nor a folder.", record=str(path))
    text = _read_text(path)
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if path.suffix.lower() in (".jsonl", ".ndjson") or (first.startswith("{") and first.endswith("}")):
        yield from _read_lines(text)
    else:
        yield from _read_document(path, text, label=path.name)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(
            f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}).", record=path.name
        )


def _read_lines(text: str) -> Iterator[SourceRecord]:
    # Physical lines end at "\n" only: str.splitlines() would also split at U+2028, which JSON allows
    # unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            payload = jsonguard.loads(line)
        except json.JSONDecodeError as exc:
            payload = RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})")
        yield SourceRecord(payload=payload, line=number)


def _read_document(path: Path, text: str, *, label: str) -> Iterator[SourceRecord]:
    try:
        payload = jsonguard.loads(text)
    except json.JSONDecodeError as exc:
        error = RecordError(f"{label} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")
        yield SourceRecord(payload=error, record=label)
        return
    if isinstance(payload, list):
        for index, item in enumerate(payload):
            yield SourceRecord(payload=item, record=f"{label}[{index}]")
    else:
        yield SourceRecord(payload=payload, record=label)


def _dig(obj, *keys):
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def incident_date(record: dict) -> datetime:
    """timeline.incident {year, month, day}; a missing month or day counts as 1. Midnight UTC."""
    when = _dig(record, "timeline", "incident")
    if not isinstance(when, dict):
        raise RecordError("timeline.incident is missing (it needs at least a year)")
    parts = {}
    for name, default in (("year", None), ("month", 1), ("day", 1)):
        value = when.get(name, default)
        if value is None or isinstance(value, bool) or not isinstance(value, int | str):
            raise RecordError(f"timeline.incident.{name} must be a whole number, not {value!r}")
        try:
            parts[name] = int(value)
        except ValueError:
            raise RecordError(f"timeline.incident.{name} must be a whole number, not {value!r}")
    year, month, day = parts["year"], parts["month"], parts["day"]
    if not 1900 <= year <= timezone.now().year:
        raise RecordError(f"timeline.incident.year {year} is out of range")
    if not 1 <= month <= 12:
        raise RecordError(f"timeline.incident.month {month} is not a month")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise RecordError(f"timeline.incident.day {day} does not exist in {year}-{month:02d}")
    moment = datetime(year, month, day, tzinfo=UTC)
    if moment > timezone.now():
        raise RecordError(f"timeline.incident {moment.date()} is in the future")
    return moment


def records_total(confidentiality: dict) -> int | None:
    """data_total, else the sum of data[].amount (VCDB sometimes fills only the amounts)."""
    total = confidentiality.get("data_total")
    if total is None:
        amounts = [d.get("amount") for d in confidentiality.get("data") or [] if isinstance(d, dict)]
        amounts = [a for a in amounts if isinstance(a, int) and not isinstance(a, bool) and a > 0]
        total = sum(amounts) if amounts else None
    if total is None:
        return None
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise RecordError(f"attribute.confidentiality.data_total must be a whole number ≥ 0, not {total!r}")
    return total


def severity_of(record: dict, total: int | None) -> str:
    rating = _dig(record, "impact", "overall_rating")
    if rating in SEVERITY_BY_RATING:
        return SEVERITY_BY_RATING[rating]
    if total is not None:
        if total >= 1_000_000:
            return Severity.CRITICAL
        if total >= 100_000:
            return Severity.HIGH
        if total >= 1_000:
            return Severity.MEDIUM
        return Severity.LOW
    return Severity.MEDIUM


def attack_vector_of(record: dict) -> str:
    action = record.get("action") if isinstance(record.get("action"), dict) else {}

    def values(kind: str, key: str) -> set:
        found = _dig(action, kind, key)
        return set(found) if isinstance(found, list) else set()

    if "Ransomware" in values("malware", "variety"):
        return AttackVector.RANSOMWARE
    if "Phishing" in values("social", "variety"):
        return AttackVector.PHISHING
    if values("hacking", "variety") & CREDENTIAL_HACKING:
        return AttackVector.CREDENTIAL_THEFT
    if (values("hacking", "vector") | values("malware", "vector")) & SUPPLY_CHAIN_VECTORS:
        return AttackVector.SUPPLY_CHAIN
    if "Misconfiguration" in values("error", "variety"):
        return AttackVector.MISCONFIGURATION
    if "misuse" in action:
        return AttackVector.INSIDER
    if not set(action) - {"unknown"}:
        return AttackVector.UNKNOWN
    return AttackVector.OTHER


def data_categories_of(confidentiality: dict) -> list[str]:
    found = []
    for item in confidentiality.get("data") or []:
        category = DATA_CATEGORY_BY_VARIETY.get(item.get("variety")) if isinstance(item, dict) else None
        if category and category not in found:
            found.append(category)
    return [str(c) for c in found]


def data_exposure_of(confidentiality: dict) -> str:
    disclosure = confidentiality.get("data_disclosure")
    if disclosure in DATA_EXPOSURE_BY_DISCLOSURE:
        return DATA_EXPOSURE_BY_DISCLOSURE[disclosure]
    # Not coded: a confidentiality attribute means data was at stake; without one, nothing says so.
    return DataExposure.SUSPECTED if confidentiality else DataExposure.NONE


def title_of(summary: str, vendor: str, victim: str, when: datetime) -> str:
    if summary:
        first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0]
        title = first if len(first) <= NAME_MAX else summary
        if len(title) > NAME_MAX:
            title = title[: NAME_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return title
    victim_part = f" affecting {victim}" if victim else ""
    return f"Incident at {vendor}{victim_part} ({when:%Y-%m})"[:NAME_MAX]


def source_url_of(reference) -> str:
    """The first URL in `reference` (VCDB separates several with ';' or spaces), if it is a valid one."""
    if not isinstance(reference, str):
        return ""
    validate = URLValidator(schemes=["http", "https"])
    for candidate in re.split(r"[;\s]+", reference):
        candidate = candidate.strip().rstrip(",")
        if candidate.startswith(("http://", "https://")) and len(candidate) <= 500:
            try:
                validate(candidate)
            except Exception:  # noqa: S112 - not a usable URL; try the next one
                continue
            return candidate
    return ""


class VerisImporter(Importer):
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def prepare(self, report: ImportReport) -> None:
        self.vendors = VendorDirectory()
        self.incidents = IncidentStore(SOURCE)
        # New vendors and incidents are inserted together (bulk.py): through the services each new
        # incident cost ~90 ms of constraint queries, audit, timeline and notification upkeep, so a
        # 3,000-record preview took 55 s. Updates of existing incidents still go through the services.
        self.bulk = BulkCreate(SOURCE)
        self.seen: set[str] = set()
        self._pending_seen: str | None = None

    def records(self) -> Iterator[SourceRecord]:
        return read_veris(self.path)

    def record_done(self, ok: bool) -> None:
        if ok and self._pending_seen is not None:
            self.seen.add(self._pending_seen)
        for store in (self.vendors, self.incidents, self.bulk):
            store.commit_record() if ok else store.rollback_record()
        self._pending_seen = None

    def end_batch(self, report: ImportReport) -> None:
        self.bulk.flush()

    def finish(self, report: ImportReport) -> None:
        self.bulk.flush(write=not self.preview_only)
        report.extra["vendors_created"] = self.vendors.created

    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        self.bulk.begin_record()
        data = record.payload
        if isinstance(data, RecordError):
            raise data
        if not isinstance(data, dict):
            raise RecordError(f"a VERIS incident must be a JSON object, not {type(data).__name__}")
        incident_id = data.get("incident_id")
        if not isinstance(incident_id, str) or not incident_id.strip():
            raise RecordError("incident_id is missing")
        incident_id = incident_id.strip()
        if len(incident_id) > 200:
            raise RecordError("incident_id is longer than 200 characters")
        if incident_id in self.seen:
            report.skip("duplicate incident_id (an earlier record of this import has it)")
            return
        self._pending_seen = incident_id

        partner = _dig(data, "actor", "partner")
        if not isinstance(partner, dict):
            report.skip("no partner actor (actor.partner)")
            return
        notes = partner.get("notes") if isinstance(partner.get("notes"), str) else ""
        vendor_name = partner_name(notes)
        if vendor_name is None:
            reason = "actor.partner.notes name no partner" if notes.strip() else "actor.partner has no notes"
            report.skip(reason)
            return

        fields = self._fields(data, vendor_name)
        existing = self.incidents.get(incident_id)
        if existing is not None:
            self.incidents.update(report, existing, fields)
            return
        country = next(
            (c for c in partner.get("country") or [] if isinstance(c, str) and c in COUNTRY_CODES), ""
        )
        vendor = self.vendors.get_or_create(
            vendor_name, bulk=self.bulk, country=country, description="Created by the VERIS (VCDB) import."
        )
        incident = self.bulk.incident(
            note=f"Imported from VERIS incident {incident_id}.",
            **as_fk("vendor", vendor),
            external_id=incident_id,
            status=IncidentStatus.CLOSED,
            resolved_at=fields["discovered_at"],
            **fields,
        )
        self.incidents.add(report, incident)

    def _fields(self, data: dict, vendor_name: str) -> dict:
        confidentiality = _dig(data, "attribute", "confidentiality")
        if confidentiality is None:
            confidentiality = {}
        if not isinstance(confidentiality, dict):
            raise RecordError("attribute.confidentiality must be an object")
        if not isinstance(confidentiality.get("data") or [], list):
            raise RecordError("attribute.confidentiality.data must be a list")
        when = incident_date(data)
        total = records_total(confidentiality)
        summary = clean_text(data.get("summary") if isinstance(data.get("summary"), str) else "")
        victim = clean_text(
            _dig(data, "victim", "victim_id") if isinstance(_dig(data, "victim", "victim_id"), str) else ""
        )
        description = summary
        if victim:
            description = f"{summary}\n\nVictim: {victim}." if summary else f"Victim: {victim}."
        return {
            "title": title_of(summary, vendor_name, victim, when),
            "description": description[:TEXT_MAX],
            "severity": severity_of(data, total),
            "attack_vector": attack_vector_of(data),
            "data_exposure": data_exposure_of(confidentiality),
            "data_categories_exposed": data_categories_of(confidentiality),
            "records_affected": total,
            # VERIS gives the discovery only as a duration after the compromise, often in units like
            # "Months" or "Unknown", so the incident date is the best time we have for both.
            "occurred_at": when,
            "discovered_at": when,
            "source_url": source_url_of(data.get("reference")),
        }
