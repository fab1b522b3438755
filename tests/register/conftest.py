"""A complete register for Lab A (fictional LEIs with valid check digits) and a second lab for scoping."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f

LAB_A_LEI = "9845001A2B3C4D5E6F36"
LAB_B_LEI = "9845002B3C4D5E6F7G23"
VENDOR_LEI = "9845003C4D5E6F7G8H10"
GROUP_LEI = "9845004D5E6F7G8H9J91"
REFERENCE = dt.date(2025, 12, 31)


def complete(engagement, reference: str, functions, **extra):
    values = {
        "contract_reference": reference, "arrangement_type": "standalone", "ict_service_type": "S19",
        "functions": [x.id for x in functions], "governing_law_country": "DE", "notice_period_lab_days": 90,
        "notice_period_vendor_days": 180, "provision_country": "US", "stores_data": True,
        "data_locations_at_rest": ["US", "DE"], "data_locations_processing": ["US"], "reliance_level": "material",
        "exit_plan": True, "reintegration": "difficult", "non_substitutable_reason": "migration", "discontinuation_impact": "high", "annual_value": Decimal("1000.00"),
        "currency": "USD",
    }  # fmt: skip
    values.update(extra)
    for name, value in values.items():
        setattr(engagement, name, value)
    engagement.full_clean()
    engagement.save()
    return engagement


@pytest.fixture
def reg(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    """Lab A: one critical function, vendor_a (group root with an LEI) and a data-sharing chain below it:
    vendor_a → sub1 → sub2 → vendor_a (a cycle), vendor_a ⇢ noshare (no data). Lab B mirrors it with
    vendor_b, so a Lab A user's export must hold nothing of Lab B's."""
    for lab, lei in ((lab_a, LAB_A_LEI), (lab_b, LAB_B_LEI)):
        lab.lei, lab.country, lab.entity_type = lei, "DE", "investment_firm"
        lab.competent_authority, lab.total_assets, lab.assets_currency = (
            "Fictional Authority",
            Decimal(9e8),
            "EUR",
        )
        lab.save()
    group = f.VendorFactory(name="Alpha Holdings", identifier=GROUP_LEI, identifier_type="lei", country="US")
    vendor_a.parent, vendor_a.identifier, vendor_a.identifier_type = group, VENDOR_LEI, "lei"
    vendor_a.person_type, vendor_a.country = "legal", "US"
    vendor_a.save()
    vendor_b.identifier, vendor_b.identifier_type, vendor_b.person_type, vendor_b.country = (
        "FR999",
        "vat",
        "legal",
        "FR",
    )
    vendor_b.save()
    sub1 = f.VendorFactory(
        name="Sub One", identifier="DEHRB1001", identifier_type="euid", person_type="legal", country="DE"
    )
    sub2 = f.VendorFactory(
        name="Sub Two", identifier="NL0002", identifier_type="crn", person_type="legal", country="NL"
    )
    noshare = f.VendorFactory(
        name="No Share", identifier="US777", identifier_type="other", person_type="legal", country="US"
    )
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=sub1, shares_data=True)
    f.VendorDependencyFactory(vendor=sub1, depends_on=sub2, shares_data=True)
    f.VendorDependencyFactory(vendor=sub2, depends_on=vendor_a, shares_data=True)
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=noshare, shares_data=False)
    fa = f.FunctionFactory(
        lab=lab_a, identifier="F1", name="Model training", licensed_activity="x252", critical_or_important="yes",
        last_assessed_on=dt.date(2025, 6, 1), rto_hours=24, rpo_hours=4, discontinuation_impact="high",
    )  # fmt: skip
    fb = f.FunctionFactory(
        lab=lab_b, identifier="F1", name="Evaluation", licensed_activity="x252", critical_or_important="yes",
        last_assessed_on=dt.date(2025, 6, 1), rto_hours=24, rpo_hours=4, discontinuation_impact="low",
    )  # fmt: skip
    complete(engagement_a, "CTR-A-1", [fa])
    complete(engagement_b, "CTR-B-1", [fb])
    return {"sub1": sub1, "sub2": sub2, "noshare": noshare, "group": group, "fa": fa, "fb": fb}


@pytest.fixture
def client_for():
    """`client_for(user)` → a Django test client signed in as `user`."""
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
