"""The recompute pipeline with a real Celery worker, real Redis and real PostgreSQL, including faults."""

import threading
import time
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from assessments.models import VendorScore
from tests.scores.helpers import admin_user
from tests.scores.snapshot import stored_scores
from vendors.models import ScoreMark

pytestmark = [pytest.mark.serial, pytest.mark.postgres, pytest.mark.broker]


def api():
    client = APIClient()
    client.force_authenticate(admin_user())
    return client


def engagement_body(lab_id, vendor_id, n=0):
    return {
        "lab": lab_id,
        "vendor": vendor_id,
        "title": f"Engagement {n}",
        "status": "active",
        "criticality": "critical",
        "data_sensitivity": "restricted",
        "substitutability": "difficult",
        "start_date": date(2025, 1, 1).isoformat(),
    }


def wait_until_fresh(timeout: float = 60) -> float:
    started = time.time()
    while ScoreMark.objects.exists():
        if time.time() - started > timeout:
            raise AssertionError(f"{ScoreMark.objects.count()} marks still pending after {timeout} s")
        time.sleep(0.05)
    return time.time() - started


def reference_world(client):
    vendor = client.post("/api/vendors/", {"name": "Vendor M", "category": "data_labeling"}).json()["id"]
    labs = [client.post("/api/labs/", {"name": f"Lab {i}"}).json()["id"] for i in range(3)]
    return vendor, labs


def assert_equals_rebuild():
    incremental = stored_scores()
    call_command("recompute_scores", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert incremental == stored_scores()


def test_api_writes_become_fresh_through_a_real_worker(start_worker, shared_redis, live_broker):
    import redis

    redis.Redis.from_url(shared_redis).flushdb()
    start_worker(shared_redis)
    live_broker(shared_redis)
    client = api()
    vendor, labs = reference_world(client)
    for n, lab in enumerate(labs):
        assert client.post("/api/engagements/", engagement_body(lab, vendor, n)).status_code == 201
    wait_until_fresh()
    risk = client.get(f"/api/vendors/{vendor}/risk/").json()
    assert (risk["score"], risk["band"], risk["stale"]) == (67.1, "high", False)
    assert_equals_rebuild()


def test_writes_succeed_while_redis_is_down_and_the_sweep_converges(start_worker, own_redis, live_broker):
    live_broker(own_redis.url)
    client = api()
    vendor, labs = reference_world(client)  # sent while Redis is up, but no worker yet
    own_redis.stop()
    for n, lab in enumerate(labs):
        started = time.perf_counter()
        response = client.post("/api/engagements/", engagement_body(lab, vendor, n))
        elapsed = time.perf_counter() - started
        assert response.status_code == 201, response.content
        assert elapsed < 2.0, f"a write took {elapsed:.2f} s with the broker down"
    assert ScoreMark.objects.exists(), "the marks wait for the sweep"
    assert not VendorScore.objects.filter(vendor_id=vendor, score=67.1).exists()

    own_redis.start()
    start_worker(own_redis.url, beat=True)  # the beat sweep (every 1 s here) drains what was left
    wait_until_fresh()
    assert float(VendorScore.objects.get(vendor_id=vendor).score) == 67.1
    assert_equals_rebuild()


def test_marks_survive_a_worker_killed_mid_drain(start_worker, own_redis, live_broker):
    live_broker(own_redis.url)
    slow = start_worker(own_redis.url, env={"VENDORRISK_DRAIN_DELAY_SECONDS": "30"})
    client = api()
    vendor, labs = reference_world(client)
    client.post("/api/engagements/", engagement_body(labs[0], vendor))
    slow.wait_for("drain_scores", 20)
    deadline = time.time() + 20
    while not _drain_holds_locks() and time.time() < deadline:
        time.sleep(0.1)
    assert _drain_holds_locks(), "the slow drain is inside its transaction"
    slow.kill()
    time.sleep(0.5)
    assert ScoreMark.objects.exists(), "the killed drain's transaction rolled back: the marks survive"

    start_worker(own_redis.url, beat=True)
    wait_until_fresh()
    assert VendorScore.objects.filter(vendor_id=vendor).exists()
    assert_equals_rebuild()


def _drain_holds_locks() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        return cursor.fetchone()[0] > 0


def test_several_writers_at_once_converge(start_worker, own_redis, live_broker):
    live_broker(own_redis.url)
    start_worker(own_redis.url, beat=True, concurrency=2)
    client = api()
    vendors = [
        client.post("/api/vendors/", {"name": f"V{i}", "category": "compute"}).json()["id"] for i in range(4)
    ]
    labs = [client.post("/api/labs/", {"name": f"L{i}"}).json()["id"] for i in range(4)]
    for a, b in zip(vendors, vendors[1:], strict=False):
        client.post("/api/vendor-dependencies/", {"vendor": a, "depends_on": b})
    errors = []

    def writer(k):
        from django.db import connections

        try:
            c = api()
            for n in range(8):
                body = engagement_body(labs[(k + n) % 4], vendors[(k * n) % 4], n)
                r = c.post("/api/engagements/", body)
                if r.status_code != 201:
                    errors.append(r.content)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    wait_until_fresh()
    assert VendorScore.objects.count() == 4
    assert_equals_rebuild()
