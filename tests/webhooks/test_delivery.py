"""Deliveries to a real local HTTP server, verified with the standardwebhooks library (DESIGN.md 8)."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from werkzeug import Response

from vendorrisk.core import events
from vendorrisk.models import Event
from webhooks import sending, services, tasks
from webhooks.models import Webhook, WebhookDelivery

from .conftest import due_now, verified

pytestmark = pytest.mark.django_db(transaction=True)  # after-commit work runs at real commits


def only_delivery(webhook) -> WebhookDelivery:
    return WebhookDelivery.objects.get(webhook=webhook)


def seconds_until(when) -> float:
    return (when - timezone.now()).total_seconds()


def test_a_delivery_is_signed_and_shaped_per_standard_webhooks(make_webhook, commit, httpserver, lab_a):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    webhook = make_webhook()
    event = commit("engagement.created", labs=[lab_a.pk], data={"id": 1, "title": "Annotation"}, object_id=1)

    ((request, response),) = httpserver.log
    assert response.status_code == 200
    body = verified(webhook, request)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["webhook-id"] == f"evt_{event.pk}"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    assert request.headers["webhook-signature"].startswith("v1,")
    assert body["type"] == "engagement.created"
    assert body["timestamp"].endswith("Z")
    assert body["data"] == {
        "event_id": event.pk,
        "object_type": "engagement",
        "object_id": 1,
        "labs": [lab_a.pk],
        "id": 1,
        "title": "Annotation",
    }
    delivery = only_delivery(webhook)
    assert (delivery.status, delivery.attempt, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.duration_ms is not None and delivery.next_attempt_at is None
    assert Event.objects.get(pk=event.pk).dispatched_at is not None


def test_a_signature_made_with_another_secret_does_not_verify(make_webhook, commit, httpserver):
    from standardwebhooks.webhooks import Webhook as StandardWebhook
    from standardwebhooks.webhooks import WebhookVerificationError

    httpserver.expect_request("/hook").respond_with_data("ok")
    make_webhook()
    commit()
    ((request, _),) = httpserver.log
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(sending.new_secret()).verify(request.get_data(), dict(request.headers))


def test_only_matching_types_are_delivered(make_webhook, commit, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook(event_types=["incident.*", "vendor.work_halted"])
    commit("engagement.created")
    commit("incident.status_changed", object_type="incident")
    commit("vendor.work_halted", object_type="vendor")
    received = [verified(webhook, request)["type"] for request, _ in httpserver.log]
    assert received == ["incident.status_changed", "vendor.work_halted"]


def test_a_500_is_retried_about_a_minute_later_with_the_same_webhook_id(make_webhook, commit, httpserver):
    httpserver.expect_ordered_request("/hook").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    event = commit()

    delivery = only_delivery(webhook)
    assert (delivery.status, delivery.attempt, delivery.response_code) == ("failed", 1, 500)
    assert 55 <= seconds_until(delivery.next_attempt_at) <= 61
    assert services.webhooks_sweep()["attempts_requested"] == 0  # not due yet

    due_now(delivery)
    services.webhooks_sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt, delivery.response_code) == ("delivered", 2, 200)
    ids = [request.headers["webhook-id"] for request, _ in httpserver.log]
    assert ids == [f"evt_{event.pk}", f"evt_{event.pk}"]
    for request, _ in httpserver.log:
        verified(webhook, request)


def test_a_timeout_is_a_failed_attempt_retried_later(make_webhook, commit, httpserver, monkeypatch):
    monkeypatch.setattr(sending, "TIMEOUT", (2, 0.3))

    def slow(request):
        time.sleep(1)
        return Response("late")

    httpserver.expect_request("/hook").respond_with_handler(slow)
    webhook = make_webhook()
    commit()
    delivery = only_delivery(webhook)
    assert (delivery.status, delivery.attempt, delivery.response_code) == ("failed", 1, None)
    assert delivery.error == "Timed out."
    assert 55 <= seconds_until(delivery.next_attempt_at) <= 61


@pytest.mark.parametrize(("retry_after", "expected"), [("120", 120), ("999999", 8 * 3600), ("0", 0)])
def test_retry_after_is_honoured_and_capped_at_eight_hours(
    make_webhook, commit, httpserver, retry_after, expected
):
    httpserver.expect_request("/hook").respond_with_data(
        "busy", status=503, headers={"Retry-After": retry_after}
    )
    webhook = make_webhook()
    commit()
    delivery = only_delivery(webhook)
    assert delivery.status == "failed"
    assert expected - 5 <= seconds_until(delivery.next_attempt_at) <= expected + 1


def test_an_http_date_retry_after_is_honoured():
    when = timezone.now() + timedelta(minutes=10)
    assert 590 <= sending.parse_retry_after(when.strftime("%a, %d %b %Y %H:%M:%S GMT")) <= 600


def test_it_gives_up_after_the_retry_schedule(make_webhook, commit, httpserver):
    httpserver.expect_request("/hook").respond_with_data("boom", status=500)
    webhook = make_webhook()
    commit()
    delivery = only_delivery(webhook)
    waits = []
    while delivery.status == "failed":
        waits.append(round(seconds_until(delivery.next_attempt_at) / 60))
        due_now(delivery)
        services.webhooks_sweep()
        delivery.refresh_from_db()
    assert waits == [1, 5, 30, 120, 480]
    assert (delivery.status, delivery.attempt) == ("gave_up", 6)
    assert len(httpserver.log) == 6
    assert len({request.headers["webhook-id"] for request, _ in httpserver.log}) == 1
    webhook.refresh_from_db()
    assert (webhook.failure_count, webhook.active) == (1, True)


def test_redirects_are_not_followed(make_webhook, commit, httpserver):
    httpserver.expect_request("/hook").respond_with_data("", status=302, headers={"Location": "/elsewhere"})
    httpserver.expect_request("/elsewhere").respond_with_data("ok")
    webhook = make_webhook()
    commit()
    assert [request.path for request, _ in httpserver.log] == ["/hook"]
    assert only_delivery(webhook).status == "failed"


def test_twenty_consecutive_gave_up_deliveries_deactivate_the_webhook_with_an_event(
    make_webhook, commit, httpserver
):
    httpserver.expect_request("/hook").respond_with_data("boom", status=500)
    webhook = make_webhook()
    Webhook.objects.filter(pk=webhook.pk).update(failure_count=19)
    commit()
    delivery = only_delivery(webhook)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempt=5, status="failed")
    due_now(delivery)
    services.webhooks_sweep()

    webhook.refresh_from_db()
    assert (webhook.active, webhook.failure_count) == (False, 20)
    assert "20 consecutive" in webhook.disabled_reason
    disabled = Event.objects.get(type="webhook.disabled")
    assert (disabled.object_type, disabled.object_id) == ("webhook", webhook.pk)
    assert disabled.data["failure_count"] == 20
    # An inactive webhook gets nothing more.
    sent = len(httpserver.log)
    commit()
    assert len(httpserver.log) == sent
    assert WebhookDelivery.objects.filter(webhook=webhook).count() == 1


def test_a_delivered_event_resets_the_consecutive_failures(make_webhook, commit, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    Webhook.objects.filter(pk=webhook.pk).update(failure_count=7)
    commit()
    webhook.refresh_from_db()
    assert webhook.failure_count == 0


def test_redelivery_sends_the_same_webhook_id_again(
    make_webhook, commit, httpserver, api_client_for, security_all
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    event = commit()
    first = only_delivery(webhook)
    client = api_client_for(security_all)
    with_commit = client.post(f"/api/webhooks/{webhook.pk}/deliveries/{first.pk}/redeliver/")
    assert with_commit.status_code == 202, with_commit.content
    again = with_commit.json()
    assert again["id"] != first.pk
    assert (again["event"], again["status"], again["attempt"]) == (event.pk, "delivered", 1)
    assert [request.headers["webhook-id"] for request, _ in httpserver.log] == [f"evt_{event.pk}"] * 2


def test_the_test_action_sends_a_webhook_test_event_to_that_webhook_only(
    make_webhook, httpserver, api_client_for, security_all
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    httpserver.expect_request("/other").respond_with_data("ok")
    webhook = make_webhook()
    make_webhook(path="/other")
    response = api_client_for(security_all).post(f"/api/webhooks/{webhook.pk}/test/")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "delivered"
    ((request, _),) = httpserver.log
    assert request.path == "/hook"
    assert verified(webhook, request)["type"] == "webhook.test"


def test_a_lab_limited_owner_never_receives_an_event_about_another_lab(
    make_webhook, commit, httpserver, security_lab_a, lab_a, lab_b
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook(security_lab_a)
    commit("engagement.created", labs=[lab_b.pk], data={"id": 9, "lab": lab_b.pk, "title": "B's secret"})
    assert httpserver.log == []
    assert not WebhookDelivery.objects.exists()

    data = {
        "id": 3,
        "title": "Shared incident",
        "responses": [{"lab": lab_a.pk, "decision": "halt"}, {"lab": lab_b.pk, "decision": "continue"}],
        "affected_labs": {"labs": [lab_a.pk, lab_b.pk]},
    }
    commit("incident.created", labs=[lab_a.pk, lab_b.pk], data=data, object_type="incident", object_id=3)
    commit("vendor.updated", labs=[], data={"id": 4}, object_type="vendor", object_id=4)
    bodies = [verified(webhook, request) for request, _ in httpserver.log]
    assert [b["type"] for b in bodies] == ["incident.created", "vendor.updated"]
    incident = bodies[0]["data"]
    assert incident["labs"] == [lab_a.pk]
    assert incident["other_labs"] == 1
    assert incident["responses"] == [{"lab": lab_a.pk, "decision": "halt"}]
    assert incident["affected_labs"] == {"labs": [lab_a.pk]}
    assert str(lab_b.pk) not in {str(v) for v in incident["labs"]}


def test_a_webhook_limited_to_one_lab_gets_only_that_labs_events(
    make_webhook, commit, httpserver, security_all, lab_a, lab_b
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook(security_all, labs=[lab_a])
    commit(labs=[lab_b.pk])
    commit(labs=[lab_a.pk])
    assert [verified(webhook, r)["data"]["labs"] for r, _ in httpserver.log] == [[lab_a.pk]]


def test_an_owner_who_lost_a_lab_stops_receiving_its_events(
    make_webhook, commit, httpserver, security_lab_a, lab_a
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    make_webhook(security_lab_a)
    security_lab_a.labs.clear()
    commit(labs=[lab_a.pk])
    assert httpserver.log == []


def test_a_rolled_back_write_sends_nothing(make_webhook, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    make_webhook()
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
        raise RuntimeError("the write fails")
    assert httpserver.log == []
    assert not Event.objects.exists()


def test_a_private_target_is_refused_at_send_time_when_the_setting_is_off(
    make_webhook, commit, httpserver, settings
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    commit()
    assert httpserver.log == []
    delivery = only_delivery(webhook)
    assert delivery.status == "failed"
    assert delivery.error.startswith("Refused:") and "127.0.0.1" in delivery.error


def test_events_from_before_a_webhook_existed_are_not_sent_to_it(make_webhook, commit, httpserver):
    httpserver.expect_request("/hook").respond_with_data("ok")
    old = commit()
    Event.objects.filter(pk=old.pk).update(dispatched_at=None, occurred_at=timezone.now() - timedelta(days=1))
    make_webhook()
    services.webhooks_sweep()
    assert httpserver.log == []
    assert Event.objects.get(pk=old.pk).dispatched_at is not None


def broker_down(*args, **kwargs):
    raise ConnectionError("the broker does not answer")


def test_with_the_broker_down_the_write_commits_and_the_sweep_delivers(
    make_webhook, commit, httpserver, monkeypatch
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    monkeypatch.setattr(tasks.fan_out_events, "delay", broker_down)
    event = commit()
    assert Event.objects.filter(pk=event.pk, dispatched_at__isnull=True).exists()
    assert httpserver.log == []
    monkeypatch.undo()
    services.webhooks_sweep()
    ((request, _),) = httpserver.log
    assert request.headers["webhook-id"] == f"evt_{event.pk}"
    assert only_delivery(webhook).status == "delivered"


def test_a_worker_that_died_mid_attempt_leaves_the_delivery_due_again(
    make_webhook, commit, httpserver, monkeypatch
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    webhook = make_webhook()
    monkeypatch.setattr(tasks.send_delivery, "delay", broker_down)
    event = commit()
    delivery = only_delivery(webhook)
    # A worker claims the attempt (the lease) and dies before recording anything.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() + services.LEASE)
    monkeypatch.undo()
    assert services.webhooks_sweep()["attempts_requested"] == 0  # leased
    due_now(delivery)  # the lease ran out
    services.webhooks_sweep()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempt) == ("delivered", 1)
    ((request, _),) = httpserver.log
    assert request.headers["webhook-id"] == f"evt_{event.pk}"
    assert verified(webhook, request)["data"]["event_id"] == event.pk
