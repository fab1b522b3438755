"""The admin "Imports" page: the import commands as an upload, a dry-run preview, then the real import.

Step 1 (preview) saves the upload under a temp folder of ours, runs the importer with dry_run=True and
shows the report. If the preview lists no errors, the upload is remembered in the session under a random
token (its path never leaves the server). Step 2 (import) posts the token back; the path comes from the
session, is checked to sit in our temp folder, the import runs for real, the file is removed and the
final report shown. Admins only (the Django admin is: is_staff is the admin role).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import get_valid_filename

from vendorrisk.audit import acting_as

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SHOWN_ERRORS = 200
STALE_AFTER_SECONDS = 24 * 3600  # previews never confirmed are removed at the next upload after this
SESSION_KEY = "admin_imports"
URL_NAME = "vendorrisk_imports"


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


def upload_root() -> Path:
    root = Path(tempfile.gettempdir()) / "vendorrisk-admin-imports"
    root.mkdir(mode=0o700, exist_ok=True)
    return root.resolve()


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


def run(kind: str, file_path: Path, *, dry_run: bool, actor) -> tuple[dict, bool]:
    """Run the `kind` importer on `file_path`. Returns (report dict, failed)."""
    from incidents.importers.report import ImportFailed

    try:
        report = _run_importer(kind, file_path, dry_run=dry_run, actor=actor)
    except ImportFailed as exc:
        return exc.report.as_dict(), True
    return report.as_dict(), False


def _run_importer(kind: str, file_path: Path, *, dry_run: bool, actor):
    # Imported lazily: the project's admin must not pull every app's importers in at start-up.
    if kind in ("oscal", "vsaq"):
        from assessments.importers.oscal import parse_catalog
        from assessments.importers.vsaq import parse_vsaq
        from assessments.importers.writer import import_questionnaires, read_questionnaire_files

        parse = parse_catalog if kind == "oscal" else parse_vsaq
        parsed_list, file_errors = read_questionnaire_files([file_path], parse)
        with acting_as(actor):
            return import_questionnaires(parsed_list, file_errors=file_errors, dry_run=dry_run, actor=actor)

    from incidents.importers.hhs import HhsImporter
    from incidents.importers.hibp import HibpImporter
    from incidents.importers.report import run_import
    from incidents.importers.veris import VerisImporter

    importer = {"veris": VerisImporter, "hibp": HibpImporter, "hhs": HhsImporter}[kind](file_path)
    with acting_as(actor):
        return run_import(importer, dry_run=dry_run)


def _save_upload(upload) -> Path:
    _remove_stale_uploads()
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=upload_root()))
    name = get_valid_filename(Path(upload.name).name)[-100:] or "upload"
    target = folder / name
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return target


def _remove_upload(file_path: Path) -> None:
    if _is_ours(file_path):
        shutil.rmtree(file_path.parent, ignore_errors=True)


def _remove_stale_uploads() -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for folder in upload_root().glob("upload-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _is_ours(file_path: Path) -> bool:
    """Only a file directly inside one of the upload folders this module created."""
    try:
        resolved = file_path.resolve()
    except (OSError, RuntimeError):
        return False
    folder = resolved.parent
    return folder.parent == upload_root() and folder.name.startswith("upload-") and resolved.is_file()


def _pending(request: HttpRequest) -> dict:
    return request.session.get(SESSION_KEY, {})


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


def imports_view(model_admin, request: HttpRequest) -> HttpResponse:
    if not getattr(request.user, "is_admin_role", False):
        raise PermissionDenied
    template = "admin/imports/imports.html"
    if request.method != "POST":
        form = ImportForm(
            initial={"kind": request.GET.get("kind") if request.GET.get("kind") in KINDS else None}
        )
        return TemplateResponse(request, template, _context(model_admin, request, form=form))

    if request.POST.get("step") == "import":
        return _confirm(model_admin, request, template)

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(request, template, _context(model_admin, request, form=form), status=400)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    file_path = _save_upload(upload)
    report, failed = run(kind, file_path, dry_run=True, actor=request.user)
    token = None
    if failed or report.get("errors"):
        _remove_upload(file_path)
    else:
        token = secrets.token_urlsafe(24)
        pending = _pending(request)
        pending[token] = {"path": str(file_path), "kind": kind, "name": upload.name}
        request.session[SESSION_KEY] = pending
    context = _context(
        model_admin,
        request,
        form=ImportForm(initial={"kind": kind}),
        step="preview",
        kind=kind,
        kind_label=KINDS[kind].label,
        file_name=upload.name,
        token=token,
        **_shown(report),
    )
    return TemplateResponse(request, template, context)


def _confirm(model_admin, request: HttpRequest, template: str) -> HttpResponse:
    pending = _pending(request)
    entry = pending.pop(request.POST.get("token", ""), None)
    request.session[SESSION_KEY] = pending
    here = reverse(f"{model_admin.admin_site.name}:{URL_NAME}")
    if entry is None or entry.get("kind") not in KINDS or not _is_ours(Path(entry.get("path", ""))):
        messages.error(request, "That import is unknown or has expired: upload the file again.")
        return HttpResponseRedirect(here)
    file_path = Path(entry["path"])
    try:
        report, failed = run(entry["kind"], file_path, dry_run=False, actor=request.user)
    finally:
        _remove_upload(file_path)
    if failed:
        messages.error(request, "The import failed and nothing was written; see the errors below.")
    else:
        messages.success(request, f"Imported {entry['name']}.")
    context = _context(
        model_admin,
        request,
        form=ImportForm(initial={"kind": entry["kind"]}),
        step="done",
        kind=entry["kind"],
        kind_label=KINDS[entry["kind"]].label,
        file_name=entry["name"],
        token=None,
        **_shown(report),
    )
    return TemplateResponse(request, template, context)


def import_urls(model_admin) -> list:
    """The URL the model admin adds in front of its own (admin:vendorrisk_imports)."""
    return [
        path(
            "imports/",
            model_admin.admin_site.admin_view(lambda request: imports_view(model_admin, request)),
            name=URL_NAME,
        )
    ]
