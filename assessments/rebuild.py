"""The full rebuild (`recompute_scores --all`): the vectorised scorer over every input, fresh rows in bulk.

Inside one transaction: read every input with one plain query per table, compute every stored value with
`vector_scoring` (equal to the pure scorer), then replace the score tables wholesale — on PostgreSQL each is
COPYed (psycopg2 `copy_expert`) into a fresh table, indexed and swapped in (`replaced`); elsewhere DELETE and
`bulk_create` — and add a history row where a watched value changed. Readers keep seeing the previous rows
until the transaction commits. The
cyclic garbage collector is paused throughout: the build makes millions of small containers and no cycles.
"""

import csv
import io
import json
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from vendorrisk.core import events
from vendors.models import Lab, ScoreMark, Vendor

from . import scoring, vector_scoring
from .models import (
    LabConcentration,
    LabConcentrationHistory,
    SharedDependency,
    VendorLabScore,
    VendorScore,
    VendorScoreHistory,
)
from .recompute import (
    LAB_FIELDS,
    LOCK_GLOBAL,
    VENDOR_FIELDS,
    DrainResult,
    _band_events,
    _causes_for,
    constants,
)
from .recompute_inputs import load_all_inputs

CAUSE = "full rebuild"
REBUILT = [{"cause": CAUSE, "lab": None}]
COPY_CHUNK_ROWS = 20_000


def _csv_value(value):
    if value is None:
        return None  # an unquoted empty field: NULL in PostgreSQL's CSV format
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def copy_columns(model, columns: dict[str, list], table: str | None = None) -> None:
    """Insert fresh rows given as columns (attribute name → values, each as CSV can carry it): COPY on
    PostgreSQL (into `table`, a fresh copy of the model's table, if given), else bulk_create."""
    names = list(columns)
    total = len(columns[names[0]]) if names else 0
    if not total:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (
                model(**dict(zip(names, values, strict=True)))
                for values in zip(*columns.values(), strict=True)
            ),
            batch_size=500,
        )
        return
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    quoted = ", ".join(connection.ops.quote_name(by_attname[name].column) for name in names)
    target = connection.ops.quote_name(table or model._meta.db_table)
    sql = f"COPY {target} ({quoted}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor:
        for offset in range(0, total, COPY_CHUNK_ROWS * 5):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerows(
                zip(
                    *(values[offset : offset + COPY_CHUNK_ROWS * 5] for values in columns.values()),
                    strict=True,
                )
            )
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)


def write_rows(model, rows: list[dict], table: str | None = None) -> None:
    """Insert fresh rows in bulk: COPY on PostgreSQL (into `table` if given), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        names = list(rows[0])
        copy_columns(model, {name: [_csv_value(row[name]) for row in rows] for name in names}, table)
    else:
        model.objects.bulk_create([model(**row) for row in rows], batch_size=500)


@contextmanager
def replaced(model):
    """Replace every row of `model`'s table by what the block writes into the yielded table name.

    PostgreSQL: the block fills a fresh copy of the table (its columns, defaults and identity, no index or
    constraint yet, so COPY maintains nothing); then the copy gets the table's constraints and indexes, the
    old table is dropped and the copy renamed into its place, each index, constraint and the id sequence
    under its old name (so migrations still find them). Readers see the old rows until the caller's
    transaction commits. Elsewhere the rows are deleted and the block writes into the table itself."""
    table = model._meta.db_table
    if connection.vendor != "postgresql":
        model.objects.all().delete()
        yield table
        return
    q = connection.ops.quote_name
    fresh = f"{table}__fresh"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {q(fresh)}")
        cursor.execute(f"CREATE TABLE {q(fresh)} (LIKE {q(table)} INCLUDING DEFAULTS INCLUDING IDENTITY)")
    yield fresh
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "ORDER BY contype = 'f', conname",
            [q(table)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, q(table)],
        )
        indexes = cursor.fetchall()
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [q(table), model._meta.pk.column])
        (old_sequence,) = cursor.fetchone()
        renames = []
        for number, (name, definition) in enumerate(constraints):
            temporary = f"swap{number}_{name}"[:63]
            cursor.execute(f"ALTER TABLE {q(fresh)} ADD CONSTRAINT {q(temporary)} {definition}")
            renames.append(f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(temporary)} TO {q(name)}")
        for number, (name, definition) in enumerate(indexes):
            temporary = f"swapi{number}_{name}"[:63]
            head, _, tail = definition.partition(" ON ")
            columns = tail.split(" USING ", 1)[1]
            unique = "UNIQUE " if head.startswith("CREATE UNIQUE") else ""
            cursor.execute(f"CREATE {unique}INDEX {q(temporary)} ON {q(fresh)} USING {columns}")
            renames.append(f"ALTER INDEX {q(temporary)} RENAME TO {q(name)}")
        # Deferred foreign-key checks still pending on the old table (rows the transaction wrote before) run
        # now instead of at commit: a table with pending trigger events cannot be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DROP TABLE {q(table)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"ALTER TABLE {q(fresh)} RENAME TO {q(table)}")
        for statement in renames:
            cursor.execute(statement)
        if old_sequence:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [q(table), model._meta.pk.column])
            (new_sequence,) = cursor.fetchone()
            cursor.execute(f"ALTER SEQUENCE {new_sequence} RENAME TO {q(old_sequence.split('.')[-1])}")


def _replace(
    model, history_model, key: str, values_by_id: dict[int, dict], watched: list[str], now, causes=None
) -> int:
    """Swap the table's rows for these; history where a watched value changed (with the marks' causes of
    that object when the rebuild drains a backlog, else "full rebuild"), an event where the band changed."""
    previous = {row[0]: row[1:] for row in model.objects.values_list(f"{key}_id", *watched).iterator()}
    band_at = watched.index("band")
    history, band_changes = [], []
    for pk, values in values_by_id.items():
        current = tuple(values[f] for f in watched)
        old = previous.get(pk)
        if old is not None and old[band_at] != values["band"]:
            band_changes.append((pk, old[band_at], values))
        if old != current:
            cause_list, count = _causes_for(causes, pk) if causes and pk in causes else (REBUILT, 1)
            history.append(
                {
                    f"{key}_id": pk,
                    **dict(zip(watched, current, strict=True)),
                    "causes": cause_list,
                    "cause_count": count,
                    "computed_at": now,
                }
            )
    with replaced(model) as table:
        write_rows(model, [{f"{key}_id": pk, **values} for pk, values in sorted(values_by_id.items())], table)
    write_rows(history_model, history)
    events.record_many(_band_events(key, sorted(band_changes, key=lambda c: c[0]), now), actor=None)
    return len(history)


def _mark_causes(last_mark: int) -> tuple[int, dict, dict]:
    """The causes of the marks up to `last_mark`, by vendor and by lab, as the drain would record them."""
    marks, by_vendor, by_lab = 0, defaultdict(list), defaultdict(list)
    rows = ScoreMark.objects.filter(id__lte=last_mark).order_by("id")
    for kind, object_id, cause, cause_lab in rows.values_list("kind", "object_id", "cause", "cause_lab_id"):
        marks += 1
        (by_vendor if kind == ScoreMark.Kind.VENDOR else by_lab)[object_id].append((cause, cause_lab))
    return marks, by_vendor, by_lab


def rebuild_all(*, drain_backlog: bool = False) -> DrainResult:
    """Recompute every vendor and lab from scratch, and clear the marks that rebuild covers.

    `drain_backlog`: the rebuild stands in for a drain of a large backlog, so the history rows it writes
    carry the marks' causes (as the drain's would) instead of "full rebuild"."""
    started = time.perf_counter()
    with scoring.collector_paused(), transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_GLOBAL])
        last_mark = ScoreMark.objects.order_by("-id").values_list("id", flat=True).first()
        marks, causes_v, causes_l = (
            _mark_causes(last_mark) if drain_backlog and last_mark else (0, None, None)
        )
        inputs = load_all_inputs()
        now = timezone.now()
        result = vector_scoring.compute_values(inputs, now=now, constants=constants())
        # Every vendor and lab read above is alive unless deleted meanwhile; those rows are dropped.
        vendors = set(Vendor.objects.values_list("id", flat=True))
        labs = set(Lab.objects.values_list("id", flat=True))
        vendor_values = {pk: v for pk, v in result.vendors.items() if pk in vendors}
        lab_values = {pk: v for pk, v in result.labs.items() if pk in labs}
        history = _replace(
            VendorScore, VendorScoreHistory, "vendor", vendor_values, VENDOR_FIELDS, now, causes_v
        )
        alive = [
            v in vendors and lab in labs
            for v, lab in zip(result.pairs["vendor_id"], result.pairs["lab_id"], strict=True)
        ]
        with replaced(VendorLabScore) as table:
            copy_columns(
                VendorLabScore,
                {
                    name: [v for v, keep in zip(values, alive, strict=True) if keep]
                    for name, values in result.pairs.items()
                }
                if not all(alive)
                else result.pairs,
                table,
            )
        with replaced(SharedDependency) as table:
            write_rows(
                SharedDependency,
                [
                    {"vendor_id": pk, **values}
                    for pk, values in sorted(result.shared.items())
                    if pk in vendors
                ],
                table,
            )
        history += _replace(
            LabConcentration, LabConcentrationHistory, "lab", lab_values, LAB_FIELDS, now, causes_l
        )
        if last_mark is not None:
            ScoreMark.objects.filter(id__lte=last_mark).delete()
    return DrainResult(
        marks=marks,
        vendors=len(vendor_values),
        labs=len(lab_values),
        history_rows=history,
        seconds=time.perf_counter() - started,
        causes=[CAUSE],
    )
