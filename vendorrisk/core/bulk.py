"""Bulk inserts of new model objects: COPY (text format) on PostgreSQL, `bulk_create` elsewhere.

`bulk_create` spends most of a large insert compiling SQL: every value of every field goes through
`get_db_prep_save` and into one parameter list per batch. COPY streams the rows instead. The ids are
reserved first from the table's own sequence (in ascending order, so they follow the objects' order as
`bulk_create`'s RETURNING would), so callers get objects with primary keys exactly as from `bulk_create`,
and `pre_save` runs per field (auto_now timestamps) as in `bulk_create`. No signals are sent, as with
`bulk_create`. Small batches take `bulk_create`: below `COPY_MIN_ROWS` the round trip for the ids costs
more than it saves.
"""

import io
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models

COPY_MIN_ROWS = 200
COPY_CHUNK_ROWS = 20_000


def insert_objects(
    model: type[models.Model], objects: Sequence[models.Model], *, batch_size: int = 500
) -> list:
    """Insert unsaved `objects` of `model` and return them with their primary keys set."""
    objects = list(objects)
    if connection.vendor != "postgresql" or len(objects) < COPY_MIN_ROWS:
        return model.objects.bulk_create(objects, batch_size=batch_size)
    for obj in objects:
        # What bulk_create does first: a related object saved since it was assigned lends its pk.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    pk = model._meta.pk
    _reserve_ids(model, [obj for obj in objects if getattr(obj, pk.attname) is None])
    fields = [field for field in model._meta.concrete_fields if not getattr(field, "generated", False)]
    converters = [_converter(field) for field in fields]
    rows = []
    for obj in objects:
        rows.append(
            [convert(field.pre_save(obj, True)) for field, convert in zip(fields, converters, strict=True)]
        )
        obj._state.adding = False
        obj._state.db = connection.alias
    copy_rows(model._meta.db_table, [field.column for field in fields], rows)
    return objects


def copy_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """COPY rows of already-converted values (None is NULL) in PostgreSQL's text format."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), COPY_CHUNK_ROWS):
            buffer = io.StringIO()
            buffer.writelines(
                "\t".join(map(_text, row)) + "\n" for row in rows[offset : offset + COPY_CHUNK_ROWS]
            )
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY's text format: \\N for NULL, backslash escapes for the separators."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)


def _reserve_ids(model: type[models.Model], objects: list[models.Model]) -> None:
    if not objects:
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(model._meta.db_table), pk.column, len(objects)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
    for obj, pk_value in zip(objects, ids, strict=True):
        setattr(obj, pk.attname, pk_value)


def _converter(field: models.Field) -> Callable:
    """The value COPY's CSV format reads for `field`: the common types directly, the rest through Django."""
    kind = field.get_internal_type()
    if kind == "JSONField":
        encoder = field.encoder
        return lambda value: None if value is None else json.dumps(value, cls=encoder)
    if kind == "BooleanField":
        return lambda value: None if value is None else ("true" if value else "false")
    if kind in {"DateTimeField", "DateField"}:
        return lambda value: _prepared(field, value) if value is not None else None
    if kind in {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }:
        return _plain
    return lambda value: _prepared(field, value)


def _plain(value):
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def _prepared(field: models.Field, value):
    """Django's own conversion for the field, as a plain value CSV can carry."""
    value = field.get_db_prep_save(value, connection)
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)
