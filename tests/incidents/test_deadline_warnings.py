"""The beat task that warns about notifications due within 12 hours and about overdue ones, once each."""

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from incidents.models import Notification
from incidents.notifications import sync_notifications
from incidents.tasks import warn_notification_deadlines as warning_task
from tests import factories as f
from vendorrisk.celery import app

pytestmark = pytest.mark.django_db


def warn_notification_deadlines(**kwargs):
    """The beat task, its commit's callbacks (the e-mails) run: the test's own transaction never commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return warning_task(**kwargs)


@pytest.fixture
def alert_emails(settings):
    settings.VENDORRISK_ALERT_EMAILS = ["soc@example.test"]


@pytest.fixture
def readers(lab_a, lab_b):
    """Who should hear about Lab A: the SOC, security users seeing all labs or Lab A; nobody else."""
    return {
        "security_all": f.UserFactory(username="sec_all", role="security", all_labs=True),
        "security_a": f.UserFactory(username="sec_a", role="security", labs=[lab_a]),
        "security_b": f.UserFactory(username="sec_b", role="security", labs=[lab_b]),
        "viewer_a": f.UserFactory(username="view_a", role="viewer", labs=[lab_a]),
        "inactive_a": f.UserFactory(username="gone_a", role="security", labs=[lab_a], is_active=False),
    }


def make(lab, hours: float, **kw) -> Notification:
    return f.NotificationFactory(lab=lab, due_at=timezone.now() + dt.timedelta(hours=hours), **kw)


def test_due_soon_and_overdue_rows_are_emailed_once(alert_emails, readers, lab_a):
    soon = make(lab_a, 6, regime="gdpr", stage="report")
    late = make(lab_a, -2, regime="nis2", stage="early_warning")
    make(lab_a, 30, regime="nis2", stage="notification")  # not yet within 12 hours
    make(lab_a, -5, regime="dora", stage="initial", submitted_at=timezone.now())  # submitted
    make(lab_a, -5, regime="sec", stage="form_8k", required=False)  # not required

    assert warn_notification_deadlines() == {"due_soon": 1, "overdue": 1}

    assert len(mail.outbox) == 2
    by_subject = {m.subject: m for m in mail.outbox}
    assert set(by_subject) == {
        "1 regulator notification due within 12 hours",
        "1 regulator notification overdue",
    }
    due_mail = by_subject["1 regulator notification due within 12 hours"]
    assert sorted(due_mail.to) == ["sec_a@example.test", "sec_all@example.test", "soc@example.test"]
    assert (
        f"notification {soon.pk})" in due_mail.body
        and "GDPR report" in due_mail.body
        and "Lab A" in due_mail.body
    )
    assert f"notification {late.pk})" in by_subject["1 regulator notification overdue"].body

    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.warned_due_soon_at is not None and soon.warned_overdue_at is None
    assert late.warned_overdue_at is not None

    mail.outbox.clear()
    assert warn_notification_deadlines() == {"due_soon": 0, "overdue": 0}
    assert mail.outbox == []


def test_a_row_warned_due_soon_is_warned_again_once_when_it_becomes_overdue(alert_emails, lab_a):
    row = make(lab_a, 1)
    warn_notification_deadlines()
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    mail.outbox.clear()

    assert warn_notification_deadlines() == {"due_soon": 0, "overdue": 1}
    assert [m.subject for m in mail.outbox] == ["1 regulator notification overdue"]
    warn_notification_deadlines()
    assert len(mail.outbox) == 1


def test_each_lab_is_told_only_to_those_who_can_see_it(alert_emails, readers, lab_a, lab_b):
    make(lab_a, -1)
    make(lab_b, -3, regime="sec", stage="form_8k")

    warn_notification_deadlines()

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        if "sec_b@example.test" in message.to:
            assert "Lab A" not in message.body and "Lab B" in message.body
            assert "sec_a@example.test" not in message.to
        else:
            assert "Lab B" not in message.body and "Lab A" in message.body
            assert sorted(message.to) == ["sec_a@example.test", "sec_all@example.test", "soc@example.test"]


def test_rows_of_one_audience_come_in_one_digest(alert_emails, lab_a):
    make(lab_a, -1, regime="gdpr", stage="report")
    make(lab_a, -2, regime="nis2", stage="early_warning")
    warn_notification_deadlines()
    assert [m.subject for m in mail.outbox] == ["2 regulator notifications overdue"]


def test_a_deadline_moved_later_gets_its_warning_again(lab_a, vendor_a, settings):
    settings.VENDORRISK_ALERT_EMAILS = ["soc@example.test"]
    f.EngagementFactory(lab=lab_a, vendor=vendor_a)
    incident = f.IncidentFactory(vendor=vendor_a, discovered_at=timezone.now() - dt.timedelta(hours=30))
    sync_notifications(incident)
    early = Notification.objects.get(incident=incident, stage="early_warning")
    warn_notification_deadlines()
    early.refresh_from_db()
    assert early.status == "overdue" and early.warned_overdue_at is not None

    incident.discovered_at = timezone.now() - dt.timedelta(hours=2)
    incident.save()
    sync_notifications(incident)
    early.refresh_from_db()
    assert early.status == "pending" and early.warned_overdue_at is None and early.warned_due_soon_at is None


def test_the_warning_task_runs_every_15_minutes():
    entry = app.conf.beat_schedule["warn-notification-deadlines"]
    assert entry["task"] == "incidents.tasks.warn_notification_deadlines"
    assert entry["schedule"].minute == {0, 15, 30, 45}
    assert "incidents.tasks.warn_notification_deadlines" in app.tasks
