"""Webhooks with a real Celery worker, real Redis and PostgreSQL: the broker down while events are
written, and every event delivered after recovery by the beat sweep, each once, with its webhook-id."""

import time

import pytest
from django.db import transaction

from tests import factories as f
from vendorrisk.core import events
from vendorrisk.models import Event
from webhooks import services
from webhooks.models import WebhookDelivery

from .conftest import verified

pytestmark = [pytest.mark.serial, pytest.mark.postgres, pytest.mark.broker]


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while not condition():
        if time.time() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_events_written_while_redis_is_down_are_delivered_after_recovery(
    start_worker, own_redis, live_broker, httpserver, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    httpserver.expect_request("/hook").respond_with_data("ok")
    owner = f.UserFactory(username="hook-owner", role="security", all_labs=True)
    webhook = services.webhook_create(actor=owner, url=httpserver.url_for("/hook"), event_types=["vendor.*"])
    live_broker(own_redis.url)
    own_redis.stop()

    written = []
    for n in range(3):
        started = time.perf_counter()
        with transaction.atomic():
            written.append(events.record("vendor.updated", actor=None, object_type="vendor", object_id=n).pk)
        assert time.perf_counter() - started < 2.5, "a write waited for the broker"
    assert Event.objects.filter(pk__in=written, dispatched_at__isnull=True).count() == 3
    assert httpserver.log == []

    own_redis.start()
    start_worker(own_redis.url, beat=True, env={"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"})
    wait_for(lambda: WebhookDelivery.objects.filter(webhook=webhook, status="delivered").count() == 3)
    received = sorted(request.headers["webhook-id"] for request, _ in httpserver.log)
    assert received == sorted(f"evt_{pk}" for pk in written)
    for request, _ in httpserver.log:
        assert verified(webhook, request)["type"] == "vendor.updated"
