"""The register pages: pick a lab and a reference date, read the lint findings and completeness, download the
package (final or draft) or the workbook; the lab's functions; the critical-provider screen."""

import copy
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.pages import add_service_errors, require_roles
from vendorrisk.core.roles import PROCUREMENT_WRITERS, has_role
from vendorrisk.core.scoping import scope
from vendors.forms import FunctionForm
from vendors.models import Lab
from vendors.selectors import function_list as functions_scoped
from vendors.services import functions as function_services

from . import selectors
from .selectors import THRESHOLD


@login_required
def register_home(request):
    labs = list(scope(Lab.objects.all(), request.user).order_by("name"))
    default = selectors.default_reference_date(timezone.localdate())
    raw = request.GET.get("reference_date", "")
    error = None
    try:
        reference_date = date.fromisoformat(raw) if raw else default
    except ValueError:
        reference_date, error = default, f"“{raw[:40]}” is not a date; write it as YYYY-MM-DD."
    lab = next((x for x in labs if str(x.id) == request.GET.get("lab", "")), labs[0] if labs else None)
    answer = None
    if lab is not None:
        _, answer = selectors.lint_for(user=request.user, lab=lab, reference_date=reference_date)
    return render(request, "register/register.html", {
        "labs": labs, "lab": lab, "reference_date": reference_date, "error": error, "answer": answer,
        "may_file": has_role(request.user, PROCUREMENT_WRITERS),
    })  # fmt: skip


@login_required
def function_list(request):
    return render(
        request,
        "register/functions.html",
        {
            "functions": selectors.functions_of(user=request.user),
            "may_edit": has_role(request.user, PROCUREMENT_WRITERS),
        },
    )


def _function(request, pk: int):
    return get_object_or_404(functions_scoped(user=request.user), pk=pk)


@require_roles(PROCUREMENT_WRITERS)
def function_create(request):
    initial = {}
    labs = list(scope(Lab.objects.all(), request.user).order_by("name")[:2])
    if len(labs) == 1:
        initial["lab"] = labs[0]
    form = FunctionForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            function = function_services.function_create(actor=request.user, **form.service_data())
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Function “{function}” added.")
            return redirect(f"{_list_url()}#function-{function.pk}")
    return render(request, "register/function_form.html", {"form": form, "function": None})


@require_roles(PROCUREMENT_WRITERS)
def function_edit(request, pk):
    function = _function(request, pk)
    # The form edits a copy, so a refused save leaves the row the page shows as it is.
    form = FunctionForm(request.POST or None, user=request.user, instance=copy.copy(function))
    if request.method == "POST" and form.is_valid():
        try:
            function = function_services.function_update(
                actor=request.user, instance=function, **form.service_data()
            )
        except (ValidationError, ApplicationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Function “{function}” saved.")
            return redirect(f"{_list_url()}#function-{function.pk}")
    return render(request, "register/function_form.html", {"form": form, "function": function})


@require_POST
@require_roles(PROCUREMENT_WRITERS)
def function_delete(request, pk):
    function = _function(request, pk)
    try:
        function_services.function_delete(actor=request.user, instance=function)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("register:function-edit", pk=function.pk)
    messages.success(request, f"Function “{function}” deleted.")
    return redirect("register:functions")


def _list_url() -> str:
    return reverse("register:functions")


@login_required
def critical_providers(request):
    rows = selectors.critical_providers()
    return render(
        request,
        "register/critical_providers.html",
        {
            "rows": rows,
            "threshold": int(THRESHOLD * 100),
            "rates_date": settings.DORA_EUR_RATES_DATE,
            "my_labs_without_rate": selectors.labs_without_rate(user=request.user),
            "labs_without_rate": rows[0]["labs_without_rate"] if rows else 0,
        },
    )
