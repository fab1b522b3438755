"""Vendor pages: engagements (the list with its CSV export, the procurement forms, the CSV import) and
halting work at a vendor. The pages that show scores or incidents beside vendor data (a vendor, a lab, an
engagement) are the assessments app's (assessments/views/risk.py): only it may read every app."""

import copy
import csv
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vendorrisk.core.dates import instant_token
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors, listing, require_roles
from vendorrisk.core.roles import PROCUREMENT_WRITERS, SECURITY_WRITERS, has_role

from . import csv_import
from . import services as vendor_services
from .filters import EngagementFilterSet
from .forms import EngagementForm, ImportUploadForm, WorkChangeForm
from .selectors import engagement_get, engagement_list, lab_list, vendor_get, vendor_list

ENGAGEMENT_SORTS = {
    "title": "title",
    "lab": "lab__name",
    "vendor": "vendor__name",
    "status": "status",
    "criticality": "criticality",
    "start_date": "start_date",
    "end_date": "end_date",
    "annual_value": "annual_value",
}
SEARCH = ("title", "notes", "vendor__name", "lab__name")
PREVIEW_ROWS = 200
SESSION_KEY = "engagement_import"
MAX_UI_IMPORT_BYTES = 5 * 1024 * 1024


def _listing(request):
    return listing(
        request,
        engagement_list(user=request.user),
        filterset_class=EngagementFilterSet,
        sorts=ENGAGEMENT_SORTS,
        default_sort="-start_date",
        search_fields=SEARCH,
    )


@login_required
def engagement_list_view(request):
    page = _listing(request)
    return render(request, "engagements/engagement_list.html", {"listing": page, "sort": page.sort})


class _Echo:
    def write(self, value):
        return value


@login_required
def engagement_export(request):
    """The current list (same filters, search and order) as CSV, every cell escaped against formulas."""
    page = _listing(request)
    rows = page.page.paginator.object_list
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    lookups = csv_import.export_lookups(request.user)

    def lines():
        yield "\ufeff" + writer.writerow(csv_import.EXPORT_COLUMNS)
        for engagement in rows.iterator(chunk_size=2000):
            yield writer.writerow(csv_import.export_row(engagement, lookups))

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="engagements-{stamp}.csv"'
    return response


def _initial(request) -> dict:
    """`?lab=` / `?vendor=` preselect a field (an unknown or out-of-scope id leaves it empty)."""
    initial = {"status": "active"}
    for key, selector in (("lab", lab_list), ("vendor", vendor_list)):
        value = request.GET.get(key, "")
        if value.isdigit():
            initial[key] = selector(user=request.user).filter(pk=int(value)).first()
    return initial


def _to_score_change(engagement, since, *, was: tuple[int, int] | None = None):
    """The engagement's page, showing how its vendor's score and its lab's concentration moved since the
    write began (`?changed=`: the recompute runs after commit, so the page may first say "updating…")."""
    url = f"{reverse('ui:engagement-detail', args=[engagement.pk])}?changed={instant_token(since)}"
    if was is not None and was[0] != engagement.vendor_id:
        url += f"&from_vendor={was[0]}"
    if was is not None and was[1] != engagement.lab_id:
        url += f"&from_lab={was[1]}"
    return redirect(url)


@require_roles(PROCUREMENT_WRITERS)
def engagement_create(request):
    form = EngagementForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        since = timezone.now()
        try:
            engagement = vendor_services.engagement_create(
                actor=request.user, owner=request.user, **form.service_data()
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Engagement “{engagement.title}” logged.")
            return _to_score_change(engagement, since)
    return render(request, "engagements/engagement_form.html", {"form": form, "engagement": None})


@require_roles(PROCUREMENT_WRITERS)
def engagement_edit(request, pk):
    engagement = engagement_get(user=request.user, pk=pk)
    # The form edits a copy: the service compares the stored values with the new ones to find changes.
    form = EngagementForm(request.POST or None, user=request.user, instance=copy.copy(engagement))
    if request.method == "POST" and form.is_valid():
        since, was = timezone.now(), (engagement.vendor_id, engagement.lab_id)
        try:
            engagement = vendor_services.engagement_update(
                actor=request.user, instance=engagement, **form.service_data()
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Engagement “{engagement.title}” saved.")
            return _to_score_change(engagement, since, was=was)
    return render(request, "engagements/engagement_form.html", {"form": form, "engagement": engagement})


# --- CSV import ------------------------------------------------------------------------------------


@login_required
def engagement_import_template(request):
    response = HttpResponse(csv_import.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="engagements-template.csv"'
    return response


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@require_roles(PROCUREMENT_WRITERS)
def engagement_import(request):
    """Upload → preview (every row's errors: line, column, reason) → import all rows, or none."""
    context = {
        "form": ImportUploadForm(),
        "columns": [(c, csv_import.HELP[c], c in csv_import.REQUIRED) for c in csv_import.COLUMNS],
    }
    if request.method != "POST":
        return render(request, "engagements/engagement_import.html", context)

    if request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("digest") != request.POST["confirm"]:
            messages.error(request, "That preview has expired. Upload the file again.")
            return redirect("ui:engagement-import")
        content = stored["content"].encode()
        result = csv_import.run_import(content, user=request.user)
        if result.ok:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                f"Imported {result.created} engagement{'s' if result.created != 1 else ''} from "
                f"{stored['name']}. Their scores are recalculating.",
            )
            return redirect("ui:engagement-list")
        context.update(_preview(result, stored["name"], None))
        return render(request, "engagements/engagement_import.html", context)

    form = ImportUploadForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "engagements/engagement_import.html", context)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UI_IMPORT_BYTES:
        form.add_error(
            "file",
            f"The file is larger than {MAX_UI_IMPORT_BYTES // (1024 * 1024)} MB; import it in parts or through the API.",
        )
        return render(request, "engagements/engagement_import.html", context)
    content = upload.read()
    result = csv_import.parse(content, user=request.user)
    digest = None
    if result.ok:
        digest = _digest(content)
        request.session[SESSION_KEY] = {
            "digest": digest,
            "name": upload.name[:200],
            "content": content.decode("utf-8-sig"),
        }
    context.update(_preview(result, upload.name, digest))
    return render(request, "engagements/engagement_import.html", context)


def _preview(result: csv_import.ImportResult, name: str, digest: str | None) -> dict:
    return {
        "result": result,
        "file_name": name,
        "digest": digest,
        "preview_rows": result.rows[:PREVIEW_ROWS],
        "more_rows": max(0, len(result.rows) - PREVIEW_ROWS),
    }


# --- halting work at a vendor ----------------------------------------------------------------------


def _may_halt(user) -> bool:
    return has_role(user, SECURITY_WRITERS)


def _work_change(request, pk, *, verb: str):
    vendor = vendor_get(user=request.user, pk=pk)  # 404 first, then the role (403)
    if not _may_halt(request.user):
        raise PermissionDenied
    form = WorkChangeForm(request.POST, user=request.user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect("ui:vendor-detail", pk=vendor.pk)
    data = {"reason": form.cleaned_data["reason"], "lab": form.cleaned_data.get("lab")}
    try:
        if verb == "suspend":
            changed = vendor_services.vendor_suspend(actor=request.user, vendor=vendor, **data)
            messages.success(
                request,
                f"Work halted: {len(changed):,} engagement{'s' if len(changed) != 1 else ''} suspended. "
                "The vendor still holds the data until disposal is confirmed; scores are recalculating.",
            )
        else:
            changed, skipped = vendor_services.vendor_resume(actor=request.user, vendor=vendor, **data)
            text = (
                f"Work resumed: {len(changed):,} engagement{'s' if len(changed) != 1 else ''} active again."
            )
            if skipped:
                text += f" {len(skipped):,} stay suspended: their data was disposed of."
            messages.success(request, text)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    return redirect("ui:vendor-detail", pk=vendor.pk)


@require_POST
@login_required
def vendor_suspend(request, pk):
    return _work_change(request, pk, verb="suspend")


@require_POST
@login_required
def vendor_resume(request, pk):
    return _work_change(request, pk, verb="resume")
