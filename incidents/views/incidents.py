"""Incident pages: the list, and one incident with its impact, timeline, status changes and deadlines."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors, listing, require_roles
from vendorrisk.core.roles import SECURITY_WRITERS, has_role
from vendors.selectors import vendor_list

from .. import services as incident_services
from ..choices import SEVERITY_ORDER, STATUS_ORDER, rank_by
from ..filters import IncidentFilterSet
from ..forms import (
    IncidentForm,
    IncidentStatusForm,
    IncidentUpdateForm,
    LabResponseForm,
    NotificationFiledForm,
)
from ..selectors import (
    incident_get,
    incident_impact,
    incident_list,
    incident_update_list,
    lab_response_list,
    next_deadlines,
    notification_list,
)
from .responses import response_initial, response_prefix

SEVERITY_RANK = rank_by("severity", SEVERITY_ORDER)
STATUS_RANK = rank_by("status", STATUS_ORDER)
INCIDENT_SORTS = {
    "title": "title",
    "vendor": "vendor__name",
    "severity": "severity_rank",
    "status": "status_rank",
    "discovered_at": "discovered_at",
    "occurred_at": "occurred_at",
    "records": "records_affected",
}


@login_required
def incident_list_view(request):
    queryset = incident_list(user=request.user).annotate(severity_rank=SEVERITY_RANK, status_rank=STATUS_RANK)
    page = listing(
        request,
        queryset,
        filterset_class=IncidentFilterSet,
        sorts=INCIDENT_SORTS,
        default_sort="-discovered_at",
        search_fields=("title", "description", "vendor__name", "external_id"),
    )
    rows = list(page.rows)
    deadlines = next_deadlines(user=request.user, incident_ids=[i.id for i in rows])
    return render(
        request,
        "incidents/incident_list.html",
        {"listing": page, "rows": [(i, deadlines.get(i.id)) for i in rows], "sort": page.sort},
    )


@login_required
def incident_detail(request, pk, *, status_form=None, update_form=None):
    user = request.user
    incident = incident_get(user=user, pk=pk)
    impact = incident_impact(user=user, incident=incident)
    shown_labs = len(impact["labs"])
    may_write = has_role(user, SECURITY_WRITERS)
    responses = {
        r.lab_id: r for r in lab_response_list(user=user, incident=incident).order_by("lab__name", "id")
    }
    exposed = {row["lab"] for row in impact["labs"]}
    lab_rows = [
        {
            "lab_id": row["lab"],
            "lab_name": row["lab_name"],
            "response": responses.get(row["lab"]),
            "form": LabResponseForm(
                prefix=response_prefix(row["lab"]), initial=response_initial(responses.get(row["lab"]))
            )
            if may_write
            else None,
        }
        for row in impact["labs"]
    ]
    # A response stays readable after its lab stopped counting as exposed (it cannot be changed here).
    lab_rows += [
        {"lab_id": r.lab_id, "lab_name": r.lab.name, "response": r, "form": None}
        for lab_id, r in responses.items()
        if lab_id not in exposed
    ]
    notifications = list(notification_list(user=user).filter(incident=incident).order_by("due_at", "id"))
    if may_write:
        now = timezone.now().replace(second=0, microsecond=0)
        for n in notifications:
            n.file_form = NotificationFiledForm(prefix=f"n{n.id}", initial={"submitted_at": now})
    context = {
        "incident": incident,
        "impact": impact,
        "other_labs": max(0, impact["labs_exposed_total"] - shown_labs),
        "updates": list(incident_update_list(user=user, incident=incident)),
        "lab_rows": lab_rows,
        "notifications": notifications,
        "may_write": may_write,
        "status_form": (status_form or IncidentStatusForm(current=incident.status)) if may_write else None,
        "update_form": (update_form or IncidentUpdateForm()) if may_write else None,
    }
    return render(request, "incidents/incident_detail.html", context)


@require_roles(SECURITY_WRITERS)
def incident_create(request):
    initial = {"discovered_at": timezone.now().replace(second=0, microsecond=0)}
    vendor_id = request.GET.get("vendor", "")
    if vendor_id.isdigit():
        initial["vendor"] = vendor_list(user=request.user).filter(pk=int(vendor_id)).first()
    form = IncidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_services.incident_create(actor=request.user, **form.service_data())
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Incident “{incident.title}” logged. Scores are recalculating.")
            return redirect("ui:incident-detail", pk=incident.pk)
    return render(request, "incidents/incident_form.html", {"form": form})


@require_POST
@require_roles(SECURITY_WRITERS)
def incident_status(request, pk):
    incident = incident_get(user=request.user, pk=pk)
    form = IncidentStatusForm(request.POST, current=incident.status)
    if not form.is_valid():
        return incident_detail(request, pk, status_form=form)
    try:
        incident_services.incident_update(
            actor=request.user,
            instance=incident,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, ApplicationError) as exc:
        form.add_error(None, getattr(exc, "message", None) or "; ".join(exc.messages))
        return incident_detail(request, pk, status_form=form)
    messages.success(request, f"Status changed to {form.cleaned_data['status']}.")
    return redirect("ui:incident-detail", pk=pk)


@require_POST
@require_roles(SECURITY_WRITERS)
def incident_add_update(request, pk):
    incident = incident_get(user=request.user, pk=pk)
    form = IncidentUpdateForm(request.POST)
    if not form.is_valid():
        return incident_detail(request, pk, update_form=form)
    incident_services.incident_update_create(
        actor=request.user, incident=incident, body=form.cleaned_data["body"]
    )
    messages.success(request, "Update added to the timeline.")
    return redirect(reverse("ui:incident-detail", args=[pk]) + "#timeline")
