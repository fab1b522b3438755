"""The shell's Celery tasks, where the worker's autodiscovery looks for them."""

from .import_jobs import run_import_job

__all__ = ["run_import_job"]
