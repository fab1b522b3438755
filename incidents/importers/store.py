"""Imported incidents keyed by (source, external_id): create once, then update in place."""

from __future__ import annotations

from incidents.models import Incident
from incidents.services import incident_create, incident_update

from .report import ImportReport

# The fields every incident source owns: a re-import refreshes these and leaves the rest to people.
SOURCE_OWNED_FIELDS = (
    "title",
    "description",
    "severity",
    "data_exposure",
    "data_categories_exposed",
    "records_affected",
    "occurred_at",
    "discovered_at",
    "source_url",
)


class IncidentStore:
    """The incidents of one source, loaded once per import.

    Re-importing updates only the fields the source owns (`owned`). Status, resolution time, vendor and
    attack vector are set on creation only: after that they are the judgement of the people working
    the incident, and a re-import must not undo their corrections.
    """

    def __init__(self, source: str, *, owned: tuple[str, ...] = SOURCE_OWNED_FIELDS):
        self.source = source
        self.owned = owned
        self.by_external_id: dict[str, Incident] = {
            incident.external_id: incident
            for incident in Incident.objects.filter(source=source).exclude(external_id="")
        }
        self._pending: list[tuple[str, Incident | None]] = []

    def get(self, external_id: str) -> Incident | None:
        return self.by_external_id.get(external_id)

    def create(self, report: ImportReport, *, external_id: str, note: str, **fields) -> Incident:
        incident = incident_create(
            actor=None, note=note, source=self.source, external_id=external_id, **fields
        )
        self._remember(external_id, incident)
        report.created += 1
        return incident

    def add(self, report: ImportReport, incident: Incident) -> Incident:
        """Count in a new incident that a `BulkCreate` will insert at the end of the import."""
        self._remember(incident.external_id, incident)
        report.created += 1
        return incident

    def update(self, report: ImportReport, incident: Incident, fields: dict) -> bool:
        """Bring the source-owned fields up to date. Returns whether anything changed."""
        changes = {
            name: fields[name]
            for name in self.owned
            if name in fields and getattr(incident, name) != fields[name]
        }
        if not changes:
            report.unchanged += 1
            return False
        updated = incident_update(
            actor=None,
            instance=incident,
            note=f"Updated from the {self.source} import: {', '.join(sorted(changes))}.",
            **changes,
        )
        self._remember(incident.external_id, updated)
        report.updated += 1
        return True

    def _remember(self, external_id: str, incident: Incident) -> None:
        self._pending.append((external_id, self.by_external_id.get(external_id)))
        self.by_external_id[external_id] = incident

    def commit_record(self) -> None:
        self._pending.clear()

    def rollback_record(self) -> None:
        for external_id, previous in reversed(self._pending):
            if previous is None:
                self.by_external_id.pop(external_id, None)
            else:
                self.by_external_id[external_id] = previous
        self._pending.clear()
