"""The register pages: pick a lab and a reference date, read the lint findings and completeness, download the
package (final or draft) or the workbook; the lab's functions; the critical-provider screen."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from vendorrisk.core.roles import PROCUREMENT_WRITERS, has_role
from vendorrisk.core.scoping import scope
from vendors.models import Lab

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
        request, "register/functions.html", {"functions": selectors.functions_of(user=request.user)}
    )


@login_required
def critical_providers(request):
    rows = selectors.critical_providers()
    return render(
        request, "register/critical_providers.html", {"rows": rows, "threshold": int(THRESHOLD * 100)}
    )
