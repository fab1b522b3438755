"""Reads for questionnaires, assessments, findings and the stored scores: the API and the pages share them."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Aggregate, Count, Exists, JSONField, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from vendorrisk.core.scoping import cut_to_scope, scope, visible_lab_ids
from vendors.models import Engagement, Lab, ScoreMark, Vendor
from vendors.selectors import vendor_names

from . import scoring
from .choices import BANDS, OPEN_FINDING_STATUSES, AssessmentStatus
from .models import (
    Assessment,
    Evidence,
    Finding,
    LabConcentration,
    Question,
    Questionnaire,
    SharedDependency,
    VendorLabScore,
    VendorScore,
    VendorScoreHistory,
    via_ids,
)
from .recompute import constants


def questionnaire_list(*, user) -> QuerySet[Questionnaire]:
    questions = Question.objects.select_related("condition_question").order_by("position", "id")
    # An aggregate drops Meta.ordering (Django ≥ 3.1): order explicitly, or pages are unstable.
    return scope(
        Questionnaire.objects.annotate(question_count=Count("questions", distinct=True))
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by(*Questionnaire._meta.ordering),
        user,
    )


def assessment_list(*, user) -> QuerySet[Assessment]:
    return scope(Assessment.objects.select_related("vendor", "questionnaire", "assessor"), user)


def finding_list(*, user) -> QuerySet[Finding]:
    return scope(Finding.objects.select_related("assessment__vendor", "owner"), user)


def evidence_list(*, user, assessment: Assessment) -> QuerySet[Evidence]:
    """The documents of one assessment (shared vendor knowledge: the assessment's visibility decides)."""
    return scope(Evidence.objects.filter(assessment=assessment).select_related("uploaded_by"), user)


def overdue_findings(*, user, today=None) -> QuerySet[Finding]:
    today = today or timezone.now().date()
    return finding_list(user=user).filter(status__in=OPEN_FINDING_STATUSES, due_on__lt=today)


def only_overdue(assessments, *, today: dt.date | None = None):
    """Completed assessments past `valid_until` whose vendor has no current (nor later) one: reviews now due."""
    today = today or timezone.now().date()
    current = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"), status=AssessmentStatus.COMPLETED, valid_until__gte=today
    )
    newer = Assessment.objects.filter(
        vendor_id=OuterRef("vendor_id"),
        status=AssessmentStatus.COMPLETED,
        valid_until__gt=OuterRef("valid_until"),
    )
    return (
        assessments.filter(status=AssessmentStatus.COMPLETED, valid_until__lt=today)
        .exclude(Exists(current))
        .exclude(Exists(newer))
    )


def overdue_assessments(*, user):
    return only_overdue(scope(Assessment.objects.select_related("vendor", "questionnaire"), user)).order_by(
        "valid_until", "id"
    )


def current_assessment(assessments, today=None) -> dict | None:
    """The vendor's current assessment among already-loaded ones (DESIGN §5: completed, valid_until ≥ today,
    latest completed_at, then the highest id), with the days until it expires; None when there is none."""
    today = today or timezone.now().date()
    valid = [
        a
        for a in assessments
        if a.status == AssessmentStatus.COMPLETED and a.valid_until is not None and a.valid_until >= today
    ]
    if not valid:
        return None
    latest = max(valid, key=lambda a: (a.completed_at, a.id))
    return {"assessment": latest, "days_left": (latest.valid_until - today).days}


# --- stored scores, cut to what the user may see (DESIGN.md section 5) ---------------------------


def _pending(kind: str, ref: str):
    return Exists(ScoreMark.objects.filter(kind=kind, object_id=OuterRef(ref)))


class _JSONRows(Aggregate):
    """The grouped rows' columns as one JSON array of arrays: as a subquery, a page of score rows reads its
    per-lab rows (VendorLabScore) in the same query."""

    template = "json_group_array(json_array(%(expressions)s))"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "jsonb_agg(jsonb_build_array(%(expressions)s))"
        return super().as_sql(compiler, connection, template=template, **extra_context)


PAIR_COLUMNS = ("lab_id", "harm6", "own_score", "own_band")


def _pairs_subquery(user, columns=PAIR_COLUMNS, **filters) -> Subquery:
    rows = scope(VendorLabScore.objects.filter(vendor_id=OuterRef("vendor_id"), **filters), user)
    return Subquery(rows.order_by().values("vendor_id").annotate(rows=_JSONRows(*columns)).values("rows"))


def with_lab_pairs(queryset: QuerySet, user) -> QuerySet:
    """Score rows with `lab_pairs`: [lab, harm, own score, own band] of each of the user's labs reaching it."""
    return queryset.annotate(lab_pairs=_pairs_subquery(user))


def vendor_score_row(*, user, vendor_id: int) -> VendorScore | None:
    return with_lab_pairs(VendorScore.objects.filter(vendor_id=vendor_id), user).first()


def vendor_score_list(*, user):
    """Vendor scores, highest first; `with_lab_pairs` adds the per-lab rows where a reader shows them."""
    return scope(
        VendorScore.objects.select_related("vendor").annotate(
            stale=_pending(ScoreMark.Kind.VENDOR, "vendor_id")
        ),
        user,
    ).order_by("-score", "vendor_id")


def lab_pairs_of(user, row: VendorScore) -> tuple[dict[str, float], dict[str, list]]:
    """The vendor's per-lab harms and own views that `user` may see, by lab id (as strings, ascending)."""
    pairs = getattr(row, "lab_pairs", None)
    if not hasattr(row, "lab_pairs"):
        pairs = scope(VendorLabScore.objects.filter(vendor_id=row.vendor_id), user).values_list(*PAIR_COLUMNS)
    pairs = sorted(pairs or ())
    return (
        {str(lab): harm for lab, harm, _, _ in pairs},
        {str(lab): [score, band] for lab, _, score, band in pairs},
    )


def vendor_is_stale(vendor_id: int) -> bool:
    return ScoreMark.objects.filter(kind=ScoreMark.Kind.VENDOR, object_id=vendor_id).exists()


def lab_is_stale(lab_id: int) -> bool:
    return ScoreMark.objects.filter(kind=ScoreMark.Kind.LAB, object_id=lab_id).exists()


def vendor_score_history(*, user, vendor_id: int):
    return scope(VendorScoreHistory.objects.filter(vendor_id=vendor_id), user).order_by("-computed_at", "-id")


def lab_concentration_list(*, user):
    return scope(
        LabConcentration.objects.select_related("lab").annotate(stale=_pending(ScoreMark.Kind.LAB, "lab_id")),
        user,
    )


def shared_dependency_list(*, user):
    qs = scope(
        SharedDependency.objects.select_related("vendor").annotate(
            stale=_pending(ScoreMark.Kind.VENDOR, "vendor_id")
        ),
        user,
    )
    if visible_lab_ids(user) is not None:  # a lab-limited user sees the vendors its own labs reach through
        qs = qs.annotate(lab_via=_pairs_subquery(user, ("via",), via__isnull=False))
    return qs.order_by("-labs_reaching", "vendor_id")


def lab_vendor_views(*, lab_id: int) -> list[dict]:
    """The lab's own view of every vendor it reaches (its VendorLabScore rows), highest first."""
    rows = (
        VendorLabScore.objects.filter(lab_id=lab_id)
        .order_by("-own_score", "-harm6", "vendor_id")
        .values_list("vendor_id", "harm6", "own_score", "own_band")
    )
    return [
        {"vendor": vendor, "harm": harm, "score": score, "band": band} for vendor, harm, score, band in rows
    ]


def cut_to_labs(user, *, components: dict) -> dict:
    """A vendor score's breakdown cut to the user's labs (aggregates stay whole elsewhere)."""
    ids = visible_lab_ids(user)
    if ids is None:
        return components
    return {**components, "labs": [t for t in components.get("labs", []) if t.get("lab") in ids]}


def cut_causes(user, causes: list[dict]) -> list[dict]:
    """A history row's causes: those tagged with a lab outside the user's labs are left out."""
    return cut_to_scope(user, causes)


def cut_via(user, shared: SharedDependency) -> list[int]:
    """The direct vendors a shared fourth party is reached through, those of the user's labs only."""
    ids = visible_lab_ids(user)
    if ids is None:
        return list(shared.via)
    if hasattr(shared, "lab_via"):
        vias = [row[0] for row in shared.lab_via or ()]
    else:
        vias = scope(
            VendorLabScore.objects.filter(vendor_id=shared.vendor_id, via__isnull=False), user
        ).values_list("via", flat=True)
    return sorted({v for via in vias for v in via_ids(via)})


def score_band_of(score: float) -> str:
    """The band of a 0–100 score under the configured constants."""
    return scoring.score_band(score, constants())


def score_bands() -> list[tuple[str, float]]:
    """The configured score bands, lowest first, each (name, upper bound); the last bound is 100."""
    return list(zip((value for value, _ in BANDS), (*constants().score_bands, 100), strict=True))


# --- a vendor's risk and a lab's concentration, as the API answers them -----------------------------


def vendor_risk_dict(
    user, row: VendorScore | None, *, vendor_id: int, stale: bool, name: str | None = None
) -> dict:
    if row is None:
        data = {
            "vendor": vendor_id,
            "score": 0.0,
            "band": "low",
            "impact": 0.0,
            "likelihood": 0.0,
            "lab_equivalents": 0.0,
            "labs_exposed": 0,
            "components": {},
            "stale": True,
            "computed_at": None,
        }
    else:
        components = cut_to_labs(user, components=row.components)
        lab_harms, own_views = lab_pairs_of(user, row)
        data = {
            "vendor": vendor_id,
            "score": float(row.score),
            "band": row.band,
            "impact": row.impact,
            "likelihood": row.likelihood,
            "lab_equivalents": row.lab_equivalents,
            "labs_exposed": row.labs_exposed,
            "components": {**components, "lab_harms": lab_harms, "own_views": own_views},
            "stale": stale,
            "computed_at": row.computed_at,
        }
    if name is not None:
        data = {"vendor": vendor_id, "vendor_name": name, **{k: v for k, v in data.items() if k != "vendor"}}
    return data


def lab_concentration_dict(lab_id: int, row, *, stale: bool) -> dict:
    if row is None:
        return {
            "lab": lab_id,
            "hhi": 0.0,
            "hhi_look_through": 0.0,
            "band": "unconcentrated",
            "top_vendor": None,
            "top_share": None,
            "effective_providers": None,
            "single_point_of_failure": None,
            "groups": [],
            "vendors": [],
            "stale": True,
            "computed_at": None,
        }
    return {
        "lab": lab_id,
        "hhi": row.hhi,
        "hhi_look_through": row.hhi_look_through,
        "band": row.band,
        "top_vendor": row.top_vendor_id,
        "top_share": row.top_share,
        "effective_providers": row.effective_providers,
        "single_point_of_failure": (
            {"vendor": row.spof_vendor_id, "share": row.spof_share}
            if row.spof_vendor_id is not None
            else None
        ),
        "groups": row.group_list,
        "vendors": lab_vendor_views(lab_id=lab_id),
        "stale": stale,
        "computed_at": row.computed_at,
    }


# --- the score and concentration panels of the pages: the same rows, in plain words -----------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n:,} {word}s"


def likelihood_terms(components: dict, names: dict[int, str]) -> list[str]:
    """The likelihood's terms in words: each incident counted, then the assessment's base likelihood."""
    terms = []
    for term in components.get("incidents", []):
        text = f"{term['severity']} incident {term['status']}"
        if term["hops"]:
            text += f" at {names.get(term['vendor'], 'a fourth party')} ({_plural(term['hops'], 'hop')} away)"
        if term.get("status_factor", 1) not in (1, 1.0):
            text += f", counted ×{term['status_factor']:g}"
        terms.append(text)
    rating = components.get("base_likelihood", {}).get("rating", "none")
    terms.append("no current assessment" if rating == "none" else f"assessment {rating.replace('_', ' ')}")
    return terms


def breakdown_sentence(row: VendorScore, names: dict[int, str]) -> str:
    """'impact 0.89: 3 labs exposed, 2.25 lab-equivalents; likelihood 0.95: critical incident investigating, …'"""
    impact = (
        f"impact {row.impact:.2f}: {_plural(row.labs_exposed, 'lab')} exposed, "
        f"{row.lab_equivalents:.2f} lab-equivalents"
    )
    likelihood = f"likelihood {row.likelihood:.2f}: " + ", ".join(likelihood_terms(row.components, names))
    return f"{impact}; {likelihood}"


@dataclass
class VendorScoreView:
    vendor: Vendor
    row: VendorScore | None
    stale: bool
    sentence: str = ""
    labs: list[dict] = field(default_factory=list)  # the user's labs: harm, own view, engagement terms
    other_labs: int = 0  # exposed labs the user may not see (a count only)
    incidents: list[dict] = field(default_factory=list)
    base: dict = field(default_factory=dict)


def vendor_score_view(user, vendor: Vendor, *, detail: bool = True) -> VendorScoreView:
    """The vendor's score as `user` may see it. `detail=False` for the small polling fragment."""
    row = vendor_score_row(user=user, vendor_id=vendor.id)
    stale = vendor_is_stale(vendor.id)
    view = VendorScoreView(vendor=vendor, row=row, stale=stale or row is None)
    if row is None:
        return view
    components = cut_to_labs(user, components=row.components)
    lab_harms, own_views = lab_pairs_of(user, row)
    incident_vendors = {t["vendor"] for t in components.get("incidents", [])}
    terms = {t["lab"]: t for t in components.get("labs", [])}
    engagement_ids = {e["engagement"] for t in terms.values() for e in t.get("engagements", [])}
    vendor_ids = incident_vendors | {e["vendor"] for t in terms.values() for e in t.get("engagements", [])}
    names = vendor_names(vendor_ids)
    view.sentence = breakdown_sentence(row, names)
    if not detail:
        return view
    lab_ids = [int(k) for k in lab_harms]
    lab_names = dict(Lab.objects.filter(id__in=lab_ids).values_list("id", "name")) if lab_ids else {}
    titles = (
        dict(Engagement.objects.filter(id__in=engagement_ids).values_list("id", "title"))
        if engagement_ids
        else {}
    )
    for lab_id in sorted(lab_ids, key=lambda i: (-lab_harms[str(i)], i)):
        own = own_views.get(str(lab_id))
        term = terms.get(lab_id, {})
        view.labs.append(
            {
                "lab": lab_id,
                "name": lab_names.get(lab_id, ""),
                "harm": lab_harms[str(lab_id)],
                "score": own[0] if own else None,
                "band": own[1] if own else None,
                "engagements": [
                    {
                        **e,
                        "title": titles.get(e["engagement"], ""),
                        "vendor_name": names.get(e["vendor"], ""),
                    }
                    for e in term.get("engagements", [])
                ],
                "engagement_count": term.get("engagement_count", len(term.get("engagements", []))),
            }
        )
    shown = sum(1 for lab in view.labs if lab["harm"] > 0)
    view.other_labs = max(0, row.labs_exposed - shown)
    view.incidents = [
        {**t, "vendor_name": names.get(t["vendor"], "")} for t in components.get("incidents", [])
    ]
    view.base = components.get("base_likelihood", {})
    return view


def lab_concentration_view(user, lab: Lab) -> dict:
    """The lab's concentration (as the API answers it) plus the names the page shows."""
    row = lab_concentration_list(user=user).filter(lab=lab).first()
    data = lab_concentration_dict(lab.id, row, stale=lab_is_stale(lab.id))
    vendor_ids = {g["group"] for g in data["groups"]} | {v["vendor"] for v in data["vendors"]}
    for key in ("top_vendor",):
        if data[key] is not None:
            vendor_ids.add(data[key])
    if data["single_point_of_failure"]:
        vendor_ids.add(data["single_point_of_failure"]["vendor"])
    names = vendor_names(vendor_ids)
    data["names"] = names
    data["top_vendor_name"] = names.get(data["top_vendor"], "")
    spof = data["single_point_of_failure"]
    data["spof_name"] = names.get(spof["vendor"], "") if spof else ""
    groups = sorted(data["groups"], key=lambda g: (-g["reach_share"], -g["share"], g["group"]))
    data["group_rows"] = [{**g, "label": names.get(g["group"], f"Vendor {g['group']}")} for g in groups]
    data["vendor_rows"] = [{**v, "name": names.get(v["vendor"], "")} for v in data["vendors"]]
    data["row"] = row
    return data
