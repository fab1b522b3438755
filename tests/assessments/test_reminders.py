"""Expiry reminders: one email per (assessment, threshold) at 30, 7 and 1 days before valid_until."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from assessments.models import Assessment
from assessments.services import assessment_send_reminders
from assessments.tasks import send_assessment_reminders
from tests import factories as f
from vendorrisk.celery import app

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def recipients(settings, db):
    settings.VENDORRISK_ALERT_EMAILS = ["soc@example.test"]
    f.UserFactory(username="sec1", role="security", all_labs=True, email="Sec1@example.test")
    f.UserFactory(username="sec2", role="security", email="sec2@example.test")  # lab-limited: still told
    f.UserFactory(username="gone", role="security", all_labs=True, email="gone@example.test", is_active=False)
    f.UserFactory(username="reader", role="viewer", all_labs=True, email="reader@example.test")
    f.UserFactory(username="noaddr", role="security", all_labs=True, email="")


def completed(valid_until: dt.date, **kwargs) -> Assessment:
    return f.AssessmentFactory(
        status="completed",
        completed_at=timezone.now(),
        valid_until=valid_until,
        score=Decimal("72.5"),
        rating="satisfactory",
        **kwargs,
    )


def run(day: dt.date) -> int:
    """The reminders, their commit's callbacks (the e-mails) run: the test's transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return assessment_send_reminders(today=day)


def test_reminders_go_once_at_30_7_and_1_days():
    assessment = completed(TODAY + dt.timedelta(days=30))
    sent_on = {}
    for offset in range(0, 32):  # every day from 30 days before to the day after expiry
        day = TODAY + dt.timedelta(days=offset)
        before = len(mail.outbox)
        run(day)
        run(day)  # a second run the same day sends nothing more
        if len(mail.outbox) > before:
            sent_on[(assessment.valid_until - day).days] = len(mail.outbox) - before
    assert sent_on == {30: 1, 7: 1, 1: 1}
    assessment.refresh_from_db()
    assert assessment.reminders_sent == [30, 7, 1]


def test_the_email_names_the_vendor_and_goes_to_alert_addresses_and_security_users():
    assessment = completed(TODAY + dt.timedelta(days=7), vendor=f.VendorFactory(name="Vendor Kappa"))
    assert run(TODAY) == 1
    (message,) = mail.outbox
    assert message.subject == "Assessment of Vendor Kappa expires in 7 days"
    assert sorted(message.to) == ["Sec1@example.test", "sec2@example.test", "soc@example.test"]
    assert assessment.valid_until.isoformat() in message.body
    assert f"assessment {assessment.id}" in message.body


def test_a_missed_run_is_caught_up_without_sending_stale_thresholds():
    assessment = completed(TODAY + dt.timedelta(days=29))  # the 30-day run was missed
    assert run(TODAY) == 1
    assert "in 29 days" in mail.outbox[0].subject
    assert run(TODAY + dt.timedelta(days=23)) == 1  # 6 days left: the 7-day reminder, once
    assert run(TODAY + dt.timedelta(days=24)) == 0
    assessment.refresh_from_db()
    assert assessment.reminders_sent == [30, 7]


def test_completing_close_to_expiry_sends_only_the_nearest_reminder():
    assessment = completed(TODAY + dt.timedelta(days=5))
    assert run(TODAY) == 1
    assessment.refresh_from_db()
    assert assessment.reminders_sent == [30, 7]  # the 30-day one is never sent after the 7-day one
    assert run(TODAY + dt.timedelta(days=4)) == 1  # 1 day left
    assert len(mail.outbox) == 2


def test_drafts_far_expiries_past_expiries_and_renewed_assessments_get_no_reminder():
    f.AssessmentFactory(status="in_progress", valid_until=TODAY + dt.timedelta(days=7))
    completed(TODAY + dt.timedelta(days=31))
    completed(TODAY - dt.timedelta(days=1))
    vendor = f.VendorFactory()
    old = completed(TODAY + dt.timedelta(days=7), vendor=vendor)
    completed(TODAY + dt.timedelta(days=365), vendor=vendor)  # renewed: the old one expiring is no news
    assert run(TODAY) == 0
    assert mail.outbox == []
    old.refresh_from_db()
    assert old.reminders_sent == []


def test_without_recipients_nothing_is_sent_and_the_threshold_is_not_retried(settings):
    settings.VENDORRISK_ALERT_EMAILS = []
    from vendorrisk.models import User

    User.objects.filter(role="security").update(is_active=False)
    assessment = completed(TODAY + dt.timedelta(days=30))
    assert run(TODAY) == 0
    assessment.refresh_from_db()
    assert assessment.reminders_sent == [30]


def test_the_daily_beat_task_sends_them():
    completed(TODAY + dt.timedelta(days=1))
    now = dt.datetime.combine(TODAY, dt.time(6, 30), tzinfo=dt.UTC)
    with (
        mock.patch("django.utils.timezone.now", return_value=now),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        assert send_assessment_reminders.delay().get() == 1
    assert "expires in 1 day" in mail.outbox[0].subject
    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == send_assessment_reminders.name]
    assert len(entries) == 1
    assert entries[0]["schedule"].hour == {6}  # once a day
