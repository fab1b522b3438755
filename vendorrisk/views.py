"""The shell's pages, which read every app: the dashboard (what a security team checks first; every number
on it links to the page behind it) and the dependency network."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.shortcuts import render
from django.utils import timezone

from assessments.selectors import (
    cut_via,
    lab_concentration_list,
    overdue_assessments,
    overdue_findings,
    score_band_of,
    shared_dependency_list,
    vendor_score_list,
)
from incidents.choices import OPEN_STATUSES, SEVERITY_ORDER, rank_by
from incidents.selectors import (
    exposed_open_incident_ids,
    filing_counts,
    incident_list,
    next_deadlines,
    owed_filings_by_incident,
)
from vendors.selectors import engagement_list, lab_list, network_graph, vendor_list, vendor_names

from .core import charts, glossary
from .core.pages import fragment

TOP_VENDORS = 10
DUE_SOON = dt.timedelta(hours=72)
# A likelihood nothing measured: no current assessment and no incident raised it above the base value.
DEFAULT_LIKELIHOOD = Q(assessment_id__isnull=True, likelihood=F("base_likelihood"))
PANEL_ROWS = 8


def _bins(field: str):
    whens = [
        When(**{f"{field}__lt": (k + 1) / charts.HEAT_BINS}, then=Value(k))
        for k in range(charts.HEAT_BINS - 1)
    ]
    return Case(*whens, default=Value(charts.HEAT_BINS - 1), output_field=IntegerField())


def ranked_vendors(user) -> dict:
    rows = list(vendor_score_list(user=user)[:TOP_VENDORS])
    return {"ranked": rows, "ranked_stale": any(r.stale for r in rows)}


@fragment
def ranked_vendors_fragment(request):
    """The ranked-vendors panel alone: the dashboard polls it every 2 s while a score is recalculating."""
    return render(request, "partials/ranked_vendors.html", ranked_vendors(request.user))


@login_required
def home(request):
    user = request.user
    scores = vendor_score_list(user=user)
    cells = (
        scores.order_by()
        .values(i=_bins("impact"), j=_bins("likelihood"))
        .annotate(n=Count("vendor_id"), d=Count("vendor_id", filter=DEFAULT_LIKELIHOOD))
    )
    heat = charts.heat_map(
        {(c["i"], c["j"]): c["n"] for c in cells},
        band_of=score_band_of,
        defaults={(c["i"], c["j"]): c["d"] for c in cells},
    )

    labs = list(lab_concentration_list(user=user).order_by("-hhi", "lab_id")[:PANEL_ROWS])
    shared = list(shared_dependency_list(user=user)[:PANEL_ROWS])
    shared_via = {s.vendor_id: cut_via(user, s) for s in shared}
    name_ids = {c.top_vendor_id for c in labs if c.top_vendor_id} | {
        v for via in shared_via.values() for v in via
    }
    names = vendor_names(name_ids)

    now = timezone.now()
    open_incidents = incident_list(user=user).filter(status__in=OPEN_STATUSES)
    exposed_ids = exposed_open_incident_ids(user=user)
    exposed = open_incidents.filter(pk__in=exposed_ids)
    exposed_count = len(exposed_ids)
    incidents = list(
        exposed.annotate(rank=rank_by("severity", SEVERITY_ORDER)).order_by("-rank", "-discovered_at", "-id")[
            :PANEL_ROWS
        ]
    )
    deadlines = next_deadlines(user=user, incident_ids=[i.id for i in incidents])
    owed = owed_filings_by_incident(user=user, incident_ids=[i.id for i in incidents], now=now)
    filings = filing_counts(user=user, now=now, soon=DUE_SOON)

    overdue = overdue_assessments(user=user)
    findings = overdue_findings(user=user).order_by("due_on", "id")
    context = {
        **ranked_vendors(user),
        "counts": {
            "labs": lab_list(user=user).count(),
            "vendors": vendor_list(user=user).count(),
            "engagements": engagement_list(user=user).count(),
            "open_incidents": open_incidents.count(),
            "critical": scores.filter(band="critical").count(),
        },
        "heat": heat,
        "labs": [{"row": c, "top_name": names.get(c.top_vendor_id, "")} for c in labs],
        "incidents": [
            {"incident": i, "deadline": deadlines.get(i.id), "owed": owed.get(i.id)} for i in incidents
        ],
        "action": {
            "overdue_filings": filings["overdue"],
            "due_soon_filings": filings["due_soon"],
            "due_soon_hours": int(DUE_SOON.total_seconds() // 3600),
            "exposed_incidents": exposed_count,
        },
        "overdue_assessments": list(overdue[:PANEL_ROWS]),
        "overdue_assessment_count": overdue.count(),
        "overdue_findings": list(findings[:PANEL_ROWS]),
        "overdue_finding_count": findings.count(),
        "shared": [
            {"row": s, "via": [{"id": v, "name": names.get(v, "")} for v in shared_via[s.vendor_id]]}
            for s in shared
        ],
        "today": timezone.now().date(),
    }
    return render(request, "dashboard.html", context)


@login_required
def glossary_page(request):
    return render(request, "glossary.html", {"terms": glossary.TERMS})


# --- the dependency network: labs → vendors → fourth parties, one lab or all of the user's -------------

NETWORK_COLUMNS = ("Labs", "Vendors engaged", "1 hop: their providers", "2 hops", "3 hops")


def _network_rows(user, graph: charts.Graph) -> list[dict]:
    """Colour each vendor node by its score band, mark open incidents, give it its full name and numbers
    (hover and focus), and return the same data as table rows (the chart's text equivalent)."""
    vendor_ids = [int(key[1:]) for key in graph.nodes if key.startswith("v")]
    scores = {s.vendor_id: s for s in vendor_score_list(user=user).filter(vendor_id__in=vendor_ids)}
    incidents = set(
        incident_list(user=user)
        .filter(status__in=OPEN_STATUSES, vendor_id__in=vendor_ids)
        .values_list("vendor_id", flat=True)
    )
    engaged_by: dict[str, list[str]] = {}
    for a, b, _ in graph.edges:
        if a.startswith("l") and a in graph.nodes:
            engaged_by.setdefault(b, []).append(graph.nodes[a].label)
    rows = []
    for key, node in graph.nodes.items():
        if not key.startswith("v"):
            continue
        vendor_id = int(key[1:])
        score = scores.get(vendor_id)
        band = score.band if score else ""
        node.css += f" node-band-{band or 'none'}" + (" node-incident" if vendor_id in incidents else "")
        facts = [f"score {score.score} ({band})" if score else "not scored yet"]
        if vendor_id in incidents:
            facts.append("open incident")
        node.title = f"{node.label}: {', '.join(facts)}"
        rows.append(
            {
                "vendor": vendor_id,
                "name": node.label,
                "hops": node.column - 1,
                "score": score,
                "open_incident": vendor_id in incidents,
                "engaged_by": sorted(engaged_by.get(key, [])),
            }
        )
    rows.sort(key=lambda r: (r["hops"], -(r["score"].score if r["score"] else 0), r["name"].lower()))
    return rows


@login_required
def network(request):
    labs = list(lab_list(user=request.user).order_by("name"))
    selected = None
    value = request.GET.get("lab", "")
    error = ""
    if value:
        selected = next((lab for lab in labs if str(lab.id) == value), None)
        if selected is None:
            error = "Choose one of your labs."
    graph, stats = network_graph(request.user, lab=selected) if not error else (charts.Graph(), {})
    rows = _network_rows(request.user, graph) if graph.nodes else []
    context = {
        "labs": labs,
        "selected": selected,
        "error": error,
        "graph": charts.layered_graph(graph, column_titles=NETWORK_COLUMNS),
        "stats": stats,
        "rows": rows,
    }
    return render(request, "network.html", context)
