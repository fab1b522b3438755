"""/api/webhooks/ (DESIGN.md section 8): roles, ownership, the secret shown once, validation, the delivery
log, and pinned query counts."""

import socket

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vendorrisk.core import events
from webhooks import services
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db

BODY = {"url": "https://hooks.example.com/in", "event_types": ["incident.*", "engagement.created"]}


@pytest.fixture
def public_dns(monkeypatch):
    """hooks.example.com resolves to a public address (no network in tests)."""

    def resolve(host, port, *args, **kwargs):
        address = "93.184.216.34" if host == "hooks.example.com" else "10.0.0.7"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def webhook_of(owner, **kwargs) -> Webhook:
    return Webhook.objects.create(
        url="https://hooks.example.com/x",
        event_types=["*"],
        secret="whsec_c2VjcmV0",
        created_by=owner,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("procurement", 403), ("security", 201), ("admin", 201)]
)
def test_only_admin_and_security_manage_webhooks(public_dns, role_users, api_client_for, role, status):
    client = api_client_for(role_users[role])
    assert client.post("/api/webhooks/", BODY, format="json").status_code == status
    assert client.get("/api/webhooks/").status_code == (200 if status == 201 else 403)


def test_the_secret_is_shown_in_the_create_response_only(public_dns, security_api):
    created = security_api.post("/api/webhooks/", BODY, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert Webhook.objects.get(pk=body["id"]).secret == body["secret"]
    assert {
        k: body[k] for k in ("url", "event_types", "labs", "active", "failure_count", "disabled_reason")
    } == {
        **BODY,
        "labs": [],
        "active": True,
        "failure_count": 0,
        "disabled_reason": "",
    }
    assert security_api.get(f"/api/webhooks/{body['id']}/").json()["secret"] is None
    assert security_api.get("/api/webhooks/").json()["results"][0]["secret"] is None
    patched = security_api.patch(f"/api/webhooks/{body['id']}/", {"active": False}, format="json")
    assert patched.json()["secret"] is None


def test_the_secret_never_enters_the_audit_trail(public_dns, security_api, admin_api):
    created = security_api.post("/api/webhooks/", BODY, format="json").json()
    entries = admin_api.get("/api/audit/", {"object_type": "webhooks.webhook"}).json()["results"]
    assert entries and all("secret" not in entry["changes"] for entry in entries)
    assert created["secret"] not in str(entries)


def test_a_security_user_sees_only_its_own_webhooks_and_an_admin_all(
    security_lab_a, security_all, admin_user, api_client_for
):
    own, other = webhook_of(security_lab_a), webhook_of(security_all)
    mine = api_client_for(security_lab_a)
    assert [w["id"] for w in mine.get("/api/webhooks/").json()["results"]] == [own.pk]
    assert mine.get(f"/api/webhooks/{other.pk}/").status_code == 404
    assert mine.patch(f"/api/webhooks/{other.pk}/", {"active": False}, format="json").status_code == 404
    assert mine.delete(f"/api/webhooks/{other.pk}/").status_code == 404
    assert mine.get(f"/api/webhooks/{other.pk}/deliveries/").status_code == 404
    everyone = api_client_for(admin_user)
    assert [w["id"] for w in everyone.get("/api/webhooks/").json()["results"]] == [own.pk, other.pk]


def test_patch_and_delete(public_dns, security_api, security_all):
    webhook = webhook_of(security_all, active=False, failure_count=20, disabled_reason="Deactivated.")
    response = security_api.patch(
        f"/api/webhooks/{webhook.pk}/", {"active": True, "event_types": ["vendor.*"]}, format="json"
    )
    assert response.status_code == 200, response.content
    webhook.refresh_from_db()
    assert (webhook.active, webhook.failure_count, webhook.disabled_reason) == (True, 0, "")
    assert webhook.event_types == ["vendor.*"]
    assert security_api.put(f"/api/webhooks/{webhook.pk}/", BODY, format="json").status_code == 405
    assert security_api.delete(f"/api/webhooks/{webhook.pk}/").status_code == 204
    assert not Webhook.objects.filter(pk=webhook.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://hooks.example.com/in"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "http://127.0.0.1:8000/hook"}, "url"),
        ({"url": "http://internal.example/hook"}, "url"),  # resolves to 10.0.0.7
        ({"url": "http://[::1]/hook"}, "url"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "url"),
        ({"event_types": []}, "event_types"),
        ({"event_types": ["Incident.Created"]}, "event_types"),
        ({"event_types": ["martian.*"]}, "event_types"),
        ({"event_types": "incident.*"}, "event_types"),
        ({"labs": [987654]}, "labs"),
        ({"labs": ["x"]}, "labs"),
        ({"active": "perhaps"}, "active"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(public_dns, security_api, settings, change, field):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = security_api.post("/api/webhooks/", {**BODY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Webhook.objects.exists()


def test_a_private_target_is_allowed_when_the_setting_is_on(security_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    response = security_api.post("/api/webhooks/", {**BODY, "url": "http://127.0.0.1:9/hook"}, format="json")
    assert response.status_code == 201, response.content


def test_labs_must_be_within_the_owners_labs(
    public_dns, security_lab_a_api, lab_a, lab_b, admin_api, security_lab_a
):
    response = security_lab_a_api.post("/api/webhooks/", {**BODY, "labs": [lab_b.pk]}, format="json")
    assert response.status_code == 400 and "labs" in response.json()
    ok = security_lab_a_api.post("/api/webhooks/", {**BODY, "labs": [lab_a.pk]}, format="json")
    assert ok.status_code == 201 and ok.json()["labs"] == [lab_a.pk]
    # An admin editing it may not widen it beyond its owner's labs either.
    widened = admin_api.patch(f"/api/webhooks/{ok.json()['id']}/", {"labs": [lab_b.pk]}, format="json")
    assert widened.status_code == 400 and "labs" in widened.json()


def test_the_delivery_log_lists_status_code_duration_and_attempt(security_all, security_api):
    webhook = webhook_of(security_all)
    with transaction.atomic():
        event = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event=event,
        attempt=2,
        status="failed",
        response_code=503,
        duration_ms=41,
        error="HTTP 503.",
    )
    response = security_api.get(f"/api/webhooks/{webhook.pk}/deliveries/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert {
        k: row[k] for k in ("id", "event", "attempt", "status", "response_code", "duration_ms", "error")
    } == {
        "id": delivery.pk,
        "event": event.pk,
        "attempt": 2,
        "status": "failed",
        "response_code": 503,
        "duration_ms": 41,
        "error": "HTTP 503.",
    }
    assert set(row) == {
        "id",
        "event",
        "attempt",
        "status",
        "response_code",
        "duration_ms",
        "error",
        "created_at",
        "next_attempt_at",
    }
    assert (
        security_api.get(f"/api/webhooks/{webhook.pk}/deliveries/", {"status": "delivered"}).json()["count"]
        == 0
    )
    assert security_api.get(f"/api/webhooks/{webhook.pk}/deliveries/", {"status": "nope"}).status_code == 400
    missing = security_api.post(f"/api/webhooks/{webhook.pk}/deliveries/999999/redeliver/")
    assert missing.status_code == 404


def test_redelivering_to_an_inactive_webhook_is_a_409(security_all, security_api):
    webhook = webhook_of(security_all, active=False)
    with transaction.atomic():
        event = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event=event, status="gave_up")
    response = security_api.post(f"/api/webhooks/{webhook.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409
    assert "inactive" in response.json()["detail"]
    assert security_api.post(f"/api/webhooks/{webhook.pk}/test/").status_code == 409


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, {"page_size": 500}).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_counts_are_pinned(security_lab_a, lab_a, api_client_for):
    client = api_client_for(security_lab_a)
    counts = []
    for n in (3, 30):
        while Webhook.objects.count() < n:
            webhook_of(security_lab_a).labs.set([lab_a])
        counts.append(count_queries(client, "/api/webhooks/"))
    assert counts == [3, 3]  # count, page, labs prefetch

    webhook = Webhook.objects.first()
    counts = []
    for n in (3, 30):
        with transaction.atomic():
            for _ in range(n - webhook.deliveries.count()):
                event = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
                WebhookDelivery.objects.create(webhook=webhook, event=event)
        counts.append(count_queries(client, f"/api/webhooks/{webhook.pk}/deliveries/"))
    assert counts == [3, 3]  # the webhook, count, page


def test_the_service_keeps_one_owner(security_all, public_dns):
    webhook = services.webhook_create(actor=security_all, url=BODY["url"], event_types=["*"])
    assert webhook.created_by == security_all
