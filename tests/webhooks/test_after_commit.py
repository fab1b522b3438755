"""Side effects leave only after the write commits (issue 11, item 5): a real service write reaches the
webhook target, the drain request and the warning e-mail once committed; the same write rolled back sends
nothing at all. Committed transactions (transactional_db), as in production."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from incidents import notifications
from tests import factories as f
from vendorrisk.celery import app
from vendorrisk.models import Event
from vendors import services as vendor_services
from webhooks.models import WebhookDelivery

from .conftest import verified

DRAIN = "assessments.tasks.drain_scores"


class Rollback(Exception):
    pass


@pytest.fixture
def world(transactional_db, settings):
    settings.VENDORRISK_ALERT_EMAILS = ["soc@example.test"]
    lab = f.LabFactory(name="Lab A")
    vendor = f.VendorFactory(name="Vendor A")
    late = f.NotificationFactory(
        # Another lab's: the engagement's notification upkeep leaves it be.
        incident=f.IncidentFactory(vendor=f.VendorFactory(name="Vendor B")),
        lab=f.LabFactory(name="Lab B"),
        due_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    return lab, vendor, late


def write(lab, vendor, admin_user) -> None:
    """One engagement (its event, its score marks) and the deadline warnings (their stamps and e-mail)."""
    vendor_services.engagement_create(
        actor=admin_user,
        lab=lab,
        vendor=vendor,
        title="Annotation",
        status="active",
        criticality="high",
        data_sensitivity="internal",
        substitutability="easy",
        start_date=dt.date(2026, 1, 1),
    )
    assert notifications.warn_deadlines() == {"due_soon": 0, "overdue": 1}


def test_a_committed_write_sends_its_webhook_drain_and_mail(world, admin_user, make_webhook, httpserver):
    lab, vendor, _ = world
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    webhook = make_webhook(event_types=["engagement.*"])
    with mock.patch.object(app.tasks[DRAIN], "delay") as drain, transaction.atomic():
        write(lab, vendor, admin_user)
        assert not httpserver.log and not mail.outbox and not drain.called  # nothing before the commit
    assert drain.call_count == 1
    assert [m.subject for m in mail.outbox] == ["1 regulator notification overdue"]
    ((request, _),) = httpserver.log
    body = verified(webhook, request)
    assert body["type"] == "engagement.created" and body["data"]["title"] == "Annotation"
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_rolled_back_write_sends_nothing(world, admin_user, make_webhook, httpserver):
    lab, vendor, late = world
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    make_webhook(event_types=["*"])
    before = Event.objects.count()
    with (
        mock.patch.object(app.tasks[DRAIN], "delay") as drain,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        write(lab, vendor, admin_user)
        raise Rollback
    assert not drain.called and mail.outbox == [] and httpserver.log == []
    assert Event.objects.count() == before and not WebhookDelivery.objects.exists()
    late.refresh_from_db()
    assert late.warned_overdue_at is None  # warned again by the next run
