"""Reads for incidents, their timeline, lab responses and notifications."""

import datetime as dt

from django.db.models import Count, Min, Q, QuerySet
from django.shortcuts import get_object_or_404

from vendorrisk.core.scoping import scope
from vendors.choices import EngagementStatus
from vendors.models import Engagement

from .impact import incident_impact as _incident_impact
from .impact import lab_exposure as _lab_exposure
from .impact import open_exposed_incident_ids
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


def exposed_open_incident_ids(*, user) -> list[int]:
    """Open incidents that at least one of the user's labs is exposed to (Impact's rule), newest first."""
    # Named rows, not model instances: an all-labs reader has 100,000 engagements.
    engagements = list(
        scope(Engagement.objects.exclude(status=EngagementStatus.PROPOSED), user).values_list(
            "id", "vendor_id", "status", "data_disposed_on", "start_date", named=True
        )
    )
    return open_exposed_incident_ids(engagements)


def owed_filings(*, user) -> QuerySet[Notification]:
    """Filings the user's labs still owe: required and not submitted (pending or overdue)."""
    return notification_list(user=user).filter(required=True, submitted_at__isnull=True)


def filing_counts(*, user, now: dt.datetime, soon: dt.timedelta) -> dict[str, int]:
    """Owed filings counted one by one (not per incident): overdue, and due between now and now + soon."""
    return owed_filings(user=user).aggregate(
        overdue=Count("id", filter=Q(due_at__lt=now)),
        due_soon=Count("id", filter=Q(due_at__gte=now, due_at__lt=now + soon)),
    )


def owed_filings_by_incident(*, user, incident_ids, now: dt.datetime) -> dict[int, dict]:
    """Per incident: filings owed, of which overdue, and the soonest due time (the user's labs only)."""
    rows = (
        owed_filings(user=user)
        .filter(incident_id__in=list(incident_ids))
        .order_by()
        .values("incident_id")
        .annotate(owed=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)), next_due=Min("due_at"))
    )
    return {r["incident_id"]: r for r in rows}
