"""Build the register's tables for one lab (or its group) on a reference date, from what the caller may see.

Every row carries the object it came from, so the linter can say what to fix. Queries are a fixed number
whatever the size of the register (labs, engagements, functions, vendors, dependencies, audits).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max

from assessments.choices import AssessmentStatus
from assessments.models import Assessment
from vendorrisk.core.scoping import scope
from vendors.choices import IdentifierType, Substitutability
from vendors.models import Engagement, Function, Lab, Vendor, VendorDependency

from . import templates as t


@dataclass
class Row:
    values: dict
    object_type: str  # lab, engagement, vendor, function
    object_id: int | None


@dataclass
class Register:
    lab: Lab  # the lab maintaining the register
    labs: list[Lab]
    consolidated: bool
    reference_date: date
    tables: dict[str, list[Row]] = field(default_factory=dict)
    engagements: list[Engagement] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.lab.assets_currency

    def filing_indicators(self) -> dict[str, bool]:
        """Reported: the templates that have rows (EBA: an indicator must match its file)."""
        return {tpl.id: bool(self.tables.get(tpl.id)) for tpl in t.TEMPLATES}


def _d(value) -> str:
    return value.isoformat() if value else ""


def _country(code: str) -> str:
    return f"eba_GA:{code}" if code else ""


def _currency(code: str) -> str:
    return f"eba_CU:{code}" if code else ""


def _m(mapping: dict, value) -> str:
    """A closed-list member; an unknown value goes out as it is, so the linter names it."""
    return mapping.get(value, value) if value else ""


def hard_to_substitute(engagement) -> bool:
    """Substitutability "none" or "difficult": the B_07.01 reason (c0060) is then expected."""
    return engagement.substitutability in (Substitutability.NONE, Substitutability.DIFFICULT)


def _reason(engagement) -> str:
    """B_07.01 c0060: reported only for a vendor that is not or hardly substitutable."""
    if not hard_to_substitute(engagement):
        return ""
    return _m(t.NON_SUBSTITUTABLE_REASON, engagement.non_substitutable_reason)


def _n(value) -> str:
    return "" if value is None else str(value)


def register_labs(lab: Lab, user) -> tuple[list[Lab], bool]:
    """The lab, and its group members when the caller may see every one of them (a consolidated register)."""
    members = list(Lab.objects.filter(parent=lab).order_by("id"))
    visible = list(scope(Lab.objects.filter(parent=lab), user).order_by("id"))
    if members and len(visible) == len(members):
        return [lab, *members], True
    return [lab], False


def supply_chain(start: int, edges: dict[int, list[int]]) -> list[tuple[int, int, int]]:
    """(vendor, rank, recipient) for every vendor `start` reaches through data-sharing dependencies: the
    shortest chain, ties to the lowest recipient id; terminates on cycles."""
    seen, level, out, rank = {start}, [start], [], 1
    while level:
        rank += 1
        found: dict[int, int] = {}
        for recipient in sorted(level):
            for vendor in sorted(edges.get(recipient, ())):
                if vendor not in seen and vendor not in found:
                    found[vendor] = recipient
        seen.update(found)
        out.extend((vendor, rank, recipient) for vendor, recipient in sorted(found.items()))
        level = list(found)
    return out


def group_leis(lab_id: int, labs: list[tuple[int, int | None, str]]) -> set[str]:
    """The LEIs of every lab in `lab_id`'s group (the labs sharing its root `parent`), from (id, parent, lei)
    of all labs. A vendor holding one of them is an ICT intra-group service provider (B_03.03)."""
    parent_of = {pk: parent for pk, parent, _ in labs}

    def root(pk: int) -> int:
        seen = set()
        while parent_of.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parent_of[pk]
        return pk

    mine = root(lab_id)
    return {lei.upper() for pk, _, lei in labs if lei and root(pk) == mine}


def build(lab: Lab, user, reference_date: date) -> Register:
    labs, consolidated = register_labs(lab, user)
    lab_ids = [x.id for x in labs]
    engagements = list(
        scope(Engagement.objects.filter(lab_id__in=lab_ids), user)
        .exposing_on(reference_date)
        .select_related("lab")
        .order_by("id")
    )
    functions = list(
        scope(Function.objects.filter(lab_id__in=lab_ids), user).order_by("lab_id", "identifier")
    )
    function_by_id = {f.id: f for f in functions}
    vendors = {v.id: v for v in Vendor.objects.all()}
    edges: dict[int, list[int]] = defaultdict(list)
    for vendor_id, depends_on_id in VendorDependency.objects.filter(shares_data=True).values_list(
        "vendor_id", "depends_on_id"
    ):
        edges[vendor_id].append(depends_on_id)
    audits = dict(
        Assessment.objects.filter(
            vendor_id__in={e.vendor_id for e in engagements}, status=AssessmentStatus.COMPLETED
        )
        .values("vendor_id")
        .annotate(last=Max("completed_at"))
        .values_list("vendor_id", "last")
    )
    # Only matched against vendors' LEIs: no other lab's name or id reaches the register.
    intra_group = group_leis(lab.id, list(Lab.objects.values_list("id", "parent_id", "lei")))
    register = Register(lab=lab, labs=labs, consolidated=consolidated, reference_date=reference_date)
    register.engagements = engagements
    tables = {tpl.id: [] for tpl in t.TEMPLATES}
    register.tables = tables

    def code(vendor_id: int) -> tuple[str, str]:
        v = vendors[vendor_id]
        return v.identifier, t.identifier_type_code(v.identifier_type)

    def root(vendor_id: int) -> int:
        seen = set()
        while vendors[vendor_id].parent_id and vendor_id not in seen:
            seen.add(vendor_id)
            vendor_id = vendors[vendor_id].parent_id
        return vendor_id

    tables["B_01.01"].append(Row({
        "c0010": lab.lei, "c0020": lab.name, "c0030": _country(lab.country),
        "c0040": _m(t.ENTITY_TYPE, lab.entity_type), "c0050": lab.competent_authority,
        "c0060": _d(reference_date),
    }, "lab", lab.id))  # fmt: skip
    for x in labs:
        if x.id == lab.id:
            hierarchy, parent_lei = (
                t.HIERARCHY["ultimate_parent" if x.parent_id is None else "subsidiary"],
                "",
            )
        else:
            hierarchy, parent_lei = t.HIERARCHY["subsidiary"], lab.lei
        tables["B_01.02"].append(Row({
            "c0010": x.lei, "c0020": x.name, "c0030": _country(x.country),
            "c0040": _m(t.ENTITY_TYPE, x.entity_type), "c0050": hierarchy, "c0060": parent_lei or x.lei,
            "c0070": _d(x.updated_at.date()), "c0080": _d(x.created_at.date()), "c0090": t.OPEN_END,
            "c0100": _currency(x.assets_currency), "c0110": _n(x.total_assets),
        }, "lab", x.id))  # fmt: skip

    direct: dict[int, list[Engagement]] = defaultdict(list)
    chain_vendors: set[int] = set()
    for e in engagements:
        provider, provider_type = code(e.vendor_id)
        direct[e.vendor_id].append(e)
        ref = e.contract_reference
        service = _m(t.ICT_SERVICE, e.ict_service_type)
        tables["B_02.01"].append(Row({
            "c0010": ref, "c0020": _m(t.ARRANGEMENT_TYPE, e.arrangement_type), "c0030": e.overarching_reference,
            "c0040": _currency(e.currency), "c0050": _n(e.annual_value),
        }, "engagement", e.id))  # fmt: skip
        supported = [function_by_id[f] for f in e.functions or [] if f in function_by_id]
        for function in supported or [None]:
            for at_rest in e.data_locations_at_rest or [""]:
                for processing in e.data_locations_processing or [""]:
                    tables["B_02.02"].append(Row({
                        "c0010": ref, "c0020": e.lab.lei, "c0030": provider, "c0040": provider_type,
                        "c0050": function.identifier if function else "", "c0060": service,
                        "c0070": _d(e.start_date), "c0080": _d(e.end_date) or t.OPEN_END,
                        "c0090": _m(t.TERMINATION_REASON, e.termination_reason),
                        "c0100": _n(e.notice_period_lab_days), "c0110": _n(e.notice_period_vendor_days),
                        "c0120": _country(e.governing_law_country),
                        "c0130": _country(e.provision_country) or t.NOT_APPLICABLE_COUNTRY,
                        "c0140": "" if e.stores_data is None else (t.YES if e.stores_data else t.NO),
                        "c0150": _country(at_rest) or t.NOT_APPLICABLE_COUNTRY,
                        "c0160": _country(processing) or t.NOT_APPLICABLE_COUNTRY,
                        "c0170": _m(t.SENSITIVENESS, e.data_sensitivity) if e.stores_data else "",
                        "c0180": _m(t.RELIANCE, e.reliance_level),
                    }, "engagement", e.id))  # fmt: skip
        tables["B_03.01"].append(Row({"c0010": ref, "c0020": e.lab.lei, "c0030": "true"}, "engagement", e.id))
        tables["B_03.02"].append(
            Row({"c0010": ref, "c0020": provider, "c0030": provider_type}, "engagement", e.id)
        )
        vendor = vendors[e.vendor_id]
        if vendor.identifier_type == IdentifierType.LEI and vendor.identifier.upper() in intra_group:
            # The provider is an entity of the lab's own group: it signs as an intra-group provider.
            tables["B_03.03"].append(
                Row({"c0010": ref, "c0020": provider, "c0031": "true"}, "engagement", e.id)
            )
        tables["B_04.01"].append(Row(
            {"c0010": ref, "c0020": e.lab.lei, "c0030": t.NATURE_NOT_BRANCH, "c0040": ""}, "engagement", e.id
        ))  # fmt: skip
        tables["B_05.02"].append(Row({
            "c0010": ref, "c0020": service, "c0030": provider, "c0040": provider_type, "c0050": "1",
            "c0060": "", "c0070": "",
        }, "engagement", e.id))  # fmt: skip
        # Subcontractors are reported where they underpin a critical or important function.
        if any(f.critical_or_important == "yes" for f in supported):
            for vendor_id, rank, recipient in supply_chain(e.vendor_id, edges):
                chain_vendors.add(vendor_id)
                sub, sub_type = code(vendor_id)
                rec, rec_type = code(recipient)
                tables["B_05.02"].append(Row({
                    "c0010": ref, "c0020": service, "c0030": sub, "c0040": sub_type, "c0050": str(rank),
                    "c0060": rec, "c0070": rec_type,
                }, "vendor", vendor_id))  # fmt: skip
        audit = audits.get(e.vendor_id)
        alternatives = [code(v)[0] or vendors[v].name for v in e.alternative_providers or [] if v in vendors]
        tables["B_07.01"].append(Row({
            "c0010": ref, "c0020": provider, "c0030": provider_type, "c0040": service,
            "c0050": _m(t.SUBSTITUTABILITY, e.substitutability), "c0060": _reason(e),
            "c0070": _d(audit.date() if audit else None), "c0080": "" if e.exit_plan is None else (t.YES if e.exit_plan else t.NO),
            "c0090": _m(t.REINTEGRATION, e.reintegration), "c0100": _m(t.IMPACT, e.discontinuation_impact),
            "c0110": t.YES if alternatives else t.NOT_ASSESSED, "c0120": "; ".join(alternatives),
        }, "engagement", e.id))  # fmt: skip

    for vendor_id in sorted(set(direct) | chain_vendors):
        v = vendors[vendor_id]
        provider, provider_type = code(vendor_id)
        own = direct.get(vendor_id, [])
        amounts = [e for e in own if e.annual_value is not None]
        # A provider that is its own ultimate parent reports its own code as the parent's (c0110 is mandatory).
        parent_code, parent_type = code(root(vendor_id))
        tables["B_05.01"].append(Row({
            "c0010": provider, "c0020": provider_type, "c0030": "", "c0040": "", "c0050": v.legal_name or v.name,
            "c0060": "", "c0070": _m(t.PERSON_TYPE, v.person_type), "c0080": _country(v.country),
            "c0090": _currency(amounts[0].currency) if amounts else "",
            "c0100": _n(sum(e.annual_value for e in amounts)) if amounts else "",
            "c0110": parent_code, "c0120": parent_type,
        }, "vendor", vendor_id))  # fmt: skip
    lei_of = {x.id: x.lei for x in labs}
    for f in functions:
        tables["B_06.01"].append(Row({
            "c0010": f.identifier, "c0020": f"eba_TA:{f.licensed_activity}" if f.licensed_activity else "",
            "c0030": f.name, "c0040": lei_of.get(f.lab_id, ""), "c0050": _m(t.CRITICAL, f.critical_or_important),
            "c0060": f.reasons, "c0070": _d(f.last_assessed_on), "c0080": _n(f.rto_hours), "c0090": _n(f.rpo_hours),
            "c0100": _m(t.IMPACT, f.discontinuation_impact),
        }, "function", f.id))  # fmt: skip
    if tables["B_02.02"]:
        # One row: what the lab means by the data-sensitiveness options it reports (B_02.02.0170), as its
        # own data-sensitivity classes map onto them (closed_lists.SENSITIVENESS).
        definitions = {tpl_column.code: "" for tpl_column in t.BY_ID["B_99.01"].columns}
        for code, ours in (
            ("c0040", "public or internal"),
            ("c0050", "confidential"),
            ("c0060", "restricted"),
        ):
            definitions[code] = f"The lab classifies the data the provider holds as {ours}."
        tables["B_99.01"].append(Row(definitions, "lab", lab.id))
    return register
