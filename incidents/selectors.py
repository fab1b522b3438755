"""Reads for incidents, their timeline, lab responses and notifications."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from vendorrisk.core.scoping import scope

from .impact import incident_impact as _incident_impact
from .impact import lab_exposure as _lab_exposure
from .models import Incident, IncidentUpdate, LabResponse, Notification


def incident_list(*, user) -> QuerySet[Incident]:
    return scope(Incident.objects.select_related("vendor", "reported_by"), user)


def incident_get(*, user, pk) -> Incident:
    return get_object_or_404(incident_list(user=user), pk=pk)


def incident_impact(*, user, incident: Incident) -> dict:
    """The incident's exposed labs as `user` may see them (see incidents.impact)."""
    return _incident_impact(incident, user=user)


def lab_incident_exposure(*, lab) -> list[dict]:
    """Open incidents `lab` is exposed to, with its engagements and their paths (see incidents.impact)."""
    return _lab_exposure(lab)


def incident_update_list(*, user, incident: Incident) -> QuerySet[IncidentUpdate]:
    return scope(IncidentUpdate.objects.filter(incident=incident).select_related("author"), user)


def lab_response_list(*, user, incident: Incident | None = None) -> QuerySet[LabResponse]:
    qs = LabResponse.objects.select_related("lab", "decided_by", "incident")
    if incident is not None:
        qs = qs.filter(incident=incident)
    return scope(qs, user)


def notification_list(*, user) -> QuerySet[Notification]:
    return scope(Notification.objects.select_related("incident", "lab"), user)


def next_deadlines(*, user, incident_ids) -> dict[int, Notification]:
    """The next open (not submitted, still required) notification per incident, in the user's labs."""
    rows = (
        notification_list(user=user)
        .filter(incident_id__in=list(incident_ids), submitted_at__isnull=True, required=True)
        .order_by("due_at", "id")
    )
    first: dict[int, Notification] = {}
    for row in rows:
        first.setdefault(row.incident_id, row)
    return first
