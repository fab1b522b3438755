"""The one idempotency rule of the demo: find the scenario's record, create it or bring it back.

`upsert` takes the record a loader found (or None), the scenario's values, and the service functions that
create and update that kind of record. A new record is created from the values; an existing one gets only
the fields that differ, through the update service, so a rerun writes (and audits) nothing when the
database already matches the scenario.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models


@dataclass
class DemoSummary:
    """What a load created and brought back (per kind), and the world's counts after it."""

    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    questionnaire: str = ""

    def count(self, kind: str, *, created: bool, changed: bool = True) -> None:
        bucket = self.created if created else self.updated
        if created or changed:
            bucket[kind] = bucket.get(kind, 0) + 1

    def lines(self) -> list[str]:
        c = self.counts
        by_status = ", ".join(f"{n} {s}" for s, n in c["engagements_by_status"].items())
        made = ", ".join(f"{n} {k}" for k, n in self.created.items()) or "nothing"
        changed = ", ".join(f"{n} {k}" for k, n in self.updated.items()) or "nothing"
        return [
            f"Demo world: {c['labs']} labs, {c['vendors']} vendors, {c['dependencies']} vendor dependencies.",
            f"Engagements: {c['engagements']} ({by_status}).",
            f"Incidents: {c['incidents']} ({c['lab_responses']} lab responses); "
            f"assessments: {c['assessments']}, findings: {c['findings']} (questionnaire: {self.questionnaire}).",
            f"Users: {', '.join(c['users'])}.",
            f"This run created {made}; updated {changed}.",
        ]


def differs(obj: models.Model, name: str, value: Any) -> bool:
    """Whether `obj.name` is not `value`; a related object is compared by its key, without a query."""
    try:
        model_field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return getattr(obj, name) != value
    if model_field.many_to_one:
        return getattr(obj, model_field.attname) != (None if value is None else value.pk)
    return getattr(obj, name) != value


def changes(obj: models.Model, data: dict) -> dict:
    return {name: value for name, value in data.items() if differs(obj, name, value)}


def upsert(
    summary: DemoSummary,
    kind: str,
    *,
    found: models.Model | None,
    data: dict,
    create: Callable[..., models.Model],
    update: Callable[..., models.Model] | None = None,
    create_only: dict | None = None,
) -> models.Model:
    """Create the record from `data` (+ `create_only`), or bring `found`'s differing `data` fields back.

    `create(**data, **create_only)` and `update(instance=found, **changes)` are the app's services.
    Without `update` an existing record is kept as it is (for records whose lifecycle only moves
    forward, such as incidents and completed assessments). `create_only` holds values written once
    and never brought back (historical times).
    """
    if found is None:
        obj = create(**data, **(create_only or {}))
        summary.count(kind, created=True)
        return obj
    diff = changes(found, data) if update is not None else {}
    if diff:
        found = update(instance=found, **diff)
    summary.count(kind, created=False, changed=bool(diff))
    return found
