"""The Celery app: configured from Django settings (CELERY_*), tasks autodiscovered, beat schedule here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.local")

app = Celery("vendorrisk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Drains any dirty marks whose on-commit request was lost (broker down, worker killed).
    "sweep-dirty-scores": {
        "task": "assessments.tasks.sweep_scores",
        "schedule": float(os.environ.get("SWEEP_SECONDS", "30")),
    },
    # Webhooks: events whose fan-out request was lost, and delivery attempts that are due (retries).
    "sweep-webhooks": {
        "task": "webhooks.tasks.sweep_webhooks",
        "schedule": float(os.environ.get("SWEEP_SECONDS", "30")),
    },
    # Events past EVENT_RETENTION_DAYS whose deliveries are finished.
    "prune-events": {
        "task": "webhooks.tasks.prune_events",
        "schedule": crontab(minute=45, hour=3),
    },
    # Time changes score inputs: incidents fading past 365 days, assessments expiring.
    "mark-time-dependent-scores": {
        "task": "assessments.tasks.mark_time_dependent_scores",
        "schedule": crontab(minute=5, hour=0),
    },
    # Assessments past their validity and findings past their due date: one event each.
    "announce-expiries": {
        "task": "assessments.tasks.announce_expiries",
        "schedule": crontab(minute=10, hour=0),
    },
    # Assessments 30, 7 and 1 days from expiry: one email per assessment and threshold.
    "send-assessment-reminders": {
        "task": "assessments.tasks.send_assessment_reminders",
        "schedule": crontab(minute=30, hour=6),
    },
    # Regulator notifications due within 12 hours or overdue: one email per row and kind.
    "warn-notification-deadlines": {
        "task": "incidents.tasks.warn_notification_deadlines",
        "schedule": crontab(minute="*/15"),
    },
}
