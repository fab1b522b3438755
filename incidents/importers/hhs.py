"""HHS OCR breach portal CSV → labs, vendors, engagements and incidents. DESIGN.md section 6, `import_hhs`.

Two formats, told apart by their header:

* **2014 (Ecdat `breaches`)**, with `Business_Associate_Involved` naming the vendor. Each row with a
  business associate (BA) becomes: the covered entity as a lab, the BA as a vendor (names matched
  through `names.name_key`, so "Advanced Data Processing, Inc." and "Advanced  Data Processing Inc"
  are one vendor), an `ended` engagement without disposal and a `closed` incident at the vendor.
  The covered entity is a lab, and labs never see each other: it is named only on the lab's own
  engagement; the incident every user reads (title, description, external id) names the vendor only.
  Rows without a BA (or with "Not Applicable") are skipped. The contract dates are not in the data,
  so the engagement runs over the breach period: `start_date` = first day of the breach, `end_date`
  = its last day (the same day for a one-day breach). The incident occurred on the first day and is
  discovered and resolved (historically) on the last. Severity, like the engagement's criticality,
  follows the individuals affected.
* **Modern portal export** (`Name of Covered Entity`, `Breach Submission Date`, ...; also the Ecdat
  2015 copy with dotted column names). These rows name no BA, so each breach becomes an incident
  (`investigating`: the portal lists cases under investigation) at a vendor named after the entity
  that filed it. A later export updates those incidents in place: rows are keyed by (normalised
  entity name, submission date, occurrence among identical keys) and the report says how many are
  `new`, `changed` and `gone` (in an earlier import, not in this file; they are kept as they are).

Labs are created without notification regimes: these breaches were already reported to HHS (that
is where the rows come from), so HIPAA notices generated for them would all be false "overdue"s.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from incidents.choices import DataExposure, IncidentStatus
from incidents.models import Incident
from vendors.choices import DataCategory, DataSensitivity, EngagementStatus, Severity, Substitutability
from vendors.models import NAME_MAX, TEXT_MAX

from .bulk import BulkCreate
from .hhs_rows import (
    BA_COLUMNS,
    BA_REQUIRED,
    OCR_COLUMNS,
    OCR_REQUIRED,
    PORTAL_URL,
    BaRow,
    OcrRow,
    attack_vector_of,
    cell_text,
    moment,
    parse_ba_row,
    parse_ocr_row,
    pick_columns,
    read_csv,
    size_rating,
)
from .names import LabDirectory, VendorDirectory, as_fk, name_key
from .report import Importer, ImportReport, RecordError, SourceRecord
from .store import IncidentStore

SOURCE = "hhs"
BA_PREFIX = "ba"  # external ids of 2014 rows
OCR_PREFIX = "ocr"  # external ids of modern export rows


def detect_format(path: Path) -> type[Importer]:
    columns, _ = read_csv(path)
    if BA_COLUMNS["business_associate"] in columns:
        return BusinessAssociateImporter
    if OCR_COLUMNS["submitted"] in columns:
        return OcrExportImporter
    raise RecordError(
        "not an HHS OCR breach file: expected a 'Business_Associate_Involved' column (2014 format) or "
        "'Name of Covered Entity' and 'Breach Submission Date' (portal export)",
        line=1,
    )


class HhsImporter(Importer):
    """The format is chosen from the header when the import runs."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.inner: Importer | None = None

    def prepare(self, report: ImportReport) -> None:
        self.inner = detect_format(self.path)(self.path)
        self.inner.preview_only = self.preview_only
        self.inner.prepare(report)

    def records(self) -> Iterator[SourceRecord]:
        return self.inner.records()

    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        self.inner.apply(record, report)

    def record_done(self, ok: bool) -> None:
        self.inner.record_done(ok)

    def end_batch(self, report: ImportReport) -> None:
        self.inner.end_batch(report)

    def finish(self, report: ImportReport) -> None:
        self.inner.finish(report)


class _HhsBase(Importer):
    def __init__(self, path: Path):
        self.path = path

    def prepare(self, report: ImportReport) -> None:
        self.vendors = VendorDirectory()
        self.incidents = IncidentStore(SOURCE)
        # New rows are inserted together at the end (see bulk.py: through the services these files
        # took 10-15 s); updates of existing incidents still go through incident_update.
        self.bulk = BulkCreate(SOURCE)

    def begin(self) -> None:
        self.bulk.begin_record()

    def record_done(self, ok: bool) -> None:
        for store in self._stores():
            store.commit_record() if ok else store.rollback_record()

    def _stores(self) -> list:
        return [self.vendors, self.incidents, self.bulk]

    def end_batch(self, report: ImportReport) -> None:
        self.bulk.flush()

    def finish(self, report: ImportReport) -> None:
        self.bulk.flush(write=not self.preview_only)
        report.extra["vendors_created"] = self.vendors.created


class BusinessAssociateImporter(_HhsBase):
    """The 2014 format: covered entity → lab, business associate → vendor, engagement + incident."""

    def prepare(self, report: ImportReport) -> None:
        super().prepare(report)
        self.labs = LabDirectory()
        self.engagements_created = 0
        self._pending_engagements = 0
        self.occurrences: dict[str, int] = defaultdict(int)
        self._pending_key: str | None = None

    def _stores(self) -> list:
        return [*super()._stores(), self.labs]

    def record_done(self, ok: bool) -> None:
        super().record_done(ok)
        if ok:
            self.engagements_created += self._pending_engagements
            if self._pending_key is not None:
                self.occurrences[self._pending_key] += 1
        self._pending_engagements = 0
        self._pending_key = None

    def finish(self, report: ImportReport) -> None:
        super().finish(report)
        report.extra["labs_created"] = self.labs.created
        report.extra["engagements_created"] = self.engagements_created

    def records(self) -> Iterator[SourceRecord]:
        columns, rows = read_csv(self.path)
        self.picked = pick_columns(columns, BA_COLUMNS, BA_REQUIRED, "2014-format")
        for line, row in rows:
            yield SourceRecord(payload=row, line=line)

    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        self.begin()
        if isinstance(record.payload, RecordError):
            raise record.payload
        raw_ba = cell_text(record.payload, self.picked, "business_associate")
        parsed = parse_ba_row(record.payload, self.picked)
        if parsed is None:
            report.skip(
                "business associate given as 'Not Applicable' or similar"
                if raw_ba
                else "no business associate named"
            )
            return
        key = "|".join(
            (
                BA_PREFIX,
                parsed.start.isoformat(),
                name_key(parsed.business_associate)[:80],
                entity_token(parsed.entity),
            )
        )
        # Identical rows (same day, vendor and client) are told apart by their order in the file.
        self._pending_key = key
        external_id = f"{key}|{self.occurrences[key] + 1}"
        fields = self._fields(parsed)
        existing = self.incidents.get(external_id)
        if existing is not None:
            self.incidents.update(report, existing, fields)
            return
        lab = self.labs.get_or_create(
            parsed.entity, bulk=self.bulk, description="Created by the HHS OCR breach import."
        )
        vendor = self.vendors.get_or_create(
            parsed.business_associate,
            bulk=self.bulk,
            country="US",
            description="Created by the HHS OCR breach import.",
        )
        self.bulk.engagement(
            **as_fk("lab", lab),
            **as_fk("vendor", vendor),
            title=f"{parsed.business_associate} services for {parsed.entity}"[:NAME_MAX],
            status=EngagementStatus.ENDED,
            criticality=size_rating(parsed.individuals),
            data_sensitivity=DataSensitivity.RESTRICTED,
            substitutability=Substitutability.MODERATE,
            data_categories=[DataCategory.PERSONAL_DATA.value],
            start_date=parsed.start,
            end_date=parsed.end,
            # The covered entity is the lab: it is named here, on the lab's own row, and nowhere shared.
            notes="\n\n".join(
                part
                for part in (
                    f"Imported from the HHS OCR breach portal (2014 file, line {record.line}): "
                    f"{parsed.business_associate} was the business associate in a breach reported by "
                    f"{parsed.entity}" + (f" ({parsed.state})" if parsed.state else "") + ". The contract "
                    "dates are unknown; the engagement spans the breach period.",
                    parsed.summary,
                )
                if part
            )[:TEXT_MAX],
        )
        self._pending_engagements += 1
        incident = self.bulk.incident(
            note=f"Imported from the HHS OCR breach portal (2014 file, line {record.line}).",
            **as_fk("vendor", vendor),
            external_id=external_id,
            status=IncidentStatus.CLOSED,
            resolved_at=fields["discovered_at"],
            attack_vector=attack_vector_of(parsed.breach_type, parsed.summary),
            **fields,
        )
        self.incidents.add(report, incident)

    def _fields(self, row: BaRow) -> dict:
        """The incident's shared text names the vendor only: every user reads incidents, and the covered
        entity is a lab (the HHS narrative names it too, so it goes to the lab's engagement notes)."""
        return ba_incident_text(
            breach_type=row.breach_type,
            business_associate=row.business_associate,
            reported=row.end,
            individuals=row.individuals,
            location=row.location,
        ) | {
            "severity": Severity(size_rating(row.individuals)),
            "data_exposure": DataExposure.CONFIRMED,
            "data_categories_exposed": [DataCategory.PERSONAL_DATA.value],
            "records_affected": row.individuals,
            "occurred_at": moment(row.start),
            "discovered_at": moment(row.end),
            "source_url": PORTAL_URL,
        }


def entity_token(entity: str) -> str:
    """The covered entity's part of a 2014 row's external id: a digest, so the id does not name the lab."""
    return hashlib.sha256(name_key(entity)[:80].encode()).hexdigest()[:16]


def ba_incident_text(
    *, breach_type: str, business_associate: str, reported: date, individuals: int, location: str
) -> dict:
    """Title and description of a 2014 row's incident, in vendor-only words."""
    title = f"{breach_type or 'Breach'} at {business_associate} reported {reported:%Y-%m-%d} (HHS OCR)"
    facts = [f"Business associate: {business_associate}.", f"Individuals affected: {individuals:,}."]
    if location:
        facts.append(f"Location of breached information: {location}.")
    facts.append(f"Reported to HHS OCR by a covered entity; breach period ending {reported:%Y-%m-%d}.")
    return {"title": title[:NAME_MAX], "description": " ".join(facts)[:TEXT_MAX]}


class OcrExportImporter(_HhsBase):
    """The modern export: one incident per breach, updated in place by later exports."""

    def prepare(self, report: ImportReport) -> None:
        super().prepare(report)
        # (entity key, submission date) → {occurrence: incident} from earlier imports of this format.
        self.known: dict[tuple[str, str], dict[int, Incident]] = defaultdict(dict)
        for external_id, incident in self.incidents.by_external_id.items():
            parts = external_id.split("|", 3)
            if len(parts) == 4 and parts[0] == OCR_PREFIX and parts[2].isdigit():
                self.known[(parts[3], parts[1])][int(parts[2])] = incident
        self.claimed: set[str] = set()
        report.extra.update({"new": 0, "changed": 0, "gone": 0})

    def records(self) -> Iterator[SourceRecord]:
        """Read the whole file first: pairing rows with known incidents needs every row of a key."""
        columns, rows = read_csv(self.path)
        self.picked = pick_columns(columns, OCR_COLUMNS, OCR_REQUIRED, "portal export")
        parsed: list[tuple[int, OcrRow | RecordError]] = []
        for line, row in rows:
            try:
                if isinstance(row, RecordError):
                    raise row
                parsed.append((line, parse_ocr_row(row, self.picked)))
            except RecordError as exc:
                parsed.append((line, exc))
        targets = self._pair([(line, row) for line, row in parsed if isinstance(row, OcrRow)])
        for line, row in parsed:
            payload = row if isinstance(row, RecordError) else (row, targets[line])
            yield SourceRecord(payload=payload, line=line)

    def _pair(self, rows: list[tuple[int, OcrRow]]) -> dict[int, str]:
        """line → external id. Within one (entity, date) key, a row first takes the known incident with
        exactly its content, then known incidents in order of occurrence, then a new occurrence number,
        so one row dropping out of a same-day pair does not shift the other onto the wrong incident."""
        groups: dict[tuple[str, str], list[tuple[int, OcrRow]]] = defaultdict(list)
        for line, row in rows:
            groups[(row.key, row.submitted.isoformat())].append((line, row))
        targets: dict[int, str] = {}
        for group, members in groups.items():
            known = dict(sorted(self.known.get(group, {}).items()))
            free = dict(known)
            waiting = []
            for line, row in members:
                same = next((n for n, inc in free.items() if _same_content(inc, row.fields)), None)
                if same is None:
                    waiting.append((line, row))
                else:
                    targets[line] = free.pop(same).external_id
            used = set(known)
            for line, _ in waiting:
                if free:
                    targets[line] = free.pop(next(iter(free))).external_id
                else:
                    number = max(used, default=0) + 1
                    used.add(number)
                    targets[line] = _ocr_id(group, number)
        return targets

    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        self.begin()
        if isinstance(record.payload, RecordError):
            raise record.payload
        row, external_id = record.payload
        existing = self.incidents.get(external_id)
        if existing is not None:
            self.claimed.add(external_id)
            if self.incidents.update(report, existing, row.fields):
                report.extra["changed"] += 1
            return
        vendor = self.vendors.get_or_create(
            row.entity, bulk=self.bulk, country="US", description="Created by the HHS OCR breach import."
        )
        fields = dict(row.fields)
        incident = self.bulk.incident(
            note=f"Imported from the HHS OCR breach portal export (line {record.line}).",
            **as_fk("vendor", vendor),
            external_id=external_id,
            status=IncidentStatus.INVESTIGATING,
            attack_vector=fields.pop("attack_vector"),
            **fields,
        )
        self.incidents.add(report, incident)
        report.extra["new"] += 1

    def finish(self, report: ImportReport) -> None:
        super().finish(report)
        known = {inc.external_id for group in self.known.values() for inc in group.values()}
        report.extra["gone"] = len(known - self.claimed)


def _ocr_id(group: tuple[str, str], occurrence: int) -> str:
    key, submitted = group
    return f"{OCR_PREFIX}|{submitted}|{occurrence}|{key}"


def _same_content(incident: Incident, fields: dict) -> bool:
    return all(getattr(incident, name) == value for name, value in fields.items() if name != "attack_vector")
