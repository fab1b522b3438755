"""Creating many rows at once with what the create services write for each one.

Through `vendor_create`, `lab_create`, `engagement_create` and `incident_create`, one row costs about
ten queries (constraint checks, slug search, audit diff, timeline entry, dirty-mark graph walk), so
the HHS files (about 1,000 and 1,800 new rows) took 10-15 s. `BulkCreate` does the same work in a few
statements per table, and keeps each piece the services do:

* validation: `full_clean` per row when it is added (so an error names its record), without the
  database-backed uniqueness and check-constraint queries: names are unique through the importer's
  directories, external ids through its `IncidentStore`, slugs are allocated here, and the check
  constraints repeat rules `clean()` already applied (the database still enforces them on insert);
* audit: one django-auditlog CREATE entry per row, built by auditlog's own `log_create` and
  `model_instance_diff` and inserted in bulk (actor None, like the services with `actor=None`);
* the timeline entry `incident_create` writes for each incident (and its audit entry);
* dirty marks through `vendors.dirty`, for the same affected sets as the services: each new vendor
  and lab; for engagements, each lab with the vendors downstream of its engagements' vendors; for
  incidents, the vendors upstream of their vendors. One call per kind (per lab for engagements, so
  `cause_lab` stays right) instead of one per row; the causes name the import and the count;
* `incident_changed` per new incident that some lab is exposed to (its vendor is an engaged vendor or
  downstream of one), so derived rows (notifications) follow; an incident nobody is exposed to has none.
"""

from __future__ import annotations

from collections import defaultdict

from auditlog import get_logentry_model
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models.signals import pre_save
from django.utils.text import slugify

from incidents.models import Incident, IncidentUpdate
from incidents.services import incident_changed
from vendors import dirty, graph_queries
from vendors.models import Engagement, Lab, Vendor

BATCH = 500


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
        """Insert everything collected, in dependency order, then audit, mark dirty and run hooks.

        `write=False` (a preview) drops what was collected: the importer has counted it already.
        """
        if not write:
            for rows in self.rows.values():
                rows.clear()
            self.notes.clear()
            return
        vendors, labs = self.rows[Vendor], self.rows[Lab]
        engagements, incidents = self.rows[Engagement], self.rows[Incident]
        for model in (Vendor, Lab, Engagement, Incident):
            if self.rows[model]:
                model.objects.bulk_create(self.rows[model], batch_size=BATCH)
        updates = [
            IncidentUpdate(incident=incident, body=self.notes[id(incident)], status_to=incident.status)
            for incident in incidents
        ]
        IncidentUpdate.objects.bulk_create(updates, batch_size=BATCH)
        write_create_entries([*vendors, *labs, *engagements, *incidents, *updates])

        what = f"by the {self.source} import"
        if vendors:
            dirty.mark(vendors=[v.id for v in vendors], cause=f"{len(vendors)} vendors created {what}")
        if labs:
            for lab in labs:
                dirty.mark(labs=[lab.id], cause=f"lab {lab.id} created {what}", cause_lab=lab.id)
        by_lab: dict[int, list[Engagement]] = defaultdict(list)
        for engagement in engagements:
            by_lab[engagement.lab_id].append(engagement)
        for lab_id, of_lab in by_lab.items():
            # Counted per lab: the cause is shown to that lab's users only, and says nothing of others.
            dirty.mark(
                vendors=graph_queries.vendors_downstream({e.vendor_id for e in of_lab}),
                labs=[lab_id],
                cause=f"{len(of_lab)} engagements created {what}",
                cause_lab=lab_id,
            )
        if incidents:
            dirty.mark(
                vendors=graph_queries.vendors_upstream({i.vendor_id for i in incidents}),
                cause=f"{len(incidents)} incidents created {what}",
            )
        # Derived rows (notifications) exist only for incidents some lab is exposed to, i.e. whose vendor
        # is reached by a vendor with an engagement. The rest (most of a breach-portal file: new
        # vendors nobody engages) are skipped without the per-incident walk.
        reached = graph_queries.vendors_upstream({i.vendor_id for i in incidents}) if incidents else set()
        engaged = set(
            Engagement.objects.filter(vendor_id__in=reached).values_list("vendor_id", flat=True).distinct()
        )
        exposed_vendors = graph_queries.vendors_downstream(engaged) if engaged else set()
        for incident in incidents:
            if incident.vendor_id in exposed_vendors:
                incident_changed(incident)
        for rows in self.rows.values():
            rows.clear()
        self.notes.clear()


class _EntryCollector(type(get_logentry_model().objects)):
    """auditlog's own `log_create`, returning the entry unsaved so entries can be inserted in bulk."""

    def create(self, **kwargs):
        return self.model(**kwargs)


def write_create_entries(objects: list[models.Model]) -> None:
    """One auditlog CREATE entry per object, exactly as its post_save receiver would write it.

    A bulk insert sends no pre_save, so it is sent here for each entry: auditlog's receiver (connected
    while `vendorrisk.core.audit.acting_as` is active, as in an admin's import) then sets the actor.
    """
    LogEntry = get_logentry_model()
    collector = _EntryCollector()
    collector.model = LogEntry
    entries = []
    for obj in objects:
        if not auditlog.contains(type(obj)):
            continue
        changes = model_instance_diff(None, obj, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES)
        entry = collector.log_create(obj, action=LogEntry.Action.CREATE, changes=changes)
        if entry is not None:
            pre_save.send(
                sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None
            )
            entries.append(entry)
    LogEntry.objects.bulk_create(entries, batch_size=BATCH)
