"""The feed under concurrent writers (PostgreSQL): a reader polling `?after=<last id>` while several
transactions record events gets every event exactly once, in id order. Ids come from a sequence when
the row is written, not when it commits, so without the outbox's commit ordering a reader would pass an
id whose transaction has not committed yet and never see it."""

import random
import threading
import time

import pytest
from django.db import connections, transaction
from rest_framework.test import APIClient

from tests import factories as f
from vendorrisk.core import events
from vendorrisk.models import Event

pytestmark = [pytest.mark.postgres]

WRITERS = 6
WRITES = 15


def test_a_polling_reader_never_skips_or_repeats_an_event(postgres):
    reader_user = f.UserFactory(username="feed-reader", role="viewer", all_labs=True)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[int] = []

    def write(n: int) -> None:
        try:
            for i in range(WRITES):
                with transaction.atomic():
                    time.sleep(random.uniform(0, 0.005))  # other work of the write before its events
                    events.record("vendor.updated", actor=None, object_type="vendor", object_id=n * 100 + i)
                    time.sleep(random.uniform(0, 0.01))  # and after, before the commit
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    def read() -> None:
        client = APIClient()
        client.force_authenticate(reader_user)
        after = 0
        try:
            while True:
                done = stop.is_set()
                body = client.get("/api/events/", {"after": after, "limit": 7}).json()
                rows = [row["id"] for row in body["results"]]
                seen.extend(rows)
                after = rows[-1] if rows else after
                if done and not rows:
                    return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    writers = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    stop.set()
    reader.join(60)
    assert not errors, errors
    everything = list(Event.objects.order_by("id").values_list("id", flat=True))
    assert len(everything) == WRITERS * WRITES
    assert len(seen) == len(set(seen)), "an event was read twice"
    assert seen == everything, f"skipped: {sorted(set(everything) - set(seen))}"
