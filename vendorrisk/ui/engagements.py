"""Engagement pages: the list (with its CSV export), one engagement, the procurement forms, CSV import."""

import copy
import csv
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.roles import PROCUREMENT_WRITERS, has_role
from vendors import csv_import
from vendors import services as vendor_services
from vendors.selectors import engagement_get, engagement_list, lab_list, vendor_list

from .base import add_service_errors, listing, require_roles
from .filters import EngagementListFilterSet
from .forms import EngagementForm, ImportUploadForm
from .risk import lab_concentration_view, vendor_score_view

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
        filterset_class=EngagementListFilterSet,
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

    def lines():
        yield "\ufeff" + writer.writerow(csv_import.EXPORT_COLUMNS)
        for engagement in rows.iterator(chunk_size=2000):
            yield writer.writerow(csv_import.export_row(engagement))

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="engagements-{stamp}.csv"'
    return response


@login_required
def engagement_detail(request, pk):
    engagement = engagement_get(user=request.user, pk=pk)
    return render(request, "engagements/engagement_detail.html", _affected(request.user, engagement))


def _affected(user, engagement) -> dict:
    """The engagement and the scores it feeds, which show 'recalculating' until the drain has run."""
    return {
        "engagement": engagement,
        "vendor_score": vendor_score_view(user, engagement.vendor, detail=False),
        "lab_concentration": lab_concentration_view(user, engagement.lab),
        "may_edit": has_role(user, PROCUREMENT_WRITERS),
    }


def _initial(request) -> dict:
    """`?lab=` / `?vendor=` preselect a field (an unknown or out-of-scope id leaves it empty)."""
    initial = {"status": "active"}
    for key, selector in (("lab", lab_list), ("vendor", vendor_list)):
        value = request.GET.get(key, "")
        if value.isdigit():
            initial[key] = selector(user=request.user).filter(pk=int(value)).first()
    return initial


@require_roles(PROCUREMENT_WRITERS)
def engagement_create(request):
    form = EngagementForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = vendor_services.engagement_create(
                actor=request.user, owner=request.user, **form.service_data()
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Engagement “{engagement.title}” logged. Its scores are recalculating."
            )
            return redirect("ui:engagement-detail", pk=engagement.pk)
    return render(request, "engagements/engagement_form.html", {"form": form, "engagement": None})


@require_roles(PROCUREMENT_WRITERS)
def engagement_edit(request, pk):
    engagement = engagement_get(user=request.user, pk=pk)
    # The form edits a copy: the service compares the stored values with the new ones to find changes.
    form = EngagementForm(request.POST or None, user=request.user, instance=copy.copy(engagement))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = vendor_services.engagement_update(
                actor=request.user, instance=engagement, **form.service_data()
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Engagement “{engagement.title}” saved. Affected scores are recalculating."
            )
            return redirect("ui:engagement-detail", pk=engagement.pk)
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
