"""The Webhooks page: admins and security only, the secret shown once, edit, delete, deliveries."""

import pytest
from django.db import transaction

from tests import factories as f
from vendorrisk.core import events
from webhooks.models import Webhook, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("procurement", 403), ("security", 200), ("admin", 200)]
)
def test_only_admins_and_security_reach_the_page_and_see_the_nav_link(signed_in, role, status):
    client = signed_in(f.UserFactory(role=role, all_labs=True))
    assert client.get("/webhooks/").status_code == status
    assert (b'href="/webhooks/"' in client.get("/").content) is (status == 200)


def test_create_shows_the_secret_once_then_edit_and_delete(signed_in, security_all, settings, lab_a):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    client = signed_in(security_all)
    form = {
        "url": "http://127.0.0.1:9/in",
        "event_types": "incident.*\nvendor.work_halted",
        "labs": [lab_a.pk],
        "active": "on",
    }
    created = client.post("/webhooks/new/", form)
    assert created.status_code == 201
    webhook = Webhook.objects.get()
    assert webhook.secret.encode() in created.content
    assert (webhook.event_types, list(webhook.labs.all())) == (["incident.*", "vendor.work_halted"], [lab_a])
    detail = client.get(f"/webhooks/{webhook.pk}/")
    assert detail.status_code == 200 and webhook.secret.encode() not in detail.content
    assert webhook.secret.encode() not in client.get("/webhooks/").content

    edited = client.post(f"/webhooks/{webhook.pk}/edit/", {**form, "event_types": "*", "labs": []})
    assert edited.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.event_types, webhook.active, list(webhook.labs.all())) == (["*"], True, [])
    assert client.post(f"/webhooks/{webhook.pk}/delete/").status_code == 302
    assert not Webhook.objects.exists()


def test_a_private_target_is_refused_on_the_form_naming_the_url(signed_in, security_all, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client = signed_in(security_all)
    response = client.post("/webhooks/new/", {"url": "http://127.0.0.1:9/in", "event_types": "*"})
    assert response.status_code == 200
    assert b"loopback" in response.content
    assert not Webhook.objects.exists()


def test_another_users_webhook_is_not_found(signed_in, security_lab_a, security_all):
    other = Webhook.objects.create(
        url="https://x.example/", event_types=["*"], secret="whsec_eA==", created_by=security_all
    )
    client = signed_in(security_lab_a)
    assert client.get(f"/webhooks/{other.pk}/").status_code == 404
    assert client.post(f"/webhooks/{other.pk}/delete/").status_code == 404
    assert Webhook.objects.filter(pk=other.pk).exists()


def test_the_deliveries_are_listed_with_a_redeliver_button(signed_in, security_all):
    webhook = Webhook.objects.create(
        url="https://x.example/",
        event_types=["*"],
        secret="whsec_eA==",
        created_by=security_all,
        active=False,
    )
    with transaction.atomic():
        event = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event=event, status="gave_up", attempt=6, response_code=500
    )
    client = signed_in(security_all)
    page = client.get(f"/webhooks/{webhook.pk}/").content.decode()
    assert f"evt_{event.pk}" in page and "Gave up" in page
    assert f"/webhooks/{webhook.pk}/deliveries/{delivery.pk}/redeliver/" in page
    refused = client.post(f"/webhooks/{webhook.pk}/deliveries/{delivery.pk}/redeliver/", follow=True)
    assert b"inactive" in refused.content
    assert WebhookDelivery.objects.count() == 1


def page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_query_counts_are_pinned(signed_in, security_lab_a, lab_a):
    client = signed_in(security_lab_a)
    lists, details = [], []
    for n in (3, 30):
        while Webhook.objects.count() < n:
            hook = Webhook.objects.create(
                url="https://x.example/", event_types=["*"], secret="whsec_eA==", created_by=security_lab_a
            )
            hook.labs.set([lab_a])
        webhook = Webhook.objects.first()
        with transaction.atomic():
            for _ in range(n - webhook.deliveries.count()):
                event = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
                WebhookDelivery.objects.create(webhook=webhook, event=event)
        lists.append(page_queries(client, "/webhooks/"))
        details.append(page_queries(client, f"/webhooks/{webhook.pk}/"))
    assert lists[0] == lists[1]
    assert details[0] == details[1]
    # session, user, webhooks, their labs | session, user, the webhook, its labs, deliveries
    assert (lists[1], details[1]) == (4, 5)
