"""The plain JSON an event carries: an object's API representation built from the model, without the API.

Services may not import API modules, so each app's `events.py` lists its objects' fields (a test pins
them to the serializers' fields) and builds the payload with `plain`, which renders values as the API
does: keys as ids, datetimes in ISO 8601 with `Z` for UTC, dates in ISO 8601, decimals as strings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import models


def json_value(value):
    """A Python value as the API renders it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return value


def plain(obj: models.Model, fields: Iterable[str], **extra) -> dict:
    """`obj`'s model `fields` (a relation as its id) plus `extra` (computed values), as the API renders them."""
    data = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname) if field.is_relation else getattr(obj, name)
        data[name] = json_value(value)
    data.update({key: json_value(value) for key, value in extra.items()})
    return data


def changes_of(old: dict, obj: models.Model) -> dict:
    """`{field: [old, new]}` for the fields in `old` ({field: old value}, as `model_update` returns it)."""
    out = {}
    for name, before in old.items():
        field = obj._meta.get_field(name)
        after = getattr(obj, field.attname) if field.is_relation else getattr(obj, name)
        out[name] = [json_value(before), json_value(after)]
    return out


def names(model: type[models.Model], ids: Iterable[int], attr: str = "name") -> dict[int, str]:
    """{id: name} of the rows of `model` with these ids, in one query."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    return dict(model.objects.filter(pk__in=wanted).values_list("pk", attr))


def cached_related(obj: models.Model, name: str):
    """A foreign key's object if already loaded on `obj`, else None (no query)."""
    return obj._state.fields_cache.get(name)
