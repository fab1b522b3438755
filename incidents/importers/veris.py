"""VERIS JSON (VCDB) → incidents at the partner (vendor) involved. DESIGN.md section 6, `import_veris`.

Input: one JSON file (an incident object or a list of them), JSON Lines (one object a line), or a
folder of such files (`*.json`, `*.JSON` or no extension; file names are not ids). Each incident is
keyed by `incident_id`; a second record with an id already seen in the same run is skipped.

The vendor is the partner named in `actor.partner.notes`. VCDB analysts write free text there: often
just the name ("Iron Mountain Inc"), sometimes a name followed by a sentence ("Patterson Dental a
representative of ..."), sometimes only a sentence ("Partner failed to properly wipe drives") or a
placeholder ("Unknown"). `partner_name` keeps the leading run of capitalised words as the name and
skips notes that do not start with one (see its docstring for the exact rule). It and the other
field mappings are in veris_fields.py; this module reads the files and writes the incidents.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from incidents.choices import IncidentStatus
from vendorrisk.core import jsonguard
from vendors.models import TEXT_MAX
from vendors.validators import COUNTRY_CODES

from .bulk import BulkCreate
from .names import VendorDirectory, as_fk, clean_text
from .report import Importer, ImportReport, RecordError, SourceRecord
from .store import IncidentStore
from .veris_fields import (
    attack_vector_of,
    data_categories_of,
    data_exposure_of,
    dig,
    incident_date,
    partner_name,
    records_total,
    severity_of,
    source_url_of,
    title_of,
)

SOURCE = "veris"


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

        partner = dig(data, "actor", "partner")
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
        confidentiality = dig(data, "attribute", "confidentiality")
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
            dig(data, "victim", "victim_id") if isinstance(dig(data, "victim", "victim_id"), str) else ""
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
