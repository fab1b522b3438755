"""The admin imports' background run: one phase (preview or apply) of an `ImportJob`, as a Celery task.

`vendorrisk.admin_imports` (the pages) makes the jobs and queues them with `queue`; the worker runs
`run_import_job`, registered under its historical name `vendorrisk.tasks.run_import_job` (queued tasks
keep routing) and found by the worker through `vendorrisk/tasks.py`.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from celery import current_app, shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from assessments.importers.oscal import parse_catalog
from assessments.importers.vsaq import parse_vsaq
from assessments.importers.writer import import_questionnaires, read_questionnaire_files
from incidents.importers.hhs import HhsImporter
from incidents.importers.hibp import HibpImporter
from incidents.importers.report import ImportFailed, run_import_in_batches
from incidents.importers.veris import VerisImporter
from vendorrisk.core.audit import acting_as
from vendorrisk.models import ImportJob

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=24)  # previews never confirmed lose their file at the next upload after this
STALLED_AFTER = timedelta(minutes=10)  # a running job without progress this long lost its worker
Status, Phase = ImportJob.Status, ImportJob.Phase


@dataclass(frozen=True)
class Kind:
    label: str
    suffixes: tuple[str, ...]


KINDS: dict[str, Kind] = {
    "veris": Kind("VERIS incidents (JSON, JSON Lines)", (".json", ".jsonl", ".ndjson")),
    "hibp": Kind("Have I Been Pwned breaches (JSON)", (".json",)),
    "hhs": Kind("HHS OCR breach portal (CSV)", (".csv",)),
    "oscal": Kind("OSCAL catalog questionnaire (JSON)", (".json",)),
    "vsaq": Kind("Google VSAQ questionnaire (JSON)", (".json",)),
}


@shared_task(name="vendorrisk.tasks.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: int) -> str:
    """Run the job's queued phase (preview or apply). A job already taken by another worker is left."""
    return run_job(job_id)


def queue(job: ImportJob) -> None:
    """Run the job's phase after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(job.pk))


def _send(job_id: int) -> None:
    try:
        run_import_job.delay(job_id)
    except Exception:
        if current_app.conf.task_always_eager:
            raise
        logger.exception("Could not queue import job %s", job_id)
        ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.FAILED,
            report={
                "errors": [{"record": "file", "reason": "The task queue is unavailable; try again later."}]
            },
            finished_at=timezone.now(),
        )


def run_job(job_id: int) -> str:
    """Run the queued phase of job `job_id` (the task's body). Returns the job's final status.

    A job is claimed once; one left `running` without progress for STALLED_AFTER (its worker died; the
    task is redelivered) is claimed again and run from the start, which the keyed importers allow.
    """
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, updated_at__lt=now - STALLED_AFTER))
        .update(status=Status.RUNNING, read=0, updated_at=now)
    )
    if not claimed:
        return "not queued"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    dry_run = job.phase == Phase.PREVIEW

    def progress(report) -> None:
        ImportJob.objects.filter(pk=job_id).update(read=report.read, updated_at=timezone.now())

    try:
        with _local_copy(job) as file_path:
            report = _run(job.kind, file_path, dry_run=dry_run, actor=job.created_by, progress=progress)
    except RecursionError:
        report = _file_error(job, "The file is nested too deeply to be read.", dry_run=dry_run)
    except ValueError as exc:  # the importers' readers (and the kernel's depth-guarded loader) say why
        report = _file_error(job, f"The file cannot be read: {exc}", dry_run=dry_run)
    except Exception:
        logger.exception("Import job %s failed", job_id)
        report = _file_error(
            job, "The import stopped with an unexpected error; it has been logged.", dry_run=dry_run
        )

    ok = not report.get("errors") and (dry_run or report.get("committed"))
    job.read, job.report, job.finished_at = report.get("read", job.read), report, timezone.now()
    if dry_run and ok:
        job.status, job.confirm_token = Status.PREVIEWED, secrets.token_urlsafe(24)
    else:
        job.status, job.confirm_token = (Status.APPLIED if ok else Status.FAILED), ""
        job.file.delete(save=False)
    job.save(update_fields=["status", "read", "report", "finished_at", "confirm_token", "file", "updated_at"])
    return job.status


def _run(kind: str, file_path: Path, *, dry_run: bool, actor, progress) -> dict:
    with acting_as(actor):
        if kind in ("oscal", "vsaq"):
            # A questionnaire is one record: one short transaction, all or nothing.
            parse = parse_catalog if kind == "oscal" else parse_vsaq
            parsed_list, file_errors = read_questionnaire_files([file_path], parse)
            try:
                report = import_questionnaires(
                    parsed_list, file_errors=file_errors, dry_run=dry_run, actor=actor
                )
            except ImportFailed as exc:
                report = exc.report
            return report.as_dict()

        importer = {"veris": VerisImporter, "hibp": HibpImporter, "hhs": HhsImporter}[kind](file_path)
        return run_import_in_batches(importer, dry_run=dry_run, progress=progress).as_dict()


def _file_error(job: ImportJob, reason: str, *, dry_run: bool) -> dict:
    return {
        "read": job.read,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "errors": [{"record": "file", "reason": reason}],
        "skip_reasons": {},
        "dry_run": dry_run,
        "committed": False,
    }


@contextmanager
def _local_copy(job: ImportJob):
    """A local path of the job's file: the file itself on local storage, else a temporary copy."""
    try:
        local = Path(job.file.path)
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    folder = Path(tempfile.mkdtemp(prefix="vendorrisk-import-"))
    try:
        target = folder / (get_valid_filename(Path(job.file_name).name)[-100:] or "upload")
        with job.file.open("rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def count_records(kind: str, upload) -> int | None:
    """The number of records when the format makes it cheap to know (one a line), else None."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv"):
        return None
    lines, last = 0, b""
    for chunk in upload.chunks():
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
    upload.seek(0)
    lines += 1 if last and last != b"\n" else 0
    return max(lines - (1 if suffix == ".csv" else 0), 0)


def forget_stale_previews() -> None:
    for job in ImportJob.objects.filter(status=Status.PREVIEWED, updated_at__lt=timezone.now() - STALE_AFTER):
        job.file.delete(save=False)
        job.status, job.confirm_token = Status.FAILED, ""
        job.report = {
            **job.report,
            "errors": [{"record": "file", "reason": "The preview expired unconfirmed."}],
        }
        job.save(update_fields=["status", "confirm_token", "report", "file", "updated_at"])
