"""Score a plan before and after and say what changes (DESIGN.md section 9), cut to the caller's labs.

"Before" is recomputed from the current inputs (so pending marks do not matter) and "after" from the same
inputs with the plan applied; both with one `now`, so only the plan makes them differ. Vendors' numbers
are aggregates over every lab and stay whole; lab rows, warnings and clocks name only the caller's labs.
"""

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from incidents.choices import OPEN_STATUSES
from vendorrisk.core.scoping import visible_lab_ids
from vendors.models import Lab
from vendors.rules import is_exposing
from vendors.selectors import vendor_names

from .. import scoring
from ..recompute import constants
from .clocks import plan_clocks
from .plan import Overlay, Planner
from .world import World, load_world

VENDOR_FIELDS = ("score", "band", "impact", "likelihood", "lab_equivalents", "labs_exposed")
# A group holding at least this share of a lab's reach (look-through) is called a single point of failure.
SPOF_WARNING_SHARE = 0.5
RISING_BANDS = ("high", "critical")


class PlanTooSlow(Exception):
    pass


def _budget() -> float:
    return float(getattr(settings, "VENDORRISK_WHATIF_BUDGET_SECONDS", 10))


def vendor_values(out: scoring.VendorScoreOut) -> dict[str, Any]:
    return {name: getattr(out, name) for name in VENDOR_FIELDS}


def lab_values(out: scoring.LabConcentrationOut) -> dict[str, Any]:
    spof = out.single_point_of_failure
    return {
        "hhi": out.hhi,
        "hhi_look_through": out.hhi_look_through,
        "band": out.band,
        "top_vendor": out.top_vendor,
        "top_share": out.top_share,
        "effective_providers": out.effective_providers,
        "single_point_of_failure": (
            None if spof is None else {"vendor": spof, "share": out.single_point_of_failure_share}
        ),
    }


def _score(inputs: scoring.ScoringInput, world: World, now: datetime) -> scoring.ScoringResult:
    known = {v.id for v in inputs.vendors}
    return scoring.compute(
        inputs,
        now=now,
        constants=constants(),
        vendor_ids=sorted(world.region.vendors & known),
        lab_ids=sorted(world.region.labs & set(inputs.labs)),
        lab_views=False,
    )


@dataclass(frozen=True)
class Evaluation:
    """The answer, and the scorer's full results before and after (the planning page charts a lab's groups)."""

    answer: dict[str, Any]
    before: scoring.ScoringResult
    after: scoring.ScoringResult


def what_if(changes: Any, *, user, request=None, now: datetime | None = None) -> dict[str, Any]:
    """The answer of `POST /api/what-if/`. Raises plan.PlanInvalid, plan.PlanTooLarge or PlanTooSlow."""
    return evaluate(changes, user=user, request=request, now=now).answer


def evaluate(changes: Any, *, user, request=None, now: datetime | None = None) -> Evaluation:
    from django.utils import timezone

    started = time.perf_counter()
    now = now or timezone.now()
    # Nothing is written: the validation and loading only read, and the rollback makes sure of it.
    with transaction.atomic():
        overlay = Planner(user=user, request=request, now=now).apply_all(changes)
        _check_budget(started)
        world = load_world(overlay, now=now)
        _check_budget(started)
        before, after = _score(world.before, world, now), _score(world.after, world, now)
        answer = _diff(before, after, overlay, world, user=user)
        answer["notifications"] = plan_clocks(overlay, user=user)
        transaction.set_rollback(True)
    return Evaluation(answer=answer, before=before, after=after)


def _check_budget(started: float) -> None:
    if time.perf_counter() - started > _budget():
        raise PlanTooSlow(
            f"This plan needs more than {_budget():g} seconds to evaluate. Split it into smaller plans."
        )


def _diff(before, after, overlay: Overlay, world: World, *, user) -> dict[str, Any]:
    visible = visible_lab_ids(user)
    vendor_rows, lab_rows, warnings = [], [], []
    for vendor_id in sorted(set(before.vendors) | set(after.vendors)):
        old = before.vendors.get(vendor_id)
        new = after.vendors.get(vendor_id)
        old_values = None if old is None else vendor_values(old)
        new_values = None if new is None else vendor_values(new)
        if old_values != new_values:
            vendor_rows.append({"vendor": vendor_id, "before": old_values, "after": new_values})
    for lab_id in sorted(set(before.labs) | set(after.labs)):
        if visible is not None and lab_id not in visible:
            continue
        old_lab, new_lab = before.labs.get(lab_id), after.labs.get(lab_id)
        old_values = None if old_lab is None else lab_values(old_lab)
        new_values = None if new_lab is None else lab_values(new_lab)
        if old_values != new_values:
            lab_rows.append({"lab": lab_id, "before": old_values, "after": new_values})
    old_shared = set(before.shared_dependencies) & world.region.vendors
    new_shared = set(after.shared_dependencies) & world.region.vendors
    shared = {"added": sorted(new_shared - old_shared), "removed": sorted(old_shared - new_shared)}

    lab_names = dict(Lab.objects.filter(id__in=[r["lab"] for r in lab_rows]).values_list("id", "name"))
    alert_vendors = _open_critical_vendors(overlay, world)
    names = vendor_names(
        {r["vendor"] for r in vendor_rows}
        | set(shared["added"])
        | alert_vendors
        | {v for r in lab_rows for v in _lab_vendors(r)}
    )
    for row in vendor_rows:
        row["vendor_name"] = names.get(row["vendor"], "")
    for row in lab_rows:
        row["lab_name"] = lab_names.get(row["lab"], "")
    vendor_rows = [{k: r[k] for k in ("vendor", "vendor_name", "before", "after")} for r in vendor_rows]
    lab_rows = [{k: r[k] for k in ("lab", "lab_name", "before", "after")} for r in lab_rows]

    for vendor_id in sorted(alert_vendors):
        warnings.append(
            {
                "code": "open_critical_incident",
                "message": f"{names.get(vendor_id, '')} has an open critical incident.",
                "vendor": vendor_id,
            }
        )
    warnings += _vendor_warnings(vendor_rows)
    warnings += _lab_warnings(lab_rows, names)
    for vendor_id in shared["added"]:
        warnings.append(
            {
                "code": "shared_dependency_added",
                "message": f"{names.get(vendor_id, '')} becomes a fourth party that several of your "
                "vendors or labs depend on without a contract.",
                "vendor": vendor_id,
            }
        )
    return {"vendors": vendor_rows, "labs": lab_rows, "shared_dependencies": shared, "warnings": warnings}


def _lab_vendors(row: dict) -> set[int]:
    after = row["after"] or {}
    spof = after.get("single_point_of_failure") or {}
    return {v for v in (after.get("top_vendor"), spof.get("vendor")) if v is not None}


def _vendor_warnings(rows: list[dict]) -> list[dict]:
    warnings = []
    for row in rows:
        old, new = row["before"], row["after"]
        if new is None or new["band"] not in RISING_BANDS:
            continue
        if old is None or scoring.SCORE_BANDS.index(new["band"]) > scoring.SCORE_BANDS.index(old["band"]):
            warnings.append(
                {
                    "code": "vendor_band_rises",
                    "message": f"{row['vendor_name']}'s concentration risk becomes {new['band']} "
                    f"({new['score']:g}).",
                    "vendor": row["vendor"],
                }
            )
    return warnings


def _lab_warnings(rows: list[dict], names: dict[int, str]) -> list[dict]:
    warnings = []
    for row in rows:
        old, new = row["before"] or {}, row["after"]
        if new is None:
            continue
        if new["band"] == "high" and old.get("band") != "high":
            warnings.append(
                {
                    "code": "concentration_high",
                    "message": f"{row['lab_name']}'s concentration becomes high (HHI {new['hhi']:.0f}).",
                    "lab": row["lab"],
                }
            )
        spof, was = new["single_point_of_failure"], old.get("single_point_of_failure")
        if (
            spof
            and spof["share"] >= SPOF_WARNING_SHARE
            and (not was or was["vendor"] != spof["vendor"] or was["share"] < SPOF_WARNING_SHARE)
        ):
            warnings.append(
                {
                    "code": "single_point_of_failure",
                    "message": f"{names.get(spof['vendor'], '')} becomes a single point of failure for "
                    f"{row['lab_name']}: {spof['share']:.0%} of its data reach goes through it.",
                    "lab": row["lab"],
                    "vendor": spof["vendor"],
                }
            )
    return warnings


def _open_critical_vendors(overlay: Overlay, world: World) -> set[int]:
    """Vendors a planned exposing engagement points at while they have an open critical incident."""
    engaged = {
        e.vendor_id
        for _, _, e in overlay.objects("engagement")
        if e is not None and is_exposing(e.status, e.data_disposed_on)
    }
    return {
        i.vendor_id
        for i in world.after.incidents
        if i.vendor_id in engaged and i.severity == "critical" and i.status in OPEN_STATUSES
    }
