"""Shared write helpers: validate fully, save, audit as the actor — one way for every app's services."""

from typing import Any

from auditlog import get_logentry_model
from auditlog.diff import get_field_value, get_fields_in_model, is_primitive, model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

from vendorrisk.core.scoping import ScopedCount, scoped_count

from .audit import acting_as
from .bulk import insert_objects
from .errors import ApplicationError, unique_errors_on_fields, unique_violation_error


def full_clean(obj: models.Model) -> None:
    """obj.full_clean(), with unique-rule errors on the rule's field (not non_field_errors)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise unique_errors_on_fields(exc, type(obj)) from None


def save_checked(obj: models.Model, **kwargs) -> None:
    """Save in a savepoint; a unique rule that a concurrent writer won is a field error, not a crash.

    full_clean() checks uniqueness first, but two writers can both pass it; the database then refuses
    the second. The savepoint keeps the caller's transaction usable. The winner has committed by now,
    so validating again gives the very error a later writer gets (e.g. a derived slug's clash reads as
    the name's); failing that, the violated rule's metadata names the field.
    """
    try:
        with transaction.atomic():
            obj.save(**kwargs)
    except IntegrityError as exc:
        error = unique_violation_error(exc, type(obj))
        if error is None:
            raise
        try:
            full_clean(obj)
        except ValidationError as again:
            if set(getattr(again, "error_dict", {})) - {NON_FIELD_ERRORS}:
                raise again from exc
        raise error from exc


def model_create(model: type[models.Model], *, actor, data: dict[str, Any]) -> models.Model:
    with transaction.atomic(), acting_as(actor):
        obj = model(**data)
        full_clean(obj)
        save_checked(obj)
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
        full_clean(obj)
        if changed:
            save_checked(obj)
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


BULK_BATCH = 500


def model_bulk_create(model: type[models.Model], objects: list, *, actor) -> list:
    """Insert already-validated `objects` in bulk, each with the audit entry its single create writes."""
    if not objects:
        return []
    with transaction.atomic(), acting_as(actor):
        created = insert_objects(model, objects, batch_size=BULK_BATCH)
        write_create_entries(created)
    return created


class _EntryCollector(type(get_logentry_model().objects)):
    """auditlog's own `log_create`, returning the entry unsaved so entries can be inserted in bulk."""

    def create(self, **kwargs):
        return self.model(**kwargs)


def write_create_entries(objects: list[models.Model]) -> None:
    """One auditlog CREATE entry per object, exactly as its post_save receiver would write it.

    A bulk insert sends no pre_save, so it is sent here for each entry: auditlog's receiver (connected
    while `vendorrisk.core.audit.acting_as` is active) then sets the actor.
    """
    LogEntry = get_logentry_model()
    collector = _EntryCollector()
    collector.model = LogEntry
    entries = []
    diffs = _CreateDiffs()
    for obj in objects:
        if not auditlog.contains(type(obj)):
            continue
        entry = collector.log_create(obj, action=LogEntry.Action.CREATE, changes=diffs.of(obj))
        if entry is not None:
            pre_save.send(
                sender=LogEntry, instance=entry, raw=False, using=entry._state.db, update_fields=None
            )
            entries.append(entry)
    insert_objects(LogEntry, entries, batch_size=BULK_BATCH)


class _CreateDiffs:
    """auditlog's `model_instance_diff(None, obj)` for many new objects of a model: its fields and their
    "before" values (the field defaults) are worked out once per model, not once per object. Models with
    include, exclude or mask settings take auditlog's own function."""

    def __init__(self) -> None:
        self.use_json = settings.AUDITLOG_STORE_JSON_CHANGES
        self.plans: dict[type, list | None] = {}

    def _plan(self, obj: models.Model) -> list | None:
        model = type(obj)
        if model not in self.plans:
            options = auditlog.get_model_fields(model)
            if any(options.get(key) for key in ("include_fields", "exclude_fields", "mask_fields")):
                self.plans[model] = None
            else:
                self.plans[model] = [
                    (field, get_field_value(None, field, self.use_json), self._getter(field))
                    for field in get_fields_in_model(obj)
                ]
        return self.plans[model]

    def _getter(self, field):
        """auditlog's `get_field_value` for one field; for a plain field (no time zone, JSON or relation
        handling) the same thing without its per-call type checks: the value as a string."""
        special = isinstance(field, models.DateTimeField | models.JSONField) or field.is_relation
        if self.use_json or special:
            return lambda obj: get_field_value(obj, field, self.use_json)
        name = field.name

        def plain(obj):
            value = getattr(obj, name)
            return value if isinstance(value, str) else str(value)

        return plain

    def of(self, obj: models.Model) -> dict | None:
        plan = self._plan(obj)
        if plan is None:
            return model_instance_diff(None, obj, use_json_for_changes=self.use_json)
        diff = {}
        for field, old, value_of in plan:
            new = value_of(obj)
            if old == new:
                continue
            if not self.use_json:
                diff[field.name] = (smart_str(old), smart_str(new))
            else:
                diff[field.name] = (
                    old if is_primitive(old) else smart_str(old),
                    new if is_primitive(new) else smart_str(new),
                )
        return diff or None
