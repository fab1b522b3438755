"""Reads for questionnaires, assessments and findings."""

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from vendorrisk.core.scoping import scope

from .choices import OPEN_FINDING_STATUSES
from .models import Assessment, Evidence, Finding, Question, Questionnaire


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


# --- stored scores, cut to what the user may see (DESIGN.md section 5) ---------------------------

from django.db.models import Exists, OuterRef  # noqa: E402

from vendorrisk.core.scoping import cut_to_scope, visible_lab_ids  # noqa: E402
from vendors.models import ScoreMark  # noqa: E402

from .models import LabConcentration, SharedDependency, VendorScore, VendorScoreHistory  # noqa: E402


def _pending(kind: str, ref: str):
    return Exists(ScoreMark.objects.filter(kind=kind, object_id=OuterRef(ref)))


def vendor_score_list(*, user):
    return scope(
        VendorScore.objects.select_related("vendor").annotate(
            stale=_pending(ScoreMark.Kind.VENDOR, "vendor_id")
        ),
        user,
    ).order_by("-score", "vendor_id")


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
    return scope(
        SharedDependency.objects.select_related("vendor").annotate(
            stale=_pending(ScoreMark.Kind.VENDOR, "vendor_id")
        ),
        user,
    ).order_by("-labs_reaching", "vendor_id")


def lab_vendor_views(*, lab_id: int) -> list[dict]:
    """The lab's own view of every vendor it reaches, from the vendors' stored rows, highest first."""
    key = str(lab_id)
    rows = VendorScore.objects.filter(lab_harms__has_key=key).values_list(
        "vendor_id", "lab_harms", "own_views"
    )
    views = [
        {"vendor": vendor_id, "harm": harms[key], "score": views[key][0], "band": views[key][1]}
        for vendor_id, harms, views in rows
        if key in views
    ]
    views.sort(key=lambda v: (-v["score"], -v["harm"], v["vendor"]))
    return views


def cut_to_labs(user, *, components: dict, lab_harms: dict, own_views: dict) -> tuple[dict, dict, dict]:
    """Per-lab terms of a vendor score, cut to the user's labs (aggregates stay whole elsewhere)."""
    ids = visible_lab_ids(user)
    if ids is None:
        return components, lab_harms, own_views
    keep = {str(i) for i in ids}
    components = {**components, "labs": [t for t in components.get("labs", []) if t.get("lab") in ids]}
    return (
        components,
        {k: v for k, v in lab_harms.items() if k in keep},
        {k: v for k, v in own_views.items() if k in keep},
    )


def cut_causes(user, causes: list[dict]) -> list[dict]:
    """A history row's causes: those tagged with a lab outside the user's labs are left out."""
    return cut_to_scope(user, causes)


def cut_via(user, shared: SharedDependency) -> list[int]:
    ids = visible_lab_ids(user)
    if ids is None:
        return list(shared.via)
    return sorted({v for lab, via in shared.lab_via.items() if int(lab) in ids for v in via})
