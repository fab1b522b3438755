"""Reads of the register: the lab a caller may export, the register itself, and the critical-provider test."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404

from assessments.models import VendorScore
from vendorrisk.core.scoping import scope
from vendors.choices import CriticalOrImportant
from vendors.models import Engagement, Function, Lab, Vendor
from vendors.rules import parent_chain

from .build import Register, build
from .lint import lint

THRESHOLD = 0.10  # Delegated Regulation (EU) 2024/1502, step one: 10 % of entities / of total assets


def default_reference_date(today: date) -> date:
    """The last 31 December before `today` (registers are reported as at the end of the preceding year)."""
    return date(today.year - 1, 12, 31)


def register_lab(*, user, pk) -> Lab:
    return get_object_or_404(scope(Lab.objects.all(), user), pk=pk)


def register_for(*, user, lab: Lab, reference_date: date) -> Register:
    return build(lab, user, reference_date)


def lint_for(*, user, lab: Lab, reference_date: date) -> tuple[Register, dict]:
    register = build(lab, user, reference_date)
    return register, lint(register)


def functions_of(*, user):
    return scope(Function.objects.select_related("lab"), user).order_by("lab__name", "identifier")


def critical_providers() -> list[dict]:
    """Per vendor group: the share of all labs relying on it for a critical or important function, by count
    and by total assets (aggregates over every lab: other labs appear only as counts)."""
    assets = dict(Lab.objects.values_list("id", "total_assets"))
    labs_total = len(assets)
    reported = [a for a in assets.values() if a is not None]
    assets_total = sum(reported, Decimal(0)) if reported else None
    critical = set(
        Function.objects.filter(critical_or_important=CriticalOrImportant.YES).values_list("id", flat=True)
    )
    parents = dict(Vendor.objects.values_list("id", "parent_id"))
    relying: dict[int, set[int]] = defaultdict(set)
    for lab_id, vendor_id, functions in Engagement.objects.exposing().values_list(
        "lab_id", "vendor_id", "functions"
    ):
        if critical.intersection(functions or []):
            chain, _ = parent_chain(vendor_id, parents.get)
            relying[chain[-1]].add(lab_id)
    names = dict(Vendor.objects.filter(id__in=relying).values_list("id", "name"))
    scores = dict(VendorScore.objects.filter(vendor_id__in=relying).values_list("vendor_id", "score"))
    rows = []
    for root, labs in relying.items():
        by_count = len(labs) / labs_total if labs_total else 0.0
        by_assets = None
        if assets_total:
            by_assets = float(sum((assets[x] or 0 for x in labs), Decimal(0)) / assets_total)
        rows.append({
            "vendor": root,
            "vendor_name": names.get(root, ""),
            "labs_relying": len(labs),
            "labs_total": labs_total,
            "share_by_count": round(by_count, 4),
            "share_by_assets": None if by_assets is None else round(by_assets, 4),
            "over_threshold": by_count >= THRESHOLD or (by_assets is not None and by_assets >= THRESHOLD),
            "score": None if root not in scores else float(scores[root]),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["share_by_count"], r["vendor"]))
    return rows
