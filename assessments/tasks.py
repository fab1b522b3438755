"""Celery tasks for the score recompute: thin wrappers around assessments.recompute."""

import logging

from celery import shared_task

from . import recompute, services

logger = logging.getLogger(__name__)


@shared_task(
    name="assessments.tasks.drain_scores", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def drain_scores() -> dict:
    """Drain the dirty marks (requested after every commit that wrote marks). Idempotent."""
    results = recompute.drain_all()
    done = {"drains": len(results), "marks": sum(r.marks for r in results)}
    if results:
        logger.info("Drained %(marks)s score marks in %(drains)s batch(es)", done)
    return done


@shared_task(
    name="assessments.tasks.sweep_scores", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def sweep_scores() -> dict:
    """Every 30 s: drain marks whose on-commit request was lost (broker down, worker killed)."""
    return drain_scores.run()


@shared_task(name="assessments.tasks.mark_time_dependent_scores", acks_late=True, ignore_result=True)
def mark_time_dependent_scores() -> int:
    """Daily: mark vendors whose incidents faded past 365 days or whose assessment expired."""
    return recompute.mark_time_dependent()


@shared_task(name="assessments.tasks.send_assessment_reminders", acks_late=True, ignore_result=True)
def send_assessment_reminders() -> int:
    """Daily: email once per threshold when a completed assessment is 30, 7 or 1 days from expiry."""
    return services.assessment_send_reminders()


@shared_task(name="assessments.tasks.announce_expiries", acks_late=True, ignore_result=True)
def announce_expiries() -> dict:
    """Daily: `assessment.expired` and `finding.overdue` events, once each."""
    return {
        "expired": services.announce_expired_assessments(),
        "overdue_findings": services.announce_overdue_findings(),
    }
