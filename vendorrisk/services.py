"""Shared write helpers: validate fully, save, audit as the actor — one way for every app's services."""

from typing import Any

from django.db import models, transaction

from vendors.scoping import ScopedCount, scoped_count

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


def model_delete(
    obj: models.Model,
    *,
    actor,
    blockers: dict[str, ScopedCount] | None = None,
    advice: str = "Remove or reassign them first.",
) -> None:
    """Delete, or refuse with 409 naming what still depends on the object, cut to the actor's labs.

    Every dependent blocks, but the body counts and lists only those the actor may see: another lab's
    records never appear by id, and the actor is told only that records it cannot see exist.
    """
    blocking = {name: info for name, info in (blockers or {}).items() if info.total}
    if blocking:
        parts = [f"{info.count} {name}" for name, info in blocking.items() if info.count]
        if any(info.total > info.count for info in blocking.values()):
            parts.append("records in labs you cannot see")
        raise ApplicationError(
            f"Cannot delete {obj._meta.verbose_name} “{obj}”: it still has {', '.join(parts)}. {advice}",
            extra={"blockers": {name: info.as_json() for name, info in blocking.items()}},
        )
    with transaction.atomic(), acting_as(actor):
        obj.delete()


def blocker(queryset, *, actor) -> ScopedCount:
    """A blocker entry: every dependent blocks; the caller is told counts and ids within its labs only."""
    return scoped_count(queryset, actor)
