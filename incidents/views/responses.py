"""A lab's response to an incident (with the halt that suspends its work, confirmed first) and marking its
regulator filings as filed. Each write is one service call; these views only collect and confirm."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors, require_roles
from vendorrisk.core.roles import SECURITY_WRITERS
from vendors.selectors import engagements_to_halt, lab_get

from .. import services as incident_services
from ..forms import LabResponseForm, NotificationFiledForm
from ..selectors import incident_get, incident_impact, lab_response_list, notification_list


def response_prefix(lab_id: int) -> str:
    """One form per lab on the incident page: the prefix keeps their fields apart."""
    return f"lab{lab_id}"


def response_initial(response) -> dict:
    if response is None:
        return {}
    return {
        "decision": response.decision,
        "data_confirmed_exposed": response.data_confirmed_exposed,
        "aware_at": response.aware_at,
        "reason": response.reason,
    }


def _exposed_lab(user, incident, lab_pk: int):
    """The lab, if it is one of the user's labs exposed to the incident; 404 otherwise (never a hint)."""
    impact = incident_impact(user=user, incident=incident)
    if not any(row["lab"] == lab_pk for row in impact["labs"]):
        raise Http404
    return lab_get(user=user, pk=lab_pk)


@require_roles(SECURITY_WRITERS)
def lab_response(request, pk, lab_pk):
    """GET: the lab's response form. POST: record it; a halt with "suspend" first shows what it suspends."""
    user = request.user
    incident = incident_get(user=user, pk=pk)
    lab = _exposed_lab(user, incident, lab_pk)
    existing = lab_response_list(user=user, incident=incident).filter(lab=lab).first()
    form = LabResponseForm(
        request.POST if request.method == "POST" else None,
        prefix=response_prefix(lab.pk),
        initial=response_initial(existing),
    )
    context = {"incident": incident, "lab": lab, "existing": existing, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "incidents/lab_response.html", context, status=400 if form.errors else 200)

    to_halt = list(engagements_to_halt(user=user, vendor=incident.vendor, lab=lab))
    suspend = form.cleaned_data["suspend"]
    if suspend and not to_halt:
        form.add_error(
            "suspend",
            f"{lab.name} has no active engagement with {incident.vendor.name} to suspend; "
            "record the decision without suspending.",
        )
        return render(request, "incidents/lab_response.html", context, status=400)
    if suspend and request.POST.get("confirmed") != "yes":
        return render(request, "incidents/lab_response_confirm.html", {**context, "to_halt": to_halt})

    confirmed = None
    if suspend:
        confirmed = [int(v) for v in request.POST.getlist("engagements") if v.isdigit()]
    try:
        response, suspended = incident_services.lab_response_record(
            actor=user,
            incident=incident,
            lab=lab,
            suspend=confirmed,
            timeline_note=form.cleaned_data["timeline_note"],
            **form.service_data(),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("ui:lab-response", pk=incident.pk, lab_pk=lab.pk)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "incidents/lab_response.html", context, status=400)
    text = f"{lab.name}: {response.get_decision_display().lower()} recorded."
    if suspended:
        n = len(suspended)
        text += f" {n:,} engagement{'' if n == 1 else 's'} suspended; the vendor keeps the data until disposal is confirmed."
    messages.success(request, text)
    return redirect(reverse("ui:incident-detail", args=[incident.pk]) + "#responses")


def _back(request, notification) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("ui:incident-detail", args=[notification.incident_id]) + "#notifications"


@require_POST
@require_roles(SECURITY_WRITERS)
def notification_file(request, pk):
    """Mark a filing as made (time + reference)."""
    notification = _notification(request.user, pk)
    form = NotificationFiledForm(request.POST, prefix=f"n{pk}")
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{notification.filing_name}, {label}: {error}")
        return redirect(_back(request, notification))
    try:
        incident_services.notification_update(actor=request.user, instance=notification, **form.cleaned_data)
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    else:
        messages.success(request, f"{notification.filing_name} for {notification.lab.name} marked as filed.")
    return redirect(_back(request, notification))


@require_POST
@require_roles(SECURITY_WRITERS)
def notification_unfile(request, pk):
    """Undo "filed": the filing is pending (or overdue) again."""
    notification = _notification(request.user, pk)
    incident_services.notification_update(
        actor=request.user, instance=notification, submitted_at=None, reference=""
    )
    messages.success(
        request, f"{notification.filing_name} for {notification.lab.name} is no longer marked as filed."
    )
    return redirect(_back(request, notification))


def _notification(user, pk):
    notification = notification_list(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification
