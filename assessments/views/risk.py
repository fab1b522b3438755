"""The pages that show a score beside what it is made of: the vendor and lab lists (sorted and filtered by
score and concentration), a vendor (with its incidents and assessments), a lab (with its open-incident
exposure), an engagement (with the scores it feeds), and the polling score panels.

They read every app, so they live in the top app; the vendor app keeps the pages that only need vendor data.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone

from incidents.selectors import incident_list, lab_incident_exposure
from vendorrisk.core import charts
from vendorrisk.core.dates import parse_instant_token
from vendorrisk.core.pages import fragment, listing
from vendorrisk.core.roles import PROCUREMENT_WRITERS, SECURITY_WRITERS, has_role
from vendors.forms import WorkChangeForm
from vendors.models import ScoreMark
from vendors.selectors import (
    engagement_get,
    engagement_list,
    lab_get,
    lab_list,
    vendor_direct_dependencies,
    vendor_engagement_counts,
    vendor_get,
    vendor_list,
    vendor_names,
    vendor_neighbourhood,
)

from ..cause_names import named_causes
from ..filters import LabListFilterSet, VendorListFilterSet
from ..score_change import score_change
from ..selectors import (
    assessment_list,
    current_assessment,
    lab_concentration_view,
    score_bands,
    vendor_score_history,
    vendor_score_view,
)

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
    named_causes(user, history)
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
    incidents = list(incident_list(user=user).filter(vendor=vendor).order_by("-discovered_at", "-id"))
    context = {
        "vendor": vendor,
        "score": score,
        "history": history,
        "history_chart": charts.score_history(
            [(h.computed_at, float(h.score), h.band) for h in history], bands=score_bands()
        ),
        "engagements": list(engagement_list(user=user).filter(vendor=vendor).order_by("lab__name", "id")),
        "incidents": incidents,
        "open_incidents": [i for i in incidents if i.is_open],
        "assessments": assessments,
        "current_assessment": current_assessment(assessments),
        "depends_on": depends_on,
        "dependents": dependents,
        "graph": graph,
        "work_form": WorkChangeForm(user=user) if has_role(user, SECURITY_WRITERS) else None,
        "children": list(vendor_list(user=user).filter(parent=vendor).order_by("name")),
    }
    return render(request, "vendors/vendor_detail.html", context)


@fragment
def vendor_score_fragment(request, pk):
    """The score panel alone (htmx polls it every 2 s while the score is recalculating)."""
    vendor = vendor_get(user=request.user, pk=pk)
    compact = request.GET.get("compact") == "1"
    score = vendor_score_view(request.user, vendor, detail=not compact)
    template = "partials/vendor_score_compact.html" if compact else "partials/vendor_score.html"
    return render(request, template, {"vendor": vendor, "score": score})


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
        "exposure": lab_incident_exposure(lab=lab),
    }
    return render(request, "vendors/lab_detail.html", context)


@fragment
def lab_concentration_fragment(request, pk):
    """The concentration panel alone (polled every 2 s while the lab is recalculating)."""
    lab = lab_get(user=request.user, pk=pk)
    compact = request.GET.get("compact") == "1"
    template = "partials/lab_concentration_compact.html" if compact else "partials/lab_concentration.html"
    return render(request, template, {"lab": lab, "c": lab_concentration_view(request.user, lab)})


# --- engagements ------------------------------------------------------------------------------------


@login_required
def engagement_detail(request, pk):
    engagement = engagement_get(user=request.user, pk=pk)
    context = _affected(request.user, engagement)
    since = _changed_since(request, required=False)
    if since is not None:
        context["change"] = score_change(request.user, engagement, since, **_moved_from(request))
    return render(request, "engagements/engagement_detail.html", context)


@fragment
def engagement_score_change(request, pk):
    """The before → after panel alone, polled every 2 s while the scores are being recomputed."""
    engagement = engagement_get(user=request.user, pk=pk)
    since = _changed_since(request, required=True)
    change = score_change(request.user, engagement, since, **_moved_from(request))
    return render(request, "partials/score_change.html", {"change": change, "engagement": engagement})


def _moved_from(request) -> dict:
    """`?from_vendor=` / `?from_lab=`: the vendor or lab an edit moved the engagement away from."""
    out = {}
    for key in ("from_vendor", "from_lab"):
        if key in request.GET:
            value = request.GET[key]
            if not (value.isascii() and value.isdigit() and len(value) <= 18):
                raise BadRequest(f"{key}: give a vendor or lab id.")
            out[key] = int(value)
    return out


def _changed_since(request, *, required: bool):
    """`?changed=` (the instant a write began, as the engagement forms give it), or None when absent."""
    if "changed" not in request.GET:
        if required:
            raise BadRequest("Give changed: the instant the change was made.")
        return None
    since = parse_instant_token(request.GET["changed"], now=timezone.now())
    if since is None:
        raise BadRequest("changed: not an instant of a past change.")
    return since


def _affected(user, engagement) -> dict:
    """The engagement and the scores it feeds, which show 'recalculating' until the drain has run."""
    return {
        "engagement": engagement,
        "vendor_score": vendor_score_view(user, engagement.vendor, detail=False),
        "lab_concentration": lab_concentration_view(user, engagement.lab),
        "may_edit": has_role(user, PROCUREMENT_WRITERS),
    }
