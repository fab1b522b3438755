"""The critical-provider screen's asset-weighted share in EUR: labs' total assets converted at the rate
table (settings.DORA_EUR_RATES: units per 1 EUR, ECB reference rates of DORA_EUR_RATES_DATE, overridable by
the environment); a lab whose currency has no rate is left out of the weighted share and counted."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from register.selectors import assets_in_eur
from tests import factories as f
from vendorrisk.settings.base import _eur_rates
from vendors.models import Lab

pytestmark = pytest.mark.django_db

RATES = {"EUR": "1", "USD": "1.25", "GBP": "0.8"}


def test_assets_are_converted_at_units_per_euro():
    rates = {k: Decimal(v) for k, v in RATES.items()}
    converted, unconverted = assets_in_eur(
        [(1, Decimal(100), "EUR"), (2, Decimal(125), "USD"), (3, Decimal(80), "gbp"), (4, Decimal(5), "BRL"),
         (5, Decimal(7), ""), (6, None, "USD")],
        rates,
    )  # fmt: skip
    assert converted == {1: Decimal(100), 2: Decimal(100), 3: Decimal(100)}
    assert unconverted == {4, 5}  # a currency without a rate, or none; lab 6 reports no assets


def test_the_rate_table_is_overridable_by_the_environment():
    rates = _eur_rates("usd=2, INR=88.9")
    assert (rates["USD"], rates["INR"], rates["EUR"]) == ("2", "88.9", "1")
    assert _eur_rates("")["USD"] == "1.0389"  # ECB reference rate of 31 December 2024
    for bad in ("USD", "USD=0", "USD=-1", "US=1", "USD=abc"):
        with pytest.raises(ImproperlyConfigured, match="DORA_EUR_RATES"):
            _eur_rates(bad)


@pytest.fixture
def currencies(reg, lab_a, lab_b, settings):
    """Lab A relies on vendor_a's group with 900 M EUR; Lab B on vendor_b with 1 250 M USD (= 1 000 M EUR);
    Lab C relies on nobody and reports 100 M BRL, a currency without a rate."""
    settings.DORA_EUR_RATES = RATES
    Lab.objects.filter(pk=lab_b.pk).update(total_assets=Decimal(1_250_000_000), assets_currency="USD")
    Lab.objects.filter(pk=lab_a.pk).update(total_assets=Decimal(900_000_000), assets_currency="EUR")
    return f.LabFactory(name="Lab C", total_assets=Decimal(100_000_000), assets_currency="BRL")


def test_shares_by_assets_are_in_eur_and_labs_without_a_rate_are_counted(
    api_client_for, viewer_lab_a, reg, vendor_b, currencies, lab_b
):
    body = api_client_for(viewer_lab_a).get("/api/risk/critical-providers/").json()
    rows = {r["vendor"]: r for r in body["results"]}
    alpha, beta = rows[reg["group"].id], rows[vendor_b.id]
    # 900 of 1 900 M EUR (the BRL lab left out); adding the currencies as they are would give 900 / 2 250.
    assert alpha["share_by_assets"] == pytest.approx(900 / 1900, abs=1e-4)
    assert beta["share_by_assets"] == pytest.approx(1000 / 1900, abs=1e-4)
    assert alpha["labs_total"] == 3 and alpha["share_by_count"] == pytest.approx(1 / 3, abs=1e-4)
    assert alpha["labs_without_rate"] == 1 and alpha["labs_relying_without_rate"] == 0
    assert "Lab C" not in str(body) and lab_b.name not in str(body)


def test_a_relying_lab_without_a_rate_is_left_out_of_its_share_and_counted(
    api_client_for, viewer_lab_a, reg, lab_a, currencies
):
    Lab.objects.filter(pk=lab_a.pk).update(assets_currency="BRL")
    body = api_client_for(viewer_lab_a).get("/api/risk/critical-providers/").json()
    alpha = {r["vendor"]: r for r in body["results"]}[reg["group"].id]
    assert alpha["share_by_assets"] == 0.0
    assert (alpha["labs_relying_without_rate"], alpha["labs_without_rate"]) == (1, 2)
    assert alpha["over_threshold"] is True  # still over by count


def test_the_page_names_only_your_labs_without_a_rate(client_for, viewer_lab_a, reg, lab_a, currencies):
    Lab.objects.filter(pk=lab_a.pk).update(assets_currency="BRL")
    page = client_for(viewer_lab_a).get("/register/critical-providers/").content.decode()
    assert "2 labs report total assets in a currency without a EUR rate" in page
    assert f"{lab_a.name}</a> (BRL)" in page
    assert "Lab C" not in page
    assert "ECB reference rates of 2024-12-31" in page
