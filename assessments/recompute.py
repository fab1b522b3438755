"""The recompute: load score inputs from the database, run the pure scorer, store scores and history.

`drain()` is what the Celery task runs: it takes the pending dirty marks with row locks (SKIP LOCKED on
PostgreSQL), recomputes only the vendors and labs they name, writes scores and history, and deletes the
marks it read, all in one transaction. `rebuild_all()` recomputes everything from scratch (assessments.rebuild).
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from incidents.models import Incident
from vendorrisk.core import events
from vendorrisk.core.event_data import json_value
from vendors.models import Lab, ScoreMark, Vendor

from . import incremental, scoring
from .choices import AssessmentStatus
from .models import (
    Assessment,
    LabConcentration,
    LabConcentrationHistory,
    SharedDependency,
    VendorLabScore,
    VendorScore,
    VendorScoreHistory,
    groups_to_columns,
)
from .recompute_inputs import load_all_inputs, load_inputs

logger = logging.getLogger(__name__)
MAX_CAUSES = 10
DRAIN_BATCH = 50_000
# Advisory lock keys: one namespace per kind so vendor 7 and lab 7 don't collide.
LOCK_GLOBAL, LOCK_VENDOR, LOCK_LAB = 7_301, 7_302, 7_303
PER_OBJECT_LOCK_LIMIT = 500

VENDOR_FIELDS = ["score", "band", "impact", "likelihood", "lab_equivalents", "labs_exposed"]
LAB_FIELDS = ["hhi", "hhi_look_through", "band", "top_vendor_id", "top_share"]


def constants() -> scoring.Constants:
    return scoring.Constants.from_dict(getattr(settings, "VENDORRISK_SCORING", {}) or {})


@dataclass
class DrainResult:
    marks: int = 0
    vendors: int = 0
    labs: int = 0
    history_rows: int = 0
    seconds: float = 0.0
    causes: list[str] = field(default_factory=list)


# --- storing results ------------------------------------------------------------------------------


def _causes_for(marks_by_object: dict[int, list[tuple[str, int | None]]], pk: int) -> tuple[list[dict], int]:
    seen, causes = set(), []
    for cause, lab in marks_by_object.get(pk, []):
        if (cause, lab) in seen:
            continue
        seen.add((cause, lab))
        causes.append({"cause": cause, "lab": lab})
    return causes[:MAX_CAUSES], len(causes)


MAX_TERMS_PER_LAB = 3
MAX_LABS_IN_BREAKDOWN = 10
MAX_LAB_ENGAGEMENT_ROWS = 25


def _trim_components(components: dict) -> dict:
    """The stored breakdown: the labs with the largest harms, each with its largest engagement terms.

    Every lab's harm stays in its VendorLabScore row (a popular vendor is reached by hundreds of labs and thousands
    of engagements, and storing every term would dominate the recompute); counts stay whole.
    """
    terms = components.get("labs", [])
    top_labs = sorted(terms, key=lambda t: (-t["harm"], t["lab"]))[:MAX_LABS_IN_BREAKDOWN]
    labs = []
    for term in sorted(top_labs, key=lambda t: t["lab"]):
        engagements = term.get("engagements", [])
        top = sorted(engagements, key=lambda e: (-e["weight"], e["engagement"]))[:MAX_TERMS_PER_LAB]
        labs.append(
            {
                **term,
                "engagements": sorted(top, key=lambda e: e["engagement"]),
                "engagement_count": len(engagements),
            }
        )
    return {**components, "labs": labs, "lab_count": len(terms)}


def _trim_lab_components(components: dict) -> dict:
    rows = components.get("engagements", [])
    top = sorted(rows, key=lambda e: (-e["exposure"], e["engagement"]))[:MAX_LAB_ENGAGEMENT_ROWS]
    return {
        **components,
        "engagements": sorted(top, key=lambda e: e["engagement"]),
        "engagement_count": len(rows),
    }


# A stored band that changes is an event: (type, the payload's fields besides the band).
BAND_EVENTS = {
    "vendor": ("vendor.score_band_changed", ["score", "impact", "likelihood", "labs_exposed"]),
    "lab": ("lab.concentration_band_changed", ["hhi", "hhi_look_through", "top_vendor_id", "top_share"]),
}


def _band_events(key: str, changed: list[tuple[int, str, dict]], now) -> list[events.NewEvent]:
    """One event per object whose stored band changed (a first computation is no change); a lab's
    concerns that lab, a vendor's is a vendor-wide fact."""
    event_type, fields = BAND_EVENTS[key]
    return [
        events.NewEvent(
            event_type,
            key,
            pk,
            (pk,) if key == "lab" else (),
            {
                key: pk,
                "band": values["band"],
                **{f.removesuffix("_id"): json_value(values[f]) for f in fields},
                "computed_at": json_value(now),
            },
            {"band": [old_band, values["band"]]},
        )
        for pk, old_band, values in changed
    ]


def _store_rows(
    model, history_model, key: str, values_by_id: dict, watched: list[str], causes, now, previous=None
) -> int:
    """Upsert the current rows; write a history row (with its causes) where a watched value changed, and
    an event where the band changed. `previous`: the current rows by id, when the caller has read them."""
    if previous is None:
        previous = {
            getattr(row, f"{key}_id"): row
            for row in model.objects.filter(**{f"{key}_id__in": values_by_id}).only(f"{key}_id", *watched)
        }
    rows, history, band_changes = [], [], []
    for pk, values in sorted(values_by_id.items()):
        rows.append(model(**{f"{key}_id": pk}, **values))
        old = previous.get(pk)
        if old is not None and old.band != values["band"]:
            band_changes.append((pk, old.band, values))
        if old is None or any(getattr(old, f) != values[f] for f in watched):
            cause_list, count = _causes_for(causes, pk)
            history.append(
                history_model(
                    **{f"{key}_id": pk},
                    causes=cause_list,
                    cause_count=count,
                    computed_at=now,
                    **{f: values[f] for f in watched},
                )
            )
    if rows:
        _upsert(model, rows, key, list(next(iter(values_by_id.values()))))
    history_model.objects.bulk_create(history, batch_size=1000)
    events.record_many(_band_events(key, band_changes, now), actor=None)
    return len(history)


def vendor_values(out: scoring.VendorScoreOut, now) -> dict:
    """The stored VendorScore values of one scorer result (the vectorised rebuild builds the same)."""
    return {
        "score": Decimal(str(out.score)).quantize(Decimal("0.1")),
        "band": out.band,
        "impact": out.impact,
        "likelihood": out.likelihood,
        "likelihood_exact": out.likelihood_exact,
        "lab_equivalents": out.lab_equivalents,
        "labs_exposed": out.labs_exposed,
        "base_likelihood": out.base_likelihood,
        "assessment_id": out.assessment_id,
        "components": _trim_components(out.components),
        "computed_at": now,
    }


PAIR_FIELDS = ["harm", "harm6", "own_score", "own_band", "via", "via_two_groups"]


def pair_values(out: scoring.VendorScoreOut) -> list[dict]:
    """The vendor's VendorLabScore rows (the vectorised rebuild writes the same), in lab order."""
    return [
        {
            "vendor_id": out.vendor_id,
            "lab_id": lab_id,
            "harm": harm,
            "harm6": out.lab_harms[lab_id],
            "own_score": out.own_views[lab_id][0],
            "own_band": out.own_views[lab_id][1],
            "via": ",".join(map(str, via)) if via else None,
            "via_two_groups": two_groups,
        }
        for lab_id, (harm, via, two_groups) in sorted(out.lab_parts.items())
    ]


def shared_values(out: scoring.SharedDependencyOut, now) -> dict:
    return {
        "labs_reaching": out.labs_reaching,
        "via": list(out.via),
        "computed_at": now,
    }


def lab_values(out: scoring.LabConcentrationOut, now) -> dict:
    return {
        "hhi": out.hhi,
        "hhi_look_through": out.hhi_look_through,
        "band": out.band,
        "top_vendor_id": out.top_vendor,
        "top_share": out.top_share,
        "effective_providers": out.effective_providers,
        "spof_vendor_id": out.single_point_of_failure,
        "spof_share": out.single_point_of_failure_share,
        "groups": groups_to_columns(out.groups),
        "components": _trim_lab_components(out.components),
        "computed_at": now,
    }


def _store_vendors(result: scoring.ScoringResult, vendor_ids: set[int], causes: dict, now) -> int:
    alive = set(Vendor.objects.filter(id__in=vendor_ids).values_list("id", flat=True))
    values_by_id = {
        vendor_id: vendor_values(out, now) for vendor_id, out in result.vendors.items() if vendor_id in alive
    }
    history = _store_rows(VendorScore, VendorScoreHistory, "vendor", values_by_id, VENDOR_FIELDS, causes, now)
    VendorLabScore.objects.filter(vendor_id__in=vendor_ids).delete()
    VendorLabScore.objects.bulk_create(
        [
            VendorLabScore(**row)
            for vendor_id, out in sorted(result.vendors.items())
            if vendor_id in alive
            for row in pair_values(out)
        ],
        batch_size=1000,
    )

    shared = result.shared_dependencies
    SharedDependency.objects.filter(vendor_id__in=vendor_ids).exclude(vendor_id__in=shared.keys()).delete()
    rows = [
        SharedDependency(vendor_id=vendor_id, **shared_values(out, now))
        for vendor_id, out in sorted(shared.items())
        if vendor_id in alive
    ]
    _upsert(SharedDependency, rows, "vendor", ["labs_reaching", "via", "computed_at"])
    return history


def _store_labs(result: scoring.ScoringResult, lab_ids: set[int], causes: dict, now) -> int:
    alive = set(Lab.objects.filter(id__in=lab_ids).values_list("id", flat=True))
    values_by_id = {lab_id: lab_values(out, now) for lab_id, out in result.labs.items() if lab_id in alive}
    return _store_rows(
        LabConcentration, LabConcentrationHistory, "lab", values_by_id, LAB_FIELDS, causes, now
    )


def _upsert(model, rows: list, key: str, fields: list[str]) -> None:
    """One INSERT … ON CONFLICT DO UPDATE per batch (bulk_update's CASE expressions are far slower)."""
    for row in rows:
        row.pk = None
    model.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=[key], update_fields=fields
    )


def _compute_and_store(
    inputs, vendor_ids: set[int], lab_ids: set[int], causes_v: dict, causes_l: dict, stamp=None
) -> int:
    """Score on today's clock; store the rows (and their history) as computed at `stamp` (default now)."""
    now = timezone.now()
    known_vendors = {v.id for v in inputs.vendors}
    known_labs = set(inputs.labs)
    result = scoring.compute(
        inputs,
        now=now,
        constants=constants(),
        vendor_ids=sorted(vendor_ids & known_vendors),
        lab_ids=sorted(lab_ids & known_labs),
        lab_views=False,  # the labs' own views are read from the vendors' rows (see selectors)
    )
    at = stamp or now
    history = _store_vendors(result, vendor_ids, causes_v, at) if vendor_ids else 0
    return history + (_store_labs(result, lab_ids, causes_l, at) if lab_ids else 0)


def _lock_objects(vendor_ids: set[int], lab_ids: set[int]) -> None:
    """Serialise drains that touch the same vendors or labs, so an older snapshot never overwrites a newer."""
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers already
    with connection.cursor() as cursor:
        if len(vendor_ids) + len(lab_ids) > PER_OBJECT_LOCK_LIMIT:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_GLOBAL])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [LOCK_GLOBAL])
        # One statement per kind, taken in ascending id order (volatile functions run after the sort).
        for key, ids in ((LOCK_VENDOR, vendor_ids), (LOCK_LAB, lab_ids)):
            if ids:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, k) FROM unnest(%s::int[]) AS k ORDER BY k",
                    [key, sorted({pk % 2_147_483_647 for pk in ids})],
                )


def drain(*, batch: int = DRAIN_BATCH, stamp=None) -> DrainResult:
    """Drain one batch of dirty marks. Returns what it did (marks 0 when there was nothing to do).

    `stamp` (the demo only): the time the rows and their history are stored as computed at, so a story
    loaded in one go reads as having happened over weeks; the scores themselves are always today's."""
    started = time.perf_counter()
    result = DrainResult()
    with transaction.atomic():
        qs = ScoreMark.objects.order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        marks = list(
            qs.values_list("id", "kind", "object_id", "cause", "cause_lab_id", "pair_lab_id")[:batch]
        )
        if not marks:
            return result
        vendor_ids, lab_ids = set(), set()
        pair_marks: dict[int, set[int]] = defaultdict(set)  # vendor -> labs whose pairs alone changed
        causes_v: dict[int, list] = defaultdict(list)
        causes_l: dict[int, list] = defaultdict(list)
        for _, kind, object_id, cause, cause_lab, pair_lab in marks:
            if kind == ScoreMark.Kind.VENDOR:
                if pair_lab is None:
                    vendor_ids.add(object_id)
                else:
                    pair_marks[object_id].add(pair_lab)
                causes_v[object_id].append((cause, cause_lab))
            else:
                lab_ids.add(object_id)
                causes_l[object_id].append((cause, cause_lab))
        # A vendor with any other mark is recomputed whole, which covers its pairs too.
        pair_marks = {v: labs for v, labs in pair_marks.items() if v not in vendor_ids}
        _lock_objects(vendor_ids | set(pair_marks), lab_ids)
        if settings.VENDORRISK_DRAIN_DELAY_SECONDS:
            time.sleep(settings.VENDORRISK_DRAIN_DELAY_SECONDS)  # fault-injection hook for tests only
        now = timezone.now()
        at = stamp or now
        scorers: dict = {}  # a lab's scorer, shared by its pairs and its concentration
        if pair_marks:
            # (an engagement's pairs need no clock: `at` only stamps the stored rows)
            history, fallback = incremental.update_pairs(pair_marks, causes_v, at, constants(), scorers)
            result.history_rows += history
            vendor_ids |= fallback
        if vendor_ids:
            inputs = load_inputs(vendor_ids, ())
            result.history_rows += _compute_and_store(inputs, vendor_ids, set(), causes_v, causes_l, stamp)
        if lab_ids:
            # A lab's concentration needs only its engagements and the graph (the worker's cached copy).
            labs = incremental.lab_concentrations(lab_ids, now=now, constants=constants(), memo=scorers)
            values_by_id = {lab_id: lab_values(out, at) for lab_id, out in labs.items()}
            result.history_rows += _store_rows(
                LabConcentration, LabConcentrationHistory, "lab", values_by_id, LAB_FIELDS, causes_l, at
            )
        ScoreMark.objects.filter(id__in=[m[0] for m in marks]).delete()
        result.marks, result.vendors, result.labs = (
            len(marks),
            len(vendor_ids | set(pair_marks)),
            len(lab_ids),
        )
        result.causes = sorted({m[3] for m in marks})[:MAX_CAUSES]
    result.seconds = time.perf_counter() - started
    return result


def drain_all(*, stamp=None) -> list[DrainResult]:
    """Drain until no marks are left (the sweep). `stamp`: see `drain`.

    A backlog that reaches many labs (a large import) is cheaper to rebuild than to drain: the incremental
    path costs tens of milliseconds per lab, the vectorised rebuild a fixed time (BENCHMARKS.md). Past
    `VENDORRISK_REBUILD_BACKLOG_LABS` labs, and a quarter of all labs, the rebuild drains it, keeping the
    marks' causes in the history it writes."""
    results = []
    if stamp is None and _backlog_wants_rebuild():
        results.append(rebuild_all(drain_backlog=True))
    while True:
        result = drain(stamp=stamp)
        if not result.marks:
            return results
        results.append(result)


def _backlog_wants_rebuild() -> bool:
    threshold = settings.VENDORRISK_REBUILD_BACKLOG_LABS
    if not threshold:
        return False
    paired = ScoreMark.objects.filter(pair_lab_id__isnull=False).order_by().values_list("pair_lab_id")
    marked = ScoreMark.objects.filter(kind=ScoreMark.Kind.LAB).order_by().values_list("object_id")
    touched = len(paired.union(marked))  # UNION: each lab once
    return touched >= threshold and touched * 4 >= Lab.objects.count()


def rebuild_all(*, drain_backlog: bool = False) -> DrainResult:
    """Recompute every vendor and lab from scratch (the vectorised rebuild), and clear the marks it covers."""
    from .rebuild import rebuild_all as vectorised_rebuild  # why here: rebuild builds on this module

    return vectorised_rebuild(drain_backlog=drain_backlog)


def rebuild_all_pure() -> DrainResult:
    """The same rebuild through the pure scorer and the drain's upserts: the reference the tests and
    `make bench` (`reference_scorer_s`) compare the vectorised rebuild with."""
    started = time.perf_counter()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_GLOBAL])
        last_mark = ScoreMark.objects.order_by("-id").values_list("id", flat=True).first()
        inputs = load_all_inputs()
        vendor_ids = {v.id for v in inputs.vendors}
        lab_ids = set(inputs.labs)
        cause = {pk: [("full rebuild", None)] for pk in vendor_ids}
        cause_l = {pk: [("full rebuild", None)] for pk in lab_ids}
        history = _compute_and_store(inputs, vendor_ids, lab_ids, cause, cause_l)
        VendorScore.objects.exclude(vendor_id__in=vendor_ids).delete()
        VendorLabScore.objects.exclude(vendor_id__in=vendor_ids).delete()
        LabConcentration.objects.exclude(lab_id__in=lab_ids).delete()
        if last_mark is not None:
            ScoreMark.objects.filter(id__lte=last_mark).delete()
    return DrainResult(
        marks=0,
        vendors=len(vendor_ids),
        labs=len(lab_ids),
        history_rows=history,
        seconds=time.perf_counter() - started,
        causes=["full rebuild"],
    )


def mark_time_dependent(*, now=None) -> int:
    """Mark vendors whose score used an incident that has now faded past the line, or an expired assessment."""
    from vendors import dirty

    now = now or timezone.now()
    line = now - timezone.timedelta(days=constants().fade_days)
    # Incidents that crossed the line since yesterday's run (a two-day window tolerates a missed run).
    faded = Incident.objects.filter(
        status__in=["resolved", "closed"],
        resolved_at__lt=line,
        resolved_at__gte=line - timezone.timedelta(days=2),
    ).values_list("vendor_id", flat=True)
    expired = Assessment.objects.filter(
        status=AssessmentStatus.COMPLETED,
        valid_until__lt=now.date(),
        valid_until__gte=now.date() - timezone.timedelta(days=2),
    ).values_list("vendor_id", flat=True)
    marked = 0
    with transaction.atomic():
        for vendor_id in set(faded):
            dirty.mark_incident(vendor_id=vendor_id, cause="incident passed 365 days")
            marked += 1
        for vendor_id in set(expired):
            dirty.mark_vendor(vendor_id=vendor_id, cause="assessment expired")
            marked += 1
    return marked
