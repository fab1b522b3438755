"""The admin "Imports" page: the import commands as an upload, a dry-run preview, then the real import.

Both runs are background tasks (`vendorrisk.import_jobs.run_import_job`; in-process after commit when there
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
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from vendorrisk.models import ImportJob

from .import_jobs import KINDS, Kind, Phase, Status, count_records, forget_stale_previews, queue

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SHOWN_ERRORS = 200
RECENT_JOBS = 10
URL_NAME = "vendorrisk_imports"
JOB_URL_NAME = "vendorrisk_import_job"
PROGRESS_URL_NAME = "vendorrisk_import_job_progress"


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
    forget_stale_previews()
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    job = ImportJob(
        kind=kind,
        file_name=Path(upload.name).name[-200:],
        created_by=request.user,
        total=count_records(kind, upload),
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
