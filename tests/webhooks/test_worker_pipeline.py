"""Webhooks with a real Celery worker, real Redis and PostgreSQL: the broker down while events are
written, and every event delivered after recovery by the beat sweep, each once, with its webhook-id; a
worker killed mid-delivery, and the same webhook-id sent again by the next one."""

import datetime as dt
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone
from werkzeug import Response

from tests import factories as f
from vendorrisk.core import events
from vendorrisk.models import Event
from vendors import services as vendor_services
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


def test_service_writes_while_redis_is_down_succeed_and_are_delivered_after_recovery(
    start_worker, own_redis, live_broker, httpserver, settings
):
    """A real write path (engagement: its marks ask for a drain, its event for a fan-out) with no broker."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    httpserver.expect_request("/hook").respond_with_data("ok")
    owner = f.UserFactory(username="hook-owner", role="security", all_labs=True)
    webhook = services.webhook_create(
        actor=owner, url=httpserver.url_for("/hook"), event_types=["engagement.*"]
    )
    lab, vendor = f.LabFactory(name="Lab A"), f.VendorFactory(name="Vendor A")
    live_broker(own_redis.url)
    own_redis.stop()

    started = time.perf_counter()
    engagement = vendor_services.engagement_create(
        actor=owner,
        lab=lab,
        vendor=vendor,
        title="Written without a broker",
        status="active",
        criticality="high",
        data_sensitivity="internal",
        substitutability="easy",
        start_date=dt.date(2026, 1, 1),
    )
    assert time.perf_counter() - started < 5, "the write waited for the broker"
    event = Event.objects.get(type="engagement.created", object_id=engagement.pk)
    assert event.dispatched_at is None and httpserver.log == []

    own_redis.start()
    start_worker(own_redis.url, beat=True, env={"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"})
    wait_for(lambda: WebhookDelivery.objects.filter(webhook=webhook, status="delivered").exists())
    ((request, _),) = httpserver.log
    assert request.headers["webhook-id"] == f"evt_{event.pk}"
    assert verified(webhook, request)["data"]["title"] == "Written without a broker"


def test_a_worker_killed_mid_delivery_leads_to_a_redelivery_with_the_same_webhook_id(
    start_worker, own_redis, live_broker, httpserver, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    seen: list[str] = []
    in_flight = threading.Event()

    def target(request):
        seen.append(request.headers["webhook-id"])
        if len(seen) == 1:
            in_flight.set()
            time.sleep(3)  # the worker is killed while it waits for this answer
        return Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(target)
    owner = f.UserFactory(username="hook-owner", role="security", all_labs=True)
    webhook = services.webhook_create(actor=owner, url=httpserver.url_for("/hook"), event_types=["vendor.*"])
    live_broker(own_redis.url)
    worker = start_worker(own_redis.url, env={"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"})

    vendor = vendor_services.vendor_create(actor=owner, name="Sent twice", category="data_broker")
    event = Event.objects.get(type="vendor.created", object_id=vendor.pk)
    assert in_flight.wait(30), "the worker started the delivery"
    worker.kill()
    delivery = WebhookDelivery.objects.get(webhook=webhook, event=event)
    assert delivery.status == "pending" and delivery.attempt == 0  # nothing recorded: it died mid-send

    # Time passes beyond the claim's lease; the next worker's sweep makes the attempt again.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    start_worker(own_redis.url, beat=True, env={"WEBHOOK_ALLOW_PRIVATE_TARGETS": "true"})
    wait_for(lambda: WebhookDelivery.objects.filter(pk=delivery.pk, status="delivered").exists())
    assert seen[:2] == [f"evt_{event.pk}", f"evt_{event.pk}"]
