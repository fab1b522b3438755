"""Writes for findings: an owner must be an active user; due dates are dates."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.core import events
from vendorrisk.core.accounts import check_assignee
from vendorrisk.core.event_data import changes_of
from vendorrisk.core.services import model_create, model_delete, model_update

from ..events import finding_events
from ..models import Finding


def _check_finding(data: dict, instance: Finding | None = None) -> None:
    """An owner is an active user (when set or changed); due_on must be a date, not a datetime."""
    check_assignee(field="owner", user=data.get("owner"), previous_id=getattr(instance, "owner_id", None))
    due_on = data.get("due_on")
    if due_on is not None and (isinstance(due_on, datetime) or not isinstance(due_on, date)):
        raise ValidationError({"due_on": "Give a date (YYYY-MM-DD)."})


@transaction.atomic
def finding_create(*, actor, **data) -> Finding:
    _check_finding(data)
    finding = model_create(Finding, actor=actor, data=data)
    events.record_many(finding_events("created", [finding]), actor=actor)
    return finding


@transaction.atomic
def finding_update(*, actor, instance: Finding, **data) -> Finding:
    _check_finding(data, instance)
    finding, changed = model_update(instance, actor=actor, data=data)
    if changed:
        events.record_many(finding_events("updated", [finding], [changes_of(changed, finding)]), actor=actor)
    return finding


@transaction.atomic
def finding_delete(*, actor, instance: Finding) -> None:
    deleted = finding_events("deleted", [instance])
    model_delete(instance, actor=actor)
    events.record_many(deleted, actor=actor)
