"""Vendor and lab pages: lists, details, the polling score fragments, and halting work at a vendor."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from assessments.selectors import assessment_list, cut_causes, vendor_score_history
from incidents.selectors import incident_list
from vendorrisk.errors import ApplicationError
from vendorrisk.roles import SECURITY_WRITERS, has_role
from vendors import services as vendor_services
from vendors.models import ScoreMark
from vendors.selectors import (
    engagement_list,
    lab_get,
    lab_list,
    vendor_engagement_counts,
    vendor_get,
    vendor_list,
    vendor_names,
)

from . import charts
from .assessments import current_assessment
from .base import fragment, listing
from .filters import LabListFilterSet, VendorListFilterSet
from .forms import WorkChangeForm
from .reads import lab_incident_exposure, vendor_direct_dependencies, vendor_neighbourhood
from .risk import lab_concentration_view, vendor_score_view

HISTORY_POINTS = 60

VENDOR_SORTS = {
    "name": "name",
    "score": "score__score",
    "labs": "score__labs_exposed",
    "impact": "score__impact",
    "likelihood": "score__likelihood",
    "category": "category",
    "status": "status",
    "country": "country",
}


def _stale(kind: str, ref: str):
    return Exists(ScoreMark.objects.filter(kind=kind, object_id=OuterRef(ref)))


@login_required
def vendor_list_view(request):
    queryset = (
        vendor_list(user=request.user)
        .select_related("score")
        .annotate(stale=_stale(ScoreMark.Kind.VENDOR, "id"))
    )
    page = listing(
        request,
        queryset,
        filterset_class=VendorListFilterSet,
        sorts=VENDOR_SORTS,
        default_sort="-score",
        search_fields=("name", "legal_name", "description", "website"),
    )
    rows = list(page.rows)
    counts = vendor_engagement_counts(user=request.user, vendor_ids=[v.id for v in rows])
    return render(
        request,
        "vendors/vendor_list.html",
        {"listing": page, "rows": [(v, counts.get(v.id, 0)) for v in rows], "sort": page.sort},
    )


@login_required
def vendor_detail(request, pk):
    user = request.user
    vendor = vendor_get(user=user, pk=pk)
    score = vendor_score_view(user, vendor)
    history = list(vendor_score_history(user=user, vendor_id=vendor.id)[:HISTORY_POINTS])
    history.reverse()
    for h in history:
        h.visible_causes = cut_causes(user, h.causes)
    depends_on, dependents = vendor_direct_dependencies(vendor)
    graph = charts.layered_graph(
        vendor_neighbourhood(vendor),
        column_titles=[
            "3 hops up",
            "2 hops up",
            "Passes data to it",
            "This vendor",
            "It passes data to",
            "2 hops",
            "3 hops",
        ],
    )
    assessments = list(assessment_list(user=user).filter(vendor=vendor).order_by("-id"))
    context = {
        "vendor": vendor,
        "score": score,
        "history": history,
        "history_chart": charts.score_history([(h.computed_at, float(h.score), h.band) for h in history]),
        "engagements": list(engagement_list(user=user).filter(vendor=vendor).order_by("lab__name", "id")),
        "incidents": list(incident_list(user=user).filter(vendor=vendor).order_by("-discovered_at", "-id")),
        "assessments": assessments,
        "current_assessment": current_assessment(assessments),
        "depends_on": depends_on,
        "dependents": dependents,
        "graph": graph,
        "work_form": WorkChangeForm(user=user) if _may_halt(user) else None,
        "children": list(vendor_list(user=user).filter(parent=vendor).order_by("name")),
    }
    return render(request, "vendors/vendor_detail.html", context)


def _may_halt(user) -> bool:
    return has_role(user, SECURITY_WRITERS)


@fragment
def vendor_score_fragment(request, pk):
    """The score panel alone (htmx polls it every 2 s while the score is recalculating)."""
    vendor = vendor_get(user=request.user, pk=pk)
    compact = request.GET.get("compact") == "1"
    score = vendor_score_view(request.user, vendor, detail=not compact)
    template = "partials/vendor_score_compact.html" if compact else "partials/vendor_score.html"
    return render(request, template, {"vendor": vendor, "score": score})


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
                f"Work halted: {len(changed)} engagement{'s' if len(changed) != 1 else ''} suspended. "
                "The vendor still holds the data until disposal is confirmed; scores are recalculating.",
            )
        else:
            changed, skipped = vendor_services.vendor_resume(actor=request.user, vendor=vendor, **data)
            text = f"Work resumed: {len(changed)} engagement{'s' if len(changed) != 1 else ''} active again."
            if skipped:
                text += f" {len(skipped)} stay suspended: their data was disposed of."
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


# --- labs ------------------------------------------------------------------------------------------

LAB_SORTS = {
    "name": "name",
    "hhi": "concentration__hhi",
    "look_through": "concentration__hhi_look_through",
    "providers": "concentration__effective_providers",
    "engagements": "engagement_count",
}


@login_required
def lab_list_view(request):
    queryset = (
        lab_list(user=request.user)
        .select_related("concentration")
        .annotate(engagement_count=Count("engagements"), stale=_stale(ScoreMark.Kind.LAB, "id"))
    )
    page = listing(
        request,
        queryset,
        filterset_class=LabListFilterSet,
        sorts=LAB_SORTS,
        default_sort="-hhi",
        search_fields=("name", "description"),
    )
    rows = list(page.rows)
    concentrations = [getattr(lab, "concentration", None) for lab in rows]
    ids = {i for c in concentrations if c is not None for i in (c.top_vendor_id, c.spof_vendor_id) if i}
    names = vendor_names(ids)
    items = [
        {
            "lab": lab,
            "c": c,
            "top_name": names.get(c.top_vendor_id, "") if c else "",
            "spof_name": names.get(c.spof_vendor_id, "") if c else "",
        }
        for lab, c in zip(rows, concentrations, strict=True)
    ]
    return render(request, "vendors/lab_list.html", {"listing": page, "items": items, "sort": page.sort})


@login_required
def lab_detail(request, pk):
    user = request.user
    lab = lab_get(user=user, pk=pk)
    concentration = lab_concentration_view(user, lab)
    context = {
        "lab": lab,
        "c": concentration,
        "bars": charts.share_bars(concentration["group_rows"][:15]),
        "engagements": list(engagement_list(user=user).filter(lab=lab).order_by("vendor__name", "id")),
        "exposure": lab_incident_exposure(lab),
    }
    return render(request, "vendors/lab_detail.html", context)


@fragment
def lab_concentration_fragment(request, pk):
    """The concentration panel alone (polled every 2 s while the lab is recalculating)."""
    lab = lab_get(user=request.user, pk=pk)
    compact = request.GET.get("compact") == "1"
    template = "partials/lab_concentration_compact.html" if compact else "partials/lab_concentration.html"
    return render(request, template, {"lab": lab, "c": lab_concentration_view(request.user, lab)})
