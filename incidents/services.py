"""Writes for incidents: lifecycle with its timeline, lab responses, notifications, each recording its
events; the score marks and the notification upkeep follow them as consumers (`incidents/consumers.py`)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vendorrisk.core import events
from vendorrisk.core.audit import acting_as
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.services import blocker, model_bulk_create, model_create, model_delete, model_update
from vendors import services as vendor_services

from .choices import DONE_STATUSES, OPEN_STATUSES, Decision, IncidentStatus, status_move_allowed
from .events import incident_events, incident_update_event, lab_response_data, notification_events
from .impact import exposed_lab_ids
from .models import Incident, IncidentUpdate, LabResponse, Notification

CLOCK_SKEW = timezone.timedelta(minutes=5)
NOT_EXPOSED = "This lab is not exposed to this incident."

# An incident's score inputs: a change of one marks scores dirty (`incidents.consumers`).
SCORE_FIELDS = {"vendor", "severity", "status", "resolved_at"}


def _apply_status(
    incident: Incident, old_status: str, new_status: str, *, explicit_resolved_at: bool
) -> None:
    if not status_move_allowed(old_status, new_status):
        raise ApplicationError(
            f"An incident cannot move from {old_status} to {new_status}. Status moves forward "
            "(reported → investigating → contained → resolved → closed); only a resolved or closed "
            "incident can be reopened, to investigating."
        )
    if old_status == new_status or explicit_resolved_at:
        return
    if new_status in DONE_STATUSES and old_status not in DONE_STATUSES:
        incident.resolved_at = timezone.now()
    elif new_status not in DONE_STATUSES:
        incident.resolved_at = None


def _timeline_for_status(
    incident: Incident, *, actor, old_status: str, body: str = "", at: datetime | None = None
) -> None:
    if incident.status == old_status:
        return
    IncidentUpdate.objects.create(
        incident=incident,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        body=body or f"Status changed from {old_status} to {incident.status}.",
        status_from=old_status,
        status_to=incident.status,
        created_at=at or timezone.now(),
    )


@transaction.atomic
def incident_create(*, actor, note: str = "", at: datetime | None = None, **data) -> Incident:
    """`at` (default now): when the timeline entry of the recording happened, for history loaded later."""
    status = data.get("status", IncidentStatus.REPORTED)
    if status in DONE_STATUSES and not data.get("resolved_at"):
        data["resolved_at"] = timezone.now()
    if status not in DONE_STATUSES and data.get("resolved_at"):
        data["resolved_at"] = None
    if getattr(actor, "is_authenticated", False):
        data.setdefault("reported_by", actor)
    incident = model_create(Incident, actor=actor, data=data)
    IncidentUpdate.objects.create(
        incident=incident,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        body=note or f"Incident recorded with status {incident.status}.",
        status_to=incident.status,
        created_at=at or timezone.now(),
    )
    events.record_many(incident_events("created", [incident]), actor=actor)
    return incident


@transaction.atomic
def incident_bulk_insert(*, actor, incidents: list[Incident], notes: list[str], cause: str) -> list[Incident]:
    """Insert validated, unsaved incidents in bulk (importers): each with the timeline entry, audit entries
    and `incident.created` event `incident_create` writes, in one batch: one score mark (`cause` may name
    `{n}`)."""
    created = model_bulk_create(Incident, incidents, actor=actor)
    model_bulk_create(
        IncidentUpdate,
        [
            IncidentUpdate(incident=incident, body=note, status_to=incident.status)
            for incident, note in zip(created, notes, strict=True)
        ],
        actor=actor,
    )
    events.record_many(incident_events("created", created), actor=actor, cause=cause)
    return created


@transaction.atomic
def incident_update(
    *, actor, instance: Incident, note: str = "", at: datetime | None = None, **data
) -> Incident:
    """`at` (default now): when a status change's timeline entry happened, for history loaded later."""
    instance = Incident.objects.select_for_update().get(pk=instance.pk)
    old_status = instance.status
    new_status = data.get("status", old_status)
    if new_status in DONE_STATUSES and "resolved_at" in data and data["resolved_at"] is None:
        del data["resolved_at"]  # a resolved or closed incident always has a resolution time
    _apply_status(instance, old_status, new_status, explicit_resolved_at="resolved_at" in data)
    if new_status not in DONE_STATUSES and "resolved_at" in data:
        data["resolved_at"] = None
    incident, changed = model_update(instance, actor=actor, data=data)
    with acting_as(actor):
        _timeline_for_status(incident, actor=actor, old_status=old_status, body=note, at=at)
    if changed:
        new_events = incident_events("updated", [incident], [changes_of(changed, incident)])
        if incident.status != old_status:
            new_events += incident_events(
                "status_changed", [incident], [{"status": [old_status, incident.status]}]
            )
        events.record_many(new_events, actor=actor)
    return incident


@transaction.atomic
def incident_delete(*, actor, instance: Incident) -> None:
    deleted = incident_events("deleted", [instance])
    model_delete(
        instance,
        actor=actor,
        # Notifications and lab responses are labs' records (DESIGN: notifications are never deleted):
        # deleting the incident would take other labs' records with it. Closing it keeps them.
        blockers={
            "notifications": blocker(instance.notifications.all(), actor=actor),
            "lab_responses": blocker(instance.responses.all(), actor=actor),
        },
        advice="Close the incident instead.",
    )
    events.record_many(deleted, actor=actor)


@transaction.atomic
def incident_update_create(
    *, actor, incident: Incident, body: str, at: datetime | None = None
) -> IncidentUpdate:
    """A timeline entry; `at` (default now) is when it happened, for history loaded later."""
    with acting_as(actor):
        update = IncidentUpdate.objects.create(
            incident=incident,
            author=actor if getattr(actor, "is_authenticated", False) else None,
            body=body,
            created_at=at or timezone.now(),
        )
    events.record_many([incident_update_event(update)], actor=actor)
    return update


def _check_response(incident: Incident, data: dict, *, instance: LabResponse | None = None) -> None:
    errors = {}
    lab = data.get("lab")
    lab_changes = lab is not None and (instance is None or lab.pk != instance.lab_id)
    if lab_changes and lab.pk not in exposed_lab_ids(incident):
        errors["lab"] = NOT_EXPOSED
    aware_at = data.get("aware_at")
    if aware_at is not None and aware_at > timezone.now() + CLOCK_SKEW:
        errors["aware_at"] = "The time the lab learned of the incident cannot be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def lab_response_create(*, actor, incident: Incident, **data) -> LabResponse:
    _check_response(incident, data)
    data.setdefault("decided_at", timezone.now())
    response = model_create(
        LabResponse, actor=actor, data={"incident": incident, "decided_by": actor, **data}
    )
    _lab_response_event("lab_response.recorded", response, actor=actor)
    return response


def _lab_response_event(
    event_type: str, response: LabResponse, *, actor, changes: dict | None = None, labs=()
) -> None:
    events.record(
        event_type,
        actor=actor,
        object_type="lab_response",
        object_id=response.pk,
        labs=sorted({response.lab_id, *labs}),
        data=lab_response_data(response),
        changes=changes,
    )


@transaction.atomic
def lab_response_update(*, actor, instance: LabResponse, **data) -> LabResponse:
    _check_response(instance.incident, data, instance=instance)
    if "decision" in data and data["decision"] != instance.decision:
        data.setdefault("decided_at", timezone.now())
        data["decided_by"] = actor
    old_lab = instance.lab_id
    response, changed = model_update(instance, actor=actor, data=data)
    if changed:
        _lab_response_event(
            "lab_response.updated",
            response,
            actor=actor,
            changes=changes_of(changed, response),
            labs={old_lab, response.lab_id},  # moved to another lab: it concerns both
        )
    return response


STALE_HALT = (
    "The lab's active engagements with this vendor changed since you confirmed the list; nothing was "
    "recorded. Review the list again."
)


@transaction.atomic
def lab_response_record(
    *,
    actor,
    incident: Incident,
    lab,
    suspend: list[int] | None = None,
    timeline_note: str = "",
    **data,
) -> tuple[LabResponse, list]:
    """Record or change `lab`'s response; a halt may suspend the lab's work with the vendor in the same step.

    `suspend` is the list of engagement ids the user confirmed (None: suspend nothing). The suspension
    is `vendors.services.vendor_suspend` for that lab, whose `timeline_note` every lab's users read; if
    what it would suspend is not exactly the confirmed list, nothing is written (one transaction).
    """
    existing = LabResponse.objects.select_for_update().filter(incident=incident, lab=lab).first()
    if suspend is not None and data.get("decision", getattr(existing, "decision", None)) != Decision.HALT:
        raise ValidationError({"suspend": "Only a halt decision suspends work."})
    if existing is None:
        response = lab_response_create(actor=actor, incident=incident, lab=lab, **data)
    else:
        response = lab_response_update(actor=actor, instance=existing, **data)
    suspended: list = []
    if suspend is not None:
        suspended = vendor_services.vendor_suspend(
            actor=actor, vendor=incident.vendor, reason=timeline_note, lab=lab
        )
        if sorted(e.id for e in suspended) != sorted(suspend):
            raise ApplicationError(STALE_HALT)
    return response, suspended


@transaction.atomic
def notification_update(*, actor, instance: Notification, **data) -> Notification:
    allowed = {k: v for k, v in data.items() if k in ("submitted_at", "reference")}
    if allowed.get("submitted_at") and allowed["submitted_at"] > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"submitted_at": "A submission time cannot be in the future."})
    notification, changed = model_update(instance, actor=actor, data=allowed)
    if changed:
        kind = "submitted" if "submitted_at" in changed and notification.submitted_at else "updated"
        events.record_many(
            notification_events(kind, [notification], [changes_of(changed, notification)]), actor=actor
        )
    return notification


def vendor_work_changed(*, actor, vendor_id: int, verb: str, count: int, reason: str) -> None:
    """Work was halted or resumed at a vendor (`vendor.work_halted`/`_resumed`): tell its open incidents.

    Every reader of an incident sees its timeline, so the entry names no lab.
    """
    who = actor.get_username() if getattr(actor, "is_authenticated", False) else "the system"
    body = f"Work {verb} on {count:,} engagement{'' if count == 1 else 's'} by {who}: {reason}"
    for incident in Incident.objects.filter(vendor_id=vendor_id, status__in=OPEN_STATUSES).order_by("id"):
        incident_update_create(actor=actor, incident=incident, body=body)
