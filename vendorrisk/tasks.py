"""Celery task for the admin imports (vendorrisk/admin_imports.py): one run of an ImportJob."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="vendorrisk.tasks.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: int) -> str:
    """Run the job's queued phase (preview or apply). A job already taken by another worker is left."""
    from .admin_imports import run_job

    return run_job(job_id)
