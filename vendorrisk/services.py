"""Shared write helpers: validate fully, save, audit as the actor — one way for every app's services."""

from collections.abc import Callable
from typing import Any

from django.db import models, transaction

from .audit import acting_as
from .errors import ApplicationError


def model_create(model: type[models.Model], *, actor, data: dict[str, Any]) -> models.Model:
    with transaction.atomic(), acting_as(actor):
        obj = model(**data)
        obj.full_clean()
        obj.save()
        return obj


def model_update(obj: models.Model, *, actor, data: dict[str, Any]) -> tuple[models.Model, dict]:
    """Apply `data`, validate the whole object, save. Returns the object and {field: old value} of changes."""
    changed = {}
    for field, value in data.items():
        old = getattr(obj, field)
        if old != value:
            changed[field] = old
            setattr(obj, field, value)
    with transaction.atomic(), acting_as(actor):
        obj.full_clean()
        if changed:
            obj.save()
    return obj, changed


def model_delete(obj: models.Model, *, actor, blockers: dict[str, dict] | None = None) -> None:
    """Delete, or refuse with 409 naming what still depends on the object."""
    blocking = {name: info for name, info in (blockers or {}).items() if info["count"]}
    if blocking:
        summary = ", ".join(f"{info['count']} {name}" for name, info in blocking.items())
        raise ApplicationError(
            f"Cannot delete {obj._meta.verbose_name} “{obj}”: it still has {summary}. Remove or reassign them first.",
            extra={"blockers": blocking},
        )
    with transaction.atomic(), acting_as(actor):
        obj.delete()


def blocker(queryset, *, visible: Callable | None = None) -> dict:
    """A blocker entry: the count of all dependents, and the ids of those the caller may see."""
    ids = list(queryset.values_list("id", flat=True)[:1000])
    shown = list(visible(queryset).values_list("id", flat=True)[:100]) if visible else ids[:100]
    return {"count": queryset.count(), "ids": shown}
