"""Reads of the register: the lab a caller may export, the register itself, and the critical-provider test."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
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


def eur_rates() -> dict[str, Decimal]:
    """Units of each currency per 1 EUR (settings.DORA_EUR_RATES, ECB reference rates of DORA_EUR_RATES_DATE)."""
    return {code: Decimal(str(rate)) for code, rate in settings.DORA_EUR_RATES.items()}


def assets_in_eur(labs, rates: dict[str, Decimal]) -> tuple[dict[int, Decimal], set[int]]:
    """(lab id -> total assets in EUR, labs reporting assets in a currency without a rate, or none).
    `labs`: (id, total_assets, assets_currency). Labs reporting no assets are in neither."""
    converted, unconverted = {}, set()
    for lab_id, amount, currency in labs:
        if amount is None:
            continue
        rate = rates.get((currency or "").upper())
        if rate is None:
            unconverted.add(lab_id)
        else:
            converted[lab_id] = amount / rate
    return converted, unconverted


def labs_without_rate(*, user) -> list[Lab]:
    """The caller's labs whose total assets cannot be converted to EUR (named only to those who see them)."""
    visible = list(scope(Lab.objects.filter(total_assets__isnull=False), user).order_by("name"))
    _, unconverted = assets_in_eur([(x.id, x.total_assets, x.assets_currency) for x in visible], eur_rates())
    return [x for x in visible if x.id in unconverted]


def critical_providers() -> list[dict]:
    """Per vendor group: the share of all labs relying on it for a critical or important function, by count
    and by total assets in EUR (aggregates over every lab: other labs appear only as counts). Labs whose
    assets are in a currency without a rate are left out of the asset-weighted share and counted."""
    lab_rows = list(Lab.objects.values_list("id", "total_assets", "assets_currency"))
    labs_total = len(lab_rows)
    assets, unconverted = assets_in_eur(lab_rows, eur_rates())
    assets_total = sum(assets.values(), Decimal(0)) if assets else None
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
            by_assets = float(sum((assets.get(x, Decimal(0)) for x in labs), Decimal(0)) / assets_total)
        rows.append({
            "vendor": root,
            "vendor_name": names.get(root, ""),
            "labs_relying": len(labs),
            "labs_total": labs_total,
            "share_by_count": round(by_count, 4),
            "share_by_assets": None if by_assets is None else round(by_assets, 4),
            "labs_relying_without_rate": len(labs & unconverted),
            "labs_without_rate": len(unconverted),
            "over_threshold": by_count >= THRESHOLD or (by_assets is not None and by_assets >= THRESHOLD),
            "score": None if root not in scores else float(scores[root]),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["share_by_count"], r["vendor"]))
    return rows
