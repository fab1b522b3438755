"""The kernel's COPY insert stores exactly what `bulk_create` stores (PostgreSQL), ids in object order."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from vendorrisk.core import bulk
from vendorrisk.models import Event
from vendors.models import Vendor

pytestmark = [pytest.mark.postgres]

AWKWARD = [
    "",
    "plain",
    "back\\slash",
    "tab\there",
    "new\nline",
    "cr\rhere",
    '"quoted"',
    "\\N",
    "ünïcode ✓",
    "a,b;c",
]


def _vendors(prefix: str, n: int) -> list[Vendor]:
    return [
        Vendor(
            name=f"{prefix} {i} {AWKWARD[i % len(AWKWARD)]}",
            slug=f"{prefix.lower()}-{i}",
            legal_name=AWKWARD[(i + 3) % len(AWKWARD)],
            description=AWKWARD[i % len(AWKWARD)] * 3,
            category="data_labeling",
        )
        for i in range(n)
    ]


def _events(n: int) -> list[Event]:
    return [
        Event(
            type="test.copied",
            occurred_at=datetime(2026, 12, 7, 13, i % 60, 1, 123456, tzinfo=UTC),
            object_type="vendor",
            object_id=None if i % 4 == 0 else i,
            labs=[] if i % 3 else [i, i + 1],
            data={"text": AWKWARD[i % len(AWKWARD)], "nested": {"list": [1, 2.5, None, True]}, "n": i},
        )
        for i in range(n)
    ]


def _stored(model, ids, drop=("id",)):
    rows = {obj.pk: model_to_dict(obj) for obj in model.objects.filter(pk__in=ids)}
    return [{k: v for k, v in rows[pk].items() if k not in drop} for pk in ids]


def test_copy_stores_what_bulk_create_stores(postgres):
    n = bulk.COPY_MIN_ROWS + 50
    copied = bulk.insert_objects(Vendor, _vendors("Copied", n))
    created = Vendor.objects.bulk_create(_vendors("Created", n))
    assert all(obj.pk is not None and not obj._state.adding for obj in copied)
    assert [obj.pk for obj in copied] == sorted(obj.pk for obj in copied)
    left = _stored(Vendor, [o.pk for o in copied], drop=("id", "name", "slug"))
    right = _stored(Vendor, [o.pk for o in created], drop=("id", "name", "slug"))
    assert left == right
    stored = Vendor.objects.get(pk=copied[2].pk)
    assert stored.name == "Copied 2 back\\slash" and stored.legal_name == "cr\rhere"
    assert Vendor.objects.get(pk=copied[3].pk).legal_name == '"quoted"'
    assert Vendor.objects.get(pk=copied[7].pk).name == "Copied 7 \\N"
    assert Vendor.objects.get(pk=copied[0].pk).description == ""  # an empty string, not NULL
    stamps = Vendor.objects.filter(pk__in=[o.pk for o in copied]).values_list("created_at", "updated_at")
    assert all(c is not None and u is not None for c, u in stamps)  # auto_now ran, as in bulk_create


def test_copy_round_trips_json_nulls_and_times(postgres):
    n = bulk.COPY_MIN_ROWS + 10
    copied = bulk.insert_objects(Event, _events(n))
    created = Event.objects.bulk_create(_events(n))
    assert _stored(Event, [o.pk for o in copied]) == _stored(Event, [o.pk for o in created])
    first = Event.objects.get(pk=copied[0].pk)
    assert first.object_id is None and first.labs == [0, 1] and first.dispatched_at is None
    assert first.occurred_at == datetime(2026, 12, 7, 13, 0, 1, 123456, tzinfo=UTC)
    # The sequence moved past the reserved ids: the next plain insert does not collide.
    later = Event.objects.create(type="test.after", occurred_at=first.occurred_at, object_type="vendor")
    assert later.pk > max(o.pk for o in copied)


def test_small_batches_take_bulk_create(postgres):
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_objects(Event, _events(3))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "INSERT INTO" in sql and "nextval" not in sql and "COPY" not in sql
