"""Collecting many rows for an importer, validated one record at a time, then written in bulk through
the services (`vendor_bulk_insert`, `lab_bulk_insert`, `engagement_bulk_insert`, `incident_bulk_insert`).

Through the single-row services one row costs about ten queries (constraint checks, slug search, audit
diff, timeline entry, dirty-mark graph walk), so the HHS files (about 1,000 and 1,800 new rows) took
10-15 s. Here `full_clean` runs per row when it is added (so an error names its record), without the
database-backed uniqueness and check-constraint queries: names are unique through the importer's
directories, external ids through its `IncidentStore`, slugs are allocated here, and the check
constraints repeat rules `clean()` already applied (the database still enforces them on insert). The
bulk services then write what the single ones write: audit entries, timeline entries, one event per
row (whose consumers keep notifications in step), score marks per kind (per lab for engagements).
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify

from incidents import services as incident_services
from incidents.models import Incident
from vendors import services as vendor_services
from vendors.models import Engagement, Lab, Vendor


class BulkCreate:
    def __init__(self, source: str):
        self.source = source
        self.rows: dict[type, list[models.Model]] = {Vendor: [], Lab: [], Engagement: [], Incident: []}
        self.notes: dict[int, str] = {}  # id(incident) → its first timeline entry
        self.slugs = {
            Vendor: set(Vendor.objects.values_list("slug", flat=True)),
            Lab: set(Lab.objects.values_list("slug", flat=True)),
        }
        self._mark: dict[type, int] = {}
        self._slugs_taken: list[tuple[type, str]] = []

    # --- per record -----------------------------------------------------------------------------

    def begin_record(self) -> None:
        self._mark = {model: len(rows) for model, rows in self.rows.items()}
        self._slugs_taken = []

    def commit_record(self) -> None:
        self._slugs_taken = []

    def rollback_record(self) -> None:
        for model, length in self._mark.items():
            for row in self.rows[model][length:]:
                self.notes.pop(id(row), None)
            del self.rows[model][length:]
        for model, slug in self._slugs_taken:
            self.slugs[model].discard(slug)
        self._slugs_taken = []

    def _slug(self, model: type, name: str) -> str:
        base = (slugify(name) or "item")[:200]
        slug, n = base, 2
        while slug in self.slugs[model]:
            slug, n = f"{base}-{n}", n + 1
        self.slugs[model].add(slug)
        self._slugs_taken.append((model, slug))
        return slug

    def _add(self, obj: models.Model, *, exclude: tuple[str, ...] = ()) -> models.Model:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
        self.rows[type(obj)].append(obj)
        return obj

    def vendor(self, **data) -> Vendor:
        return self._add(Vendor(slug=self._slug(Vendor, data["name"]), **data))

    def lab(self, **data) -> Lab:
        return self._add(Lab(slug=self._slug(Lab, data["name"]), **data))

    def engagement(self, **data) -> Engagement:
        # The lab and vendor come from this transaction (looked up or created here), so the foreign
        # keys are not checked one query at a time; unsaved ones have no id yet.
        return self._add(Engagement(**data), exclude=("lab", "vendor"))

    def incident(self, *, note: str, **data) -> Incident:
        incident = self._add(Incident(source=self.source, **data), exclude=("vendor",))
        self.notes[id(incident)] = note
        return incident

    # --- at the end -----------------------------------------------------------------------------

    def flush(self, *, write: bool = True) -> None:
        """Insert everything collected, in dependency order, through the services' bulk inserts: each
        audits, records one event per row and marks scores; the consumers of those events (notification
        upkeep) run as for rows written one by one.

        `write=False` (a preview) drops what was collected: the importer has counted it already.
        """
        if write:
            what = f"by the {self.source} import"
            vendor_services.vendor_bulk_insert(
                actor=None, vendors=self.rows[Vendor], cause=f"{{n}} vendors created {what}"
            )
            vendor_services.lab_bulk_insert(
                actor=None, labs=self.rows[Lab], cause=f"lab {{id}} created {what}"
            )
            vendor_services.engagement_bulk_insert(
                actor=None, engagements=self.rows[Engagement], cause=f"{{n}} engagements created {what}"
            )
            incidents = self.rows[Incident]
            incident_services.incident_bulk_insert(
                actor=None,
                incidents=incidents,
                notes=[self.notes[id(incident)] for incident in incidents],
                cause=f"{{n}} incidents created {what}",
            )
        for rows in self.rows.values():
            rows.clear()
        self.notes.clear()
