"""The admin "Imports" page: the import commands as an upload, a dry-run preview, then the real import.

Both runs are background tasks (`vendorrisk.tasks.run_import_job`; in-process after commit when there
is no broker, like the score drain) over an `ImportJob`:

1. Upload: the file is stored through the storage API, a job is queued for its preview and the
   browser goes to the job's page, which polls the job's progress (htmx, no inline script).
2. Preview: the importer runs as a dry run in batches of short transactions, each rolled back
   (`incidents.importers.report.run_import_in_batches`). Without invalid records the job is
   `previewed` and its page offers the import, guarded by a one-use token kept on the job.
3. Import: posting the token back queues the write run: batch after batch, each validated and written
   in its own transaction, so other writers (and sign-ins, on SQLite) wait at most one batch.
   The preview has validated the whole file first; if a batch still fails (the data changed in
   between), it is rolled back, the import stops and the page says how many records were written.
   Running the same file again is safe: the importers recognise what is there (external ids, names).

A file the importer cannot read at all (too deeply nested, not JSON, not text) fails its job with the
importer's message, never a 500. Admins only (the Django admin is: is_staff is the admin role).
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

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from vendorrisk.core.audit import acting_as
from vendorrisk.models import ImportJob

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SHOWN_ERRORS = 200
STALE_AFTER = timedelta(hours=24)  # previews never confirmed lose their file at the next upload after this
RECENT_JOBS = 10
STALLED_AFTER = timedelta(minutes=10)  # a running job without progress this long lost its worker
URL_NAME = "vendorrisk_imports"
JOB_URL_NAME = "vendorrisk_import_job"
PROGRESS_URL_NAME = "vendorrisk_import_job_progress"
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


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[(key, kind.label) for key, kind in KINDS.items()], label="Import")
    file = forms.FileField(
        label="File", help_text=f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", allow_empty_file=False
    )

    def clean(self):
        data = super().clean()
        upload, kind = data.get("file"), data.get("kind")
        if upload is None or kind is None:
            return data
        if upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        suffix = Path(upload.name).suffix.lower()
        allowed = KINDS[kind].suffixes
        if suffix not in allowed:
            self.add_error(
                "file", f"A {kind} import takes a {' or '.join(allowed)} file, not {upload.name!r}."
            )
        return data


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """The jobs, read-only (registered here, beside the page that makes them; the page shows each one)."""

    list_display = ["file_name", "kind", "phase", "status", "read", "created_by", "created_at"]
    list_filter = ["kind", "status", "phase"]
    search_fields = ["file_name"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "confirm_token"]
    exclude = ["confirm_token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- the background run ---------------------------------------------------------------------------


def queue(job: ImportJob) -> None:
    """Run the job's phase after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(job.pk))


def _send(job_id: int) -> None:
    from celery import current_app

    from .tasks import run_import_job

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
    from incidents.importers.report import ImportFailed

    with acting_as(actor):
        if kind in ("oscal", "vsaq"):
            # A questionnaire is one record: one short transaction, all or nothing.
            from assessments.importers.oscal import parse_catalog
            from assessments.importers.vsaq import parse_vsaq
            from assessments.importers.writer import import_questionnaires, read_questionnaire_files

            parse = parse_catalog if kind == "oscal" else parse_vsaq
            parsed_list, file_errors = read_questionnaire_files([file_path], parse)
            try:
                report = import_questionnaires(
                    parsed_list, file_errors=file_errors, dry_run=dry_run, actor=actor
                )
            except ImportFailed as exc:
                report = exc.report
            return report.as_dict()

        from incidents.importers.hhs import HhsImporter
        from incidents.importers.hibp import HibpImporter
        from incidents.importers.report import run_import_in_batches
        from incidents.importers.veris import VerisImporter

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


def _count_records(kind: str, upload) -> int | None:
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


def _forget_stale_previews() -> None:
    for job in ImportJob.objects.filter(status=Status.PREVIEWED, updated_at__lt=timezone.now() - STALE_AFTER):
        job.file.delete(save=False)
        job.status, job.confirm_token = Status.FAILED, ""
        job.report = {
            **job.report,
            "errors": [{"record": "file", "reason": "The preview expired unconfirmed."}],
        }
        job.save(update_fields=["status", "confirm_token", "report", "file", "updated_at"])


# --- the pages ------------------------------------------------------------------------------------


def _context(model_admin, request: HttpRequest, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "title": "Imports",
        "opts": model_admin.model._meta,
        "max_shown_errors": MAX_SHOWN_ERRORS,
        **extra,
    }


def _shown(report: dict) -> dict:
    errors = report.get("errors", [])
    return {
        "report": report,
        "errors_shown": [
            {"where": f"line {e['line']}" if "line" in e else f"record {e.get('record', '?')}", **e}
            for e in errors[:MAX_SHOWN_ERRORS]
        ],
        "errors_total": len(errors),
    }


def _job_context(request: HttpRequest, job: ImportJob) -> dict:
    return {
        "job": job,
        "kind_label": KINDS.get(job.kind, Kind(job.kind, ())).label,
        "file_name": job.file_name,
        "token": job.confirm_token
        if job.status == Status.PREVIEWED and job.created_by_id == request.user.pk
        else None,
        **(_shown(job.report) if not job.is_active else {"report": None}),
    }


def _require_admin(request: HttpRequest) -> None:
    if not getattr(request.user, "is_admin_role", False):
        raise PermissionDenied


def imports_view(model_admin, request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    template = "admin/imports/imports.html"
    recent = ImportJob.objects.select_related("created_by")[:RECENT_JOBS]
    if request.method != "POST":
        form = ImportForm(
            initial={"kind": request.GET.get("kind") if request.GET.get("kind") in KINDS else None}
        )
        return TemplateResponse(request, template, _context(model_admin, request, form=form, recent=recent))

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(
            request, template, _context(model_admin, request, form=form, recent=recent), status=400
        )
    _forget_stale_previews()
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    job = ImportJob(
        kind=kind,
        file_name=Path(upload.name).name[-200:],
        created_by=request.user,
        total=_count_records(kind, upload),
    )
    job.file.save(get_valid_filename(Path(upload.name).name)[-100:] or "upload", upload, save=False)
    job.save()
    queue(job)
    return HttpResponseRedirect(reverse(f"{model_admin.admin_site.name}:{JOB_URL_NAME}", args=[job.pk]))


def _job(pk: int) -> ImportJob:
    try:
        return ImportJob.objects.select_related("created_by").get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404 from None


def job_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    job = _job(pk)
    here = reverse(f"{model_admin.admin_site.name}:{JOB_URL_NAME}", args=[job.pk])
    if request.method == "POST":
        token = request.POST.get("token", "")
        if (
            job.status != Status.PREVIEWED
            or job.created_by_id != request.user.pk
            or not token
            or not secrets.compare_digest(token, job.confirm_token)
            # One use: of two posts of the same token only one finds it still there.
            or not ImportJob.objects.filter(pk=job.pk, status=Status.PREVIEWED, confirm_token=token).update(
                status=Status.QUEUED, phase=Phase.APPLY, confirm_token="", read=0, updated_at=timezone.now()
            )
        ):
            messages.error(
                request, "That import is unknown, already done or has expired: upload the file again."
            )
            return HttpResponseRedirect(reverse(f"{model_admin.admin_site.name}:{URL_NAME}"))
        job.refresh_from_db()
        queue(job)
        return HttpResponseRedirect(here)
    context = _context(
        model_admin, request, form=ImportForm(initial={"kind": job.kind}), **_job_context(request, job)
    )
    return TemplateResponse(request, "admin/imports/imports.html", context)


def progress_view(model_admin, request: HttpRequest, pk: int) -> HttpResponse:
    """The job's panel alone: what the job page polls while the job is queued or running."""
    _require_admin(request)
    job = _job(pk)
    return TemplateResponse(
        request,
        "admin/imports/_job.html",
        {"max_shown_errors": MAX_SHOWN_ERRORS, **_job_context(request, job)},
    )


def import_urls(model_admin) -> list:
    """The URLs the model admin adds in front of its own (admin:vendorrisk_imports, …)."""
    site = model_admin.admin_site
    return [
        path("imports/", site.admin_view(lambda request: imports_view(model_admin, request)), name=URL_NAME),
        path(
            "imports/<int:pk>/",
            site.admin_view(lambda request, pk: job_view(model_admin, request, pk)),
            name=JOB_URL_NAME,
        ),
        path(
            "imports/<int:pk>/progress/",
            site.admin_view(lambda request, pk: progress_view(model_admin, request, pk)),
            name=PROGRESS_URL_NAME,
        ),
    ]
