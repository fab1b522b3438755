"""The Webhooks page (admins and security): list, create (the secret shown once), edit, delete, and each
webhook's deliveries with redeliver and a test send. Reads through the selectors, writes through the
services, like the API."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.roles import AUDIT_READERS, has_role

from . import selectors, services
from .forms import WebhookForm
from .models import Webhook, WebhookDelivery

DELIVERIES_SHOWN = 100


def webhook_managers_only(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, AUDIT_READERS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _webhook(request, pk) -> Webhook:
    try:
        return selectors.webhook_get(user=request.user, pk=pk)
    except Webhook.DoesNotExist:
        raise Http404 from None


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@webhook_managers_only
def webhook_list(request):
    webhooks = selectors.webhook_list(user=request.user)
    return render(request, "webhooks/webhook_list.html", {"webhooks": webhooks})


@webhook_managers_only
def webhook_create(request):
    form = WebhookForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            # The secret is shown on this response only; it is never displayed again.
            return render(request, "webhooks/webhook_created.html", {"webhook": webhook}, status=201)
    return render(request, "webhooks/webhook_form.html", {"form": form})


@webhook_managers_only
def webhook_edit(request, pk):
    webhook = _webhook(request, pk)
    form = WebhookForm(request.POST or None, user=request.user, initial=WebhookForm.initial_of(webhook))
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(actor=request.user, instance=webhook, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhooks:detail", pk=webhook.pk)
    return render(request, "webhooks/webhook_form.html", {"form": form, "webhook": webhook})


@webhook_managers_only
def webhook_detail(request, pk):
    webhook = _webhook(request, pk)
    deliveries = selectors.delivery_list(user=request.user, webhook_pk=webhook.pk).select_related("event")
    return render(
        request,
        "webhooks/webhook_detail.html",
        {"webhook": webhook, "deliveries": deliveries[:DELIVERIES_SHOWN]},
    )


@require_POST
@webhook_managers_only
def webhook_delete(request, pk):
    webhook = _webhook(request, pk)
    services.webhook_delete(actor=request.user, instance=webhook)
    messages.success(request, f"Webhook to {webhook.url} deleted.")
    return redirect("webhooks:list")


@require_POST
@webhook_managers_only
def webhook_redeliver(request, pk, delivery_id):
    webhook = _webhook(request, pk)
    try:
        delivery = selectors.delivery_list(user=request.user, webhook_pk=webhook.pk).get(pk=delivery_id)
    except WebhookDelivery.DoesNotExist:
        raise Http404 from None
    try:
        again = services.delivery_redeliver(actor=request.user, delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Event {again.event_id} redelivered: {again.get_status_display().lower()}."
        )
    return redirect("webhooks:detail", pk=webhook.pk)


@require_POST
@webhook_managers_only
def webhook_test(request, pk):
    webhook = _webhook(request, pk)
    try:
        delivery = services.webhook_test(actor=request.user, webhook=webhook)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Test event sent: {delivery.get_status_display().lower()}.")
    return redirect("webhooks:detail", pk=webhook.pk)
