"""The demo's register of information (DESIGN.md section 10): fictional LEIs with valid check digits, the
labs' functions and the engagements' contract data. Quillfeather (a DORA lab) gets a complete register that
lints clean; Northwind gets identities and functions but leaves contract data out, so its lint shows
findings. Written through the vendors services, idempotently like the rest of the demo."""

from decimal import Decimal
from functools import partial
from hashlib import sha256

from stdnum.iso7064 import mod_97_10

from vendors import services as vendor_services
from vendors.models import Engagement, Function
from vendors.services import functions as function_services

from .upsert import upsert
from .world import World

LOU_PREFIX = "DEMO"  # no LEI issuer has this prefix: visibly fictional


def fictional_lei(key: str) -> str:
    """A stable, fictional LEI for `key`: 18 characters from a hash, then the ISO 7064 check digits."""
    body = LOU_PREFIX + "00" + sha256(key.encode()).hexdigest().upper()[:12]
    return body + mod_97_10.calc_check_digits(body)


LABS = {
    "quillfeather": {"country": "LU", "entity_type": "investment_firm", "competent_authority": "Fictional Financial Authority",
                     "total_assets": Decimal("4200000000.00"), "assets_currency": "EUR"},
    "northwind": {"country": "DE", "entity_type": "other_financial", "competent_authority": "",
                  "total_assets": Decimal("900000000.00"), "assets_currency": "EUR"},
}  # fmt: skip
FUNCTIONS = {
    "quillfeather": [
        ("QF-F1", "Model training for client analytics", "x252", "yes", "Client reporting stops without it.", 24, 4, "high"),
        ("QF-F2", "Regulatory reporting support", "x250", "yes", "Supervisory deadlines depend on it.", 48, 24, "medium"),
        ("QF-F3", "Internal helpdesk", "x252", "no", "", 120, 72, "low"),
    ],
    "northwind": [
        ("NW-F1", "Frontier model training", "x252", "yes", "The lab's core activity.", 72, 24, "high"),
    ],
}  # fmt: skip
SERVICE_BY_CATEGORY = {"data_labeling": "S05", "data_broker": "S05", "expert_network": "S15", "evaluation": "S06",
                       "compute": "S17", "software": "S19", "other": "S14"}  # fmt: skip


def load_register(world: World) -> None:
    for key, data in LABS.items():
        lab = world.labs[key]
        upsert(world.summary, "labs", found=lab, data={"lei": fictional_lei(f"lab:{key}"), **data},
               create=None, update=partial(vendor_services.lab_update, actor=world.admin))  # fmt: skip
    for key, vendor in world.vendors.items():
        data = {
            "identifier": fictional_lei(f"vendor:{key}"),
            "identifier_type": "lei",
            "person_type": "legal",
        }
        upsert(world.summary, "vendors", found=vendor, data=data, create=None,
               update=partial(vendor_services.vendor_update, actor=world.admin))  # fmt: skip
    functions = {}
    for key, specs in FUNCTIONS.items():
        lab = world.labs[key]
        for identifier, name, activity, critical, reasons, rto, rpo, impact in specs:
            data = {"name": name, "licensed_activity": activity, "critical_or_important": critical, "reasons": reasons,
                    "last_assessed_on": world.day(-60), "rto_hours": rto, "rpo_hours": rpo,
                    "discontinuation_impact": impact}  # fmt: skip
            functions[identifier] = upsert(
                world.summary, "functions", found=Function.objects.filter(lab=lab, identifier=identifier).first(),
                data=data, create=partial(function_services.function_create, actor=world.admin, lab=lab,
                                          identifier=identifier),
                update=partial(function_services.function_update, actor=world.admin),
            )  # fmt: skip
    _contracts(world, "quillfeather", "QF", [functions["QF-F1"].id, functions["QF-F2"].id], complete=True)
    _contracts(world, "northwind", "NW", [functions["NW-F1"].id], complete=False)


def _contracts(world: World, lab_key: str, prefix: str, function_ids: list[int], *, complete: bool) -> None:
    lab = world.labs[lab_key]
    engagements = Engagement.objects.filter(lab=lab).exclude(status="proposed").select_related("vendor")
    for n, e in enumerate(engagements.order_by("id"), start=1):
        if not complete and n % 2 == 0:
            continue  # Northwind: half its arrangements have no contract data yet (lint findings)
        data = {"contract_reference": f"{prefix}-{2024 + n % 2}-{n:03d}", "arrangement_type": "standalone",
                "ict_service_type": SERVICE_BY_CATEGORY.get(e.vendor.category, "S14")}  # fmt: skip
        if complete:
            data |= {
                "functions": function_ids[: 1 + n % 2], "governing_law_country": "LU",
                "notice_period_lab_days": 90, "notice_period_vendor_days": 180,
                "provision_country": e.vendor.country or "LU", "stores_data": True,
                "data_locations_at_rest": [e.vendor.country or "LU"], "data_locations_processing": [e.vendor.country or "LU"],
                "reliance_level": "material" if e.criticality in ("high", "critical") else "low",
                "exit_plan": True, "reintegration": "difficult", "discontinuation_impact": "medium",
                "non_substitutable_reason": "both" if e.substitutability in ("none", "difficult") else "",
                "termination_reason": "expired" if e.status == "ended" else "",
                "annual_value": e.annual_value if e.annual_value is not None else Decimal("50000.00"),
                "currency": e.currency or "EUR",
            }  # fmt: skip
        upsert(world.summary, "engagements", found=e, data=data, create=None,
               update=partial(vendor_services.engagement_update, actor=world.admin))  # fmt: skip
