"""What this app's events carry: each object's API representation after the change (DESIGN.md section 8).

Built from the models (services may not import the API); `tests/events/test_payloads.py` pins each
field list to its serializer's fields. Left out: names of users (`reported_by_name`, `decided_by_name`),
which the API shows only to readers who may see that user, and the write-only `note`.
"""

from __future__ import annotations

from collections.abc import Sequence

from vendorrisk.core.event_data import cached_related, names, plain
from vendorrisk.core.events import NewEvent
from vendors.models import Lab, Vendor

from .choices import Decision
from .models import Incident, IncidentUpdate, LabResponse, Notification

INCIDENT_FIELDS = [
    "id",
    "vendor",
    "title",
    "description",
    "severity",
    "status",
    "attack_vector",
    "data_exposure",
    "data_categories_exposed",
    "records_affected",
    "occurred_at",
    "discovered_at",
    "vendor_confirmed_at",
    "resolved_at",
    "source_url",
    "source",
    "external_id",
    "reported_by",
    "created_at",
    "updated_at",
]
INCIDENT_UPDATE_FIELDS = ["id", "incident", "author", "created_at", "body", "status_from", "status_to"]
LAB_RESPONSE_FIELDS = [
    "id",
    "incident",
    "lab",
    "decision",
    "data_confirmed_exposed",
    "aware_at",
    "reason",
    "decided_by",
    "decided_at",
    "created_at",
    "updated_at",
]
NOTIFICATION_FIELDS = [
    "id",
    "incident",
    "lab",
    "regime",
    "stage",
    "due_at",
    "submitted_at",
    "reference",
    "created_at",
    "updated_at",
]


def _name(obj, relation: str, known: dict[int, str], attr: str = "name"):
    loaded = cached_related(obj, relation)
    if loaded is not None:
        return getattr(loaded, attr)
    return known.get(getattr(obj, f"{relation}_id"))


def incident_data_many(incidents: Sequence[Incident]) -> list[dict]:
    vendors = names(Vendor, {i.vendor_id for i in incidents if cached_related(i, "vendor") is None})
    return [plain(i, INCIDENT_FIELDS, vendor_name=_name(i, "vendor", vendors)) for i in incidents]


def incident_events(kind: str, incidents: Sequence[Incident], changes: Sequence[dict] | None = None):
    """`incident.<kind>` per incident: a vendor-wide fact, so it concerns no lab in particular."""
    datas = incident_data_many(incidents)
    return [
        NewEvent(f"incident.{kind}", "incident", i.pk, (), data, None if changes is None else changes[n])
        for n, (i, data) in enumerate(zip(incidents, datas, strict=True))
    ]


def incident_update_event(update: IncidentUpdate) -> NewEvent:
    """`incident.update_added`: a timeline entry, which every reader of the incident reads (it names no
    lab), so like the incident's own events it concerns no lab in particular."""
    data = plain(update, INCIDENT_UPDATE_FIELDS)
    return NewEvent("incident.update_added", "incident_update", update.pk, (), data)


def lab_response_data(response: LabResponse) -> dict:
    lab = cached_related(response, "lab")
    halt = None
    if response.decision == Decision.HALT:
        halt = f"/api/vendors/{response.incident.vendor_id}/suspend/"
    return plain(
        response,
        LAB_RESPONSE_FIELDS,
        lab_name=lab.name if lab is not None else names(Lab, [response.lab_id]).get(response.lab_id),
        halt_action=halt,
    )


def notification_data_many(rows: Sequence[Notification]) -> list[dict]:
    labs = names(Lab, {n.lab_id for n in rows if cached_related(n, "lab") is None})
    titles = names(Incident, {n.incident_id for n in rows if cached_related(n, "incident") is None}, "title")
    return [
        plain(
            n,
            NOTIFICATION_FIELDS,
            lab_name=_name(n, "lab", labs),
            incident_title=_name(n, "incident", titles, "title"),
            status=n.status,
        )
        for n in rows
    ]


def notification_events(kind: str, rows: Sequence[Notification], changes: Sequence[dict] | None = None):
    """`notification.<kind>` per row, each concerning the lab that owes it."""
    datas = notification_data_many(rows)
    return [
        NewEvent(
            f"notification.{kind}",
            "notification",
            n.pk,
            (n.lab_id,),
            data,
            None if changes is None else changes[i],
        )
        for i, (n, data) in enumerate(zip(rows, datas, strict=True))
    ]
