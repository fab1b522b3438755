"""Domain events: the outbox every service appends to, and the one registry of what reacts to them.

A service that changes state calls `record` (or `record_many` for a bulk write) inside its transaction.
That writes the events to the outbox (`vendorrisk.models.Event`), then runs, in the same transaction, the
consumers declared for their types with `@consumes(...)` (score marks, notification upkeep: whatever must
stay consistent with the write). What leaves the process (webhook sends, e-mail, drain requests) is
declared with `@after_commit` and runs once per committed transaction that recorded events; a rolled-back
write sends nothing. Apps declare their consumers in their `consumers.py`, which their AppConfig imports.

Ids are commit-ordered: on PostgreSQL every transaction that records events first takes one
transaction-level advisory lock, held to its commit, so a later event id is never visible before an
earlier one (the feed's `?after=` never skips); SQLite serialises writers anyway.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from vendorrisk.core.bulk import insert_objects
from vendorrisk.core.scoping import OTHER_LAB, visible_lab_ids
from vendorrisk.models import Event, EventLab

# The types the product emits (DESIGN.md section 8), for validation of subscriptions and the schema enum.
EVENT_TYPES: dict[str, str] = {
    "engagement.created": "A lab logged an engagement with a vendor.",
    "engagement.updated": "An engagement changed (`changes` lists the fields).",
    "engagement.deleted": "An engagement was deleted.",
    "lab.created": "A lab was added.",
    "lab.updated": "A lab changed (its regimes, say).",
    "lab.deleted": "A lab was deleted.",
    "vendor.created": "A vendor was added.",
    "vendor.updated": "A vendor changed.",
    "vendor.deleted": "A vendor was deleted.",
    "vendor.work_halted": "A lab halted work with a vendor.",
    "vendor.work_resumed": "A lab resumed work with a vendor.",
    "vendor_dependency.created": "A vendor dependency was added.",
    "vendor_dependency.updated": "A vendor dependency changed.",
    "vendor_dependency.deleted": "A vendor dependency was deleted.",
    "incident.created": "An incident was recorded at a vendor.",
    "incident.updated": "An incident changed.",
    "incident.status_changed": "An incident moved to another status.",
    "incident.deleted": "An incident was deleted.",
    "incident.update_added": "An entry was added to an incident's timeline.",
    "lab_response.recorded": "A lab recorded its response to an incident.",
    "lab_response.updated": "A lab changed its response to an incident.",
    "notification.created": "A regulator notification clock started for a lab.",
    "notification.due_soon": "A notification is due within a day.",
    "notification.overdue": "A notification passed its deadline unsubmitted.",
    "notification.submitted": "A notification was submitted.",
    "notification.updated": "A notification was re-timed, retired or its reference changed.",
    "assessment.created": "An assessment was started.",
    "assessment.updated": "An assessment changed.",
    "assessment.deleted": "An assessment was deleted.",
    "assessment.answers_recorded": "Answers of an assessment were saved (one event per save).",
    "assessment.completed": "An assessment was completed.",
    "assessment.expired": "An assessment's validity ended.",
    "evidence.uploaded": "A document was uploaded as evidence for an assessment.",
    "evidence.deleted": "An evidence document was deleted.",
    "questionnaire.created": "A questionnaire (or a new version of one) was added.",
    "questionnaire.updated": "A questionnaire not yet in use changed.",
    "questionnaire.deleted": "A questionnaire was deleted.",
    "finding.created": "A finding was raised.",
    "finding.updated": "A finding changed.",
    "finding.deleted": "A finding was deleted.",
    "finding.overdue": "A finding passed its due date unresolved.",
    "vendor.score_band_changed": "A vendor's stored risk band changed.",
    "lab.concentration_band_changed": "A lab's stored concentration band changed.",
    "webhook.disabled": "A webhook was deactivated after repeated failed deliveries.",
    "webhook.test": "A test delivery asked for by the webhook's owner.",
}

_TYPE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")
_PATTERN = re.compile(r"^(\*|[a-z][a-z_]*(\.[a-z][a-z_]*)*\.\*|[a-z][a-z_]*(\.[a-z][a-z_]*)+)$")
_LOCK_KEY = 0x76656E74  # "vent": the outbox's advisory lock on PostgreSQL


def is_pattern(value: str) -> bool:
    """A subscription pattern: `*`, `prefix.*` or an exact dotted type."""
    return bool(_PATTERN.match(value))


def type_matches(event_type: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern == "*" or pattern == event_type:
            return True
        if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
            return True
    return False


@dataclass(frozen=True)
class NewEvent:
    type: str
    object_type: str
    object_id: int | None
    labs: Sequence[int] = ()
    data: dict = field(default_factory=dict)
    changes: dict | None = None


# --- the registry ---------------------------------------------------------------------------------------

_consumers: list[tuple[tuple[str, ...], Callable[[list[Event]], None]]] = []
_after_commit: list[tuple[tuple[str, ...], Callable[[list[int]], None]]] = []


def _register(registry: list, patterns: tuple[str, ...], fn: Callable) -> Callable:
    bad = [p for p in patterns if not is_pattern(p)]
    if bad or not patterns:
        raise ValueError(f"not event type patterns: {bad or patterns}")
    if all(registered is not fn for _, registered in registry):
        registry.append((patterns, fn))
    return fn


def consumes(*patterns: str) -> Callable:
    """Declare `fn(events)` to run in the writing transaction for every batch of matching events."""
    return lambda fn: _register(_consumers, patterns, fn)


def after_commit(*patterns: str) -> Callable:
    """Declare `fn(event_ids)` to run once after a transaction that recorded matching events commits."""
    return lambda fn: _register(_after_commit, patterns, fn)


# --- recording ------------------------------------------------------------------------------------------


def record(
    type: str,
    *,
    actor,
    object_type: str,
    object_id: int | None,
    labs: Iterable[int] = (),
    data: dict | None = None,
    changes: dict | None = None,
    at=None,
) -> Event:
    """Append one event (see `record_many`)."""
    event = NewEvent(type, object_type, object_id, tuple(labs), data or {}, changes)
    return record_many([event], actor=actor, at=at)[0]


def record_many(events: Sequence[NewEvent], *, actor, at=None, cause: str | None = None) -> list[Event]:
    """Append `events` to the outbox in the caller's transaction and run their consumers there, each
    consumer once with every matching row of the batch.

    `cause` (not stored) is how a bulk write describes itself, e.g. "{n} engagements imported"; the
    consumers read it as `event.cause` (the score marks' cause; None: they name the single change)."""
    if not events:
        return []
    if not connection.in_atomic_block:
        raise RuntimeError("events are recorded inside the transaction of the change they describe")
    for new in events:
        if not _TYPE.match(new.type):
            raise ValueError(f"not a dotted lower-case event type: {new.type!r}")
    _take_outbox_lock()
    when = at or timezone.now()
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    rows = [
        Event(
            type=new.type,
            occurred_at=when,
            actor_id=actor_id,
            object_type=new.object_type,
            object_id=new.object_id,
            labs=sorted({int(lab) for lab in new.labs}),
            data={**new.data, "changes": new.changes} if new.changes is not None else dict(new.data),
        )
        for new in events
    ]
    insert_objects(Event, rows)
    insert_objects(EventLab, [EventLab(event_id=row.pk, lab_id=lab) for row in rows for lab in row.labs])
    for row in rows:
        row.cause = cause
    for patterns, consumer in list(_consumers):
        matching = [row for row in rows if type_matches(row.type, patterns)]
        if matching:
            consumer(matching)
    _schedule_after_commit([row.pk for row in rows])
    return rows


def _take_outbox_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


class _Flush:
    """The after-commit call of one transaction: the ids it recorded, handed to the declared handlers."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        rows = dict(Event.objects.filter(pk__in=self.ids).values_list("pk", "type"))  # rolled-back: gone
        for patterns, handler in list(_after_commit):
            ids = [pk for pk in self.ids if pk in rows and type_matches(rows[pk], patterns)]
            if ids:
                handler(ids)


def _schedule_after_commit(ids: list[int]) -> None:
    if not _after_commit:
        return
    pending = next((fn for _, fn, _ in connection.run_on_commit if isinstance(fn, _Flush)), None)
    if pending is None:
        pending = _Flush()
        transaction.on_commit(pending)
    pending.ids.extend(ids)


def declared_consumers() -> list[tuple[tuple[str, ...], Callable]]:
    """What runs in the writing transaction, per pattern (for tests and the docs)."""
    return list(_consumers)


# --- what a reader may see of an event ------------------------------------------------------------------


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cut_lab_ids(value, lab_ids: frozenset[int], *, key: str):
    """The value of a `lab` or `labs` key (`changes` too: `[old, new]`): ids outside `lab_ids` are left out
    of lists under `labs` and replaced by the redaction marker under `lab`."""
    if _is_id(value):
        return value if value in lab_ids else OTHER_LAB
    if isinstance(value, list):
        if key == "labs" and all(_is_id(item) for item in value):
            return [item for item in value if item in lab_ids]
        return [_cut_lab_ids(item, lab_ids, key=key) for item in value]
    return value


def _cut_labs_in(value, lab_ids: frozenset[int]):
    """`value` with every nested object of a lab outside `lab_ids` left out and every lab id outside them
    cut (a `None` return means: leave this object out)."""
    if isinstance(value, dict):
        if _is_id(value.get("lab")) and value["lab"] not in lab_ids:
            return None
        shown = {}
        for key, item in value.items():
            if key in ("lab", "labs"):
                shown[key] = _cut_lab_ids(item, lab_ids, key=key)
                continue
            cut = _cut_labs_in(item, lab_ids)
            shown[key] = cut if cut is not None or item is None else OTHER_LAB
        return shown
    if isinstance(value, list):
        return [cut for item in value if (cut := _cut_labs_in(item, lab_ids)) is not None or item is None]
    return value


def event_cut(event: Event, lab_ids: frozenset[int] | None) -> dict:
    """An event as a reader limited to `lab_ids` (None: every lab) may see it: the one cut, used by the
    feed and by webhook payloads. The labs outside are left out of `labs` and counted in
    `data.other_labs`; objects in `data` that belong to such a lab are left out; ids in nested `labs`
    lists are cut the same way."""
    labs = list(event.labs)
    data = dict(event.data)
    if lab_ids is not None:
        shown = [lab for lab in labs if lab in lab_ids]
        data = _cut_labs_in(data, lab_ids) or {}
        if len(shown) < len(labs):
            data["other_labs"] = len(labs) - len(shown)
        labs = shown
    return {
        "id": event.pk,
        "type": event.type,
        "occurred_at": event.occurred_at,
        "actor": event.actor_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "labs": labs,
        "data": data,
    }


def event_as_seen_by(user, event: Event) -> dict:
    """`event_cut` for the labs `user` may see (the event feed)."""
    return event_cut(event, visible_lab_ids(user))
