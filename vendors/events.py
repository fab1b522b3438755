"""What this app's events carry: each object's API representation after the change (DESIGN.md section 8).

Built from the models (services may not import the API); `tests/events/test_emitted.py` pins each
field list to its serializer's fields. Left out: names of users (`owner_name`), which the API shows
only to readers who may see that user, and a lab's `parent` group, which the API shows only to readers
who may see that lab too (an event about a lab goes to every reader of that lab).
"""

from __future__ import annotations

from collections.abc import Sequence

from vendorrisk.core.event_data import cached_related, names, plain
from vendorrisk.core.events import NewEvent

from .models import ENGAGEMENT_REGISTER_FIELDS, Engagement, Lab, Vendor, VendorDependency

LAB_FIELDS = [
    "id",
    "name",
    "slug",
    "description",
    "regimes",
    "lei",
    "country",
    "entity_type",
    "competent_authority",
    "total_assets",
    "assets_currency",
    "created_at",
    "updated_at",
]
VENDOR_FIELDS = [
    "id",
    "name",
    "slug",
    "legal_name",
    "website",
    "country",
    "parent",
    "identifier",
    "identifier_type",
    "person_type",
    "category",
    "status",
    "description",
    "created_at",
    "updated_at",
]
ENGAGEMENT_FIELDS = [
    "id",
    "lab",
    "vendor",
    "title",
    "owner",
    "status",
    "criticality",
    "data_sensitivity",
    "substitutability",
    "data_categories",
    "annual_value",
    "currency",
    "start_date",
    "end_date",
    "data_disposed_on",
    "notes",
    *ENGAGEMENT_REGISTER_FIELDS,
    "reference_reported_on",
    "created_at",
    "updated_at",
]
DEPENDENCY_FIELDS = ["id", "vendor", "depends_on", "shares_data", "description", "created_at", "updated_at"]


def _name(obj, relation: str, known: dict[int, str]):
    loaded = cached_related(obj, relation)
    if loaded is not None:
        return loaded.name
    return known.get(getattr(obj, f"{relation}_id"))


def lab_data(lab: Lab) -> dict:
    return plain(lab, LAB_FIELDS)


def vendor_data_many(vendors: Sequence[Vendor]) -> list[dict]:
    parents = names(Vendor, {v.parent_id for v in vendors if cached_related(v, "parent") is None})
    return [
        plain(v, VENDOR_FIELDS, parent_name=_name(v, "parent", parents) if v.parent_id else None)
        for v in vendors
    ]


def engagement_data_many(engagements: Sequence[Engagement]) -> list[dict]:
    """The payloads of many engagements with two name queries (none for relations already loaded)."""
    labs = names(Lab, {e.lab_id for e in engagements if cached_related(e, "lab") is None})
    vendors = names(Vendor, {e.vendor_id for e in engagements if cached_related(e, "vendor") is None})
    return [
        plain(
            e,
            ENGAGEMENT_FIELDS,
            lab_name=_name(e, "lab", labs),
            vendor_name=_name(e, "vendor", vendors),
            is_exposing=e.is_exposing,
        )
        for e in engagements
    ]


def dependency_data(dep: VendorDependency) -> dict:
    known = names(Vendor, {dep.vendor_id, dep.depends_on_id})
    return plain(
        dep,
        DEPENDENCY_FIELDS,
        vendor_name=_name(dep, "vendor", known),
        depends_on_name=_name(dep, "depends_on", known),
    )


def engagement_events(kind: str, engagements: Sequence[Engagement], changes: Sequence[dict] | None = None):
    """`engagement.<kind>` for each engagement (one lab each), with `changes` per engagement for updates."""
    datas = engagement_data_many(engagements)
    return [
        NewEvent(
            f"engagement.{kind}",
            "engagement",
            e.pk,
            (e.lab_id,),
            data,
            None if changes is None else changes[i],
        )
        for i, (e, data) in enumerate(zip(engagements, datas, strict=True))
    ]
