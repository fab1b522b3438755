"""Celery tasks for incidents: thin wrappers around incidents.notifications."""

from celery import shared_task

from . import notifications


@shared_task(name="incidents.tasks.warn_notification_deadlines", acks_late=True, ignore_result=True)
def warn_notification_deadlines() -> dict:
    """Every 15 minutes: email about notifications due within 12 hours or overdue, once per row each."""
    return notifications.warn_deadlines()
