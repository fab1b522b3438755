"""Deadlines: every regulator filing still owed (pending or overdue) in the user's labs, soonest due first,
filtered by regime, lab and status, with a CSV export of the same rows."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from vendorrisk.core.roles import SECURITY_WRITERS, has_role
from vendors.csv_import import escape_formula

from ..filters import NotificationFilterSet
from ..forms import DeadlineFilterForm, NotificationFiledForm
from ..selectors import notification_list

PAGE_SIZE = 100
EXPORT_COLUMNS = [
    "due_at_utc",
    "status",
    "filing",
    "regime",
    "stage",
    "lab",
    "incident",
    "incident_id",
    "vendor",
    "submitted_at_utc",
    "reference",
]


def _deadlines(request):
    """(filter form, rows): the filters through the API's NotificationFilterSet; bad input lists nothing."""
    user = request.user
    form = DeadlineFilterForm(request.GET or None, user=user)
    base = notification_list(user=user).select_related("incident__vendor").filter(required=True)
    if request.GET and not form.is_valid():
        return form, base.none()
    data = form.filter_data() if form.is_bound else {"status": ["overdue", "pending"]}
    filterset = NotificationFilterSet(data, queryset=base, request=request)
    rows = filterset.qs if filterset.is_valid() else base.none()
    return form, rows.order_by("due_at", "id")


@login_required
def deadline_list(request):
    form, rows = _deadlines(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    may_write = has_role(request.user, SECURITY_WRITERS)
    notifications = list(page.object_list)
    if may_write:
        now = timezone.now().replace(second=0, microsecond=0)
        for n in notifications:
            n.file_form = NotificationFiledForm(prefix=f"n{n.id}", initial={"submitted_at": now})
    context = {
        "form": form,
        "page": page,
        "notifications": notifications,
        "may_write": may_write,
        "export_query": request.GET.urlencode(),
    }
    return render(request, "incidents/deadline_list.html", context)


class _Echo:
    def write(self, value):
        return value


def _export_row(n) -> list[str]:
    cells = [
        n.due_at.strftime("%Y-%m-%d %H:%M"),
        n.status,
        n.filing_name,
        n.get_regime_display(),
        n.get_stage_display(),
        n.lab.name,
        n.incident.title,
        n.incident_id,
        n.incident.vendor.name,
        n.submitted_at.strftime("%Y-%m-%d %H:%M") if n.submitted_at else "",
        n.reference,
    ]
    return [escape_formula(c) for c in cells]


@login_required
def deadline_export(request):
    """The deadlines page's rows (same filters and order), every cell escaped against formulas."""
    _form, rows = _deadlines(request)
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines():
        yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
        for n in rows.iterator(chunk_size=2000):
            yield writer.writerow(_export_row(n))

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deadlines-{stamp}.csv"'
    return response
