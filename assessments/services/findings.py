"""Writes for findings: an owner must be an active user; due dates are dates."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from vendorrisk.core.accounts import check_assignee
from vendorrisk.core.services import model_create, model_delete, model_update

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
    return model_create(Finding, actor=actor, data=data)


@transaction.atomic
def finding_update(*, actor, instance: Finding, **data) -> Finding:
    _check_finding(data, instance)
    return model_update(instance, actor=actor, data=data)[0]


@transaction.atomic
def finding_delete(*, actor, instance: Finding) -> None:
    model_delete(instance, actor=actor)
