"""The register-of-information fields (DESIGN.md section 10): validation, the lab group cut, the reported
contract reference, CSV columns."""

import pytest
from stdnum import lei as stdnum_lei

from tests import factories as f
from vendors import csv_import

pytestmark = pytest.mark.django_db

VALID_LEI = "5299000J2N45DDNE4Y28"


def test_the_demo_lei_constant_is_valid():
    assert stdnum_lei.is_valid(VALID_LEI)


@pytest.mark.parametrize(
    "value",
    ["5299000J2N45DDNE4Y29", "5299000J2N45DDNE4Y2", "5299000j2n45ddne4y28", "not an lei at all!!"],
)
def test_a_lab_lei_with_wrong_check_digits_or_form_is_a_400_naming_the_field(
    api_client_for, admin_user, lab_a, value
):
    response = api_client_for(admin_user).patch(f"/api/labs/{lab_a.id}/", {"lei": value}, format="json")
    assert response.status_code == 400
    assert "lei" in response.json()


def test_a_valid_lei_is_kept(api_client_for, admin_user, lab_a):
    response = api_client_for(admin_user).patch(f"/api/labs/{lab_a.id}/", {"lei": VALID_LEI}, format="json")
    assert response.status_code == 200
    assert response.json()["lei"] == VALID_LEI


def test_a_vendor_lei_identifier_is_checked_and_needs_its_type(api_client_for, procurement_all, vendor_a):
    client = api_client_for(procurement_all)
    bad = client.patch(
        f"/api/vendors/{vendor_a.id}/", {"identifier": "5299000J2N45DDNE4Y29", "identifier_type": "lei"}
    )
    assert bad.status_code == 400 and "identifier" in bad.json()
    untyped = client.patch(f"/api/vendors/{vendor_a.id}/", {"identifier": "DE123456789"})
    assert untyped.status_code == 400 and "identifier_type" in untyped.json()
    good = client.patch(
        f"/api/vendors/{vendor_a.id}/", {"identifier": "DE123456789", "identifier_type": "vat"}
    )
    assert good.status_code == 200


def test_a_lab_group_cycle_is_refused(api_client_for, admin_user, lab_a, lab_b):
    client = api_client_for(admin_user)
    assert client.patch(f"/api/labs/{lab_b.id}/", {"parent": lab_a.id}).status_code == 200
    response = client.patch(f"/api/labs/{lab_a.id}/", {"parent": lab_b.id})
    assert response.status_code == 400 and "parent" in response.json()


def test_a_limited_user_does_not_see_the_id_of_a_lab_group_outside_their_labs(
    api_client_for, admin_user, viewer_lab_a, lab_a, lab_b
):
    assert api_client_for(admin_user).patch(f"/api/labs/{lab_a.id}/", {"parent": lab_b.id}).status_code == 200
    body = api_client_for(viewer_lab_a).get(f"/api/labs/{lab_a.id}/").json()
    assert body["parent"] is None
    assert str(lab_b.id) not in str(body.get("parent"))


def test_engagement_countries_functions_and_providers_are_validated(
    api_client_for, procurement_all, engagement_a, engagement_b, vendor_a
):
    client = api_client_for(procurement_all)
    other_lab_function = f.FunctionFactory(lab=engagement_b.lab)
    cases = {
        "data_locations_at_rest": ["XX"],
        "governing_law_country": "Germany",
        "ict_service_type": "S20",
        "functions": [other_lab_function.id],
        "alternative_providers": [engagement_a.vendor_id],
        "notice_period_lab_days": -1,
    }
    for field, value in cases.items():
        response = client.patch(f"/api/engagements/{engagement_a.id}/", {field: value}, format="json")
        assert response.status_code == 400, field
        assert field in response.json(), field


def test_contract_references_are_unique(api_client_for, procurement_all, engagement_a, engagement_b):
    client = api_client_for(procurement_all)
    assert (
        client.patch(f"/api/engagements/{engagement_a.id}/", {"contract_reference": "CTR-1"}).status_code
        == 200
    )
    response = client.patch(f"/api/engagements/{engagement_b.id}/", {"contract_reference": "CTR-1"})
    assert response.status_code == 400 and "contract_reference" in response.json()


def test_a_reported_contract_reference_is_changed_only_by_an_admin(
    api_client_for, procurement_all, admin_user, engagement_a
):
    engagement_a.contract_reference = "CTR-REPORTED"
    engagement_a.reference_reported_on = engagement_a.start_date
    engagement_a.save()
    url = f"/api/engagements/{engagement_a.id}/"
    refused = api_client_for(procurement_all).patch(url, {"contract_reference": "CTR-NEW"})
    assert refused.status_code == 400 and "contract_reference" in refused.json()
    assert api_client_for(procurement_all).patch(url, {"notes": "still editable"}).status_code == 200
    assert api_client_for(admin_user).patch(url, {"contract_reference": "CTR-NEW"}).status_code == 200


def test_the_csv_round_trips_the_register_columns(procurement_all, lab_a, vendor_a, vendor_b):
    function = f.FunctionFactory(lab=lab_a, identifier="F7")
    header = ",".join(csv_import.COLUMNS)
    values = {
        "lab": lab_a.name, "vendor": vendor_a.name, "title": "Register row", "status": "active",
        "criticality": "high", "data_sensitivity": "confidential", "substitutability": "moderate",
        "start_date": "2025-01-01", "contract_reference": "CTR-CSV-1", "arrangement_type": "standalone",
        "ict_service_type": "S19", "functions": "F7", "governing_law_country": "de", "stores_data": "yes",
        "data_locations_at_rest": "DE;FR", "notice_period_lab_days": "30", "alternative_providers": vendor_b.name,
    }  # fmt: skip
    row = ",".join(values.get(c, "") for c in csv_import.COLUMNS)
    result = csv_import.run_import(f"{header}\r\n{row}\r\n", user=procurement_all)
    assert result.ok, result.errors
    engagement = lab_a.engagements.get(contract_reference="CTR-CSV-1")
    assert engagement.functions == [function.id]
    assert engagement.data_locations_at_rest == ["DE", "FR"]
    assert engagement.governing_law_country == "DE"
    assert engagement.alternative_providers == [vendor_b.id]
    cells = dict(
        zip(
            csv_import.EXPORT_COLUMNS,
            csv_import.export_row(engagement, csv_import.export_lookups(procurement_all)),
            strict=True,
        )
    )
    assert cells["functions"] == "F7"
    assert cells["alternative_providers"] == vendor_b.name
    assert cells["stores_data"] == "yes"
    again = csv_import.run_import(f"{header}\r\n{row}\r\n", user=procurement_all)
    assert not again.ok
    assert {e["column"] for e in again.errors} == {"contract_reference"}


def test_a_csv_with_a_bad_register_cell_names_line_and_column(procurement_all, lab_a, vendor_a):
    header = ",".join(csv_import.COLUMNS)
    values = {
        "lab": lab_a.name, "vendor": vendor_a.name, "title": "Bad", "status": "active", "criticality": "high",
        "data_sensitivity": "confidential", "substitutability": "moderate", "start_date": "2025-01-01",
        "functions": "F404", "stores_data": "perhaps", "ict_service_type": "S99",
    }  # fmt: skip
    row = ",".join(values.get(c, "") for c in csv_import.COLUMNS)
    result = csv_import.run_import(f"{header}\r\n{row}\r\n", user=procurement_all)
    assert {(e["line"], e["column"]) for e in result.errors} == {
        (2, "functions"),
        (2, "stores_data"),
        (2, "ict_service_type"),
    }
