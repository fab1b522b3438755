"""The register export (DESIGN.md section 10): package layout, headers from the encoded templates, round trip,
supply-chain ranks, scoping, the 409 and draft, reported references, query counts."""

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from register import templates as t
from register.build import supply_chain
from tests import factories as f
from vendors.models import Engagement, Vendor

from .conftest import LAB_A_LEI, LAB_B_LEI, REFERENCE, VENDOR_LEI

pytestmark = pytest.mark.django_db


def url(lab, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"reference_date": REFERENCE.isoformat(), **params}.items())
    return f"/api/labs/{lab.id}/register-of-information/?{query}"


def unzip(response) -> tuple[str, dict[str, list[list[str]]], dict]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    root = names[0].split("/")[0]
    tables, jsons = {}, {}
    for name in names:
        assert name.startswith(root + "/")
        inner = name[len(root) + 1 :]
        data = archive.read(name).decode()
        if inner.endswith(".csv"):
            tables[inner] = list(csv.reader(io.StringIO(data)))
        else:
            jsons[inner] = json.loads(data)
    return root, tables, jsons


def rows(tables, template_id) -> list[dict]:
    header, *body = tables[f"reports/{t.BY_ID[template_id].file}"]
    return [dict(zip(header, r, strict=True)) for r in body]


def test_the_package_holds_every_file_with_the_encoded_headers(api_client_for, procurement_all, reg, lab_a):
    response = api_client_for(procurement_all).get(url(lab_a))
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    root, tables, jsons = unzip(response)
    assert root.startswith(f"{LAB_A_LEI}.IND_DE_DORA010100_DORA_2025-12-31_")
    assert (
        jsons["META-INF/reportPackage.json"]["documentInfo"]["documentType"]
        == "https://xbrl.org/report-package/2023"
    )
    assert jsons["reports/report.json"]["documentInfo"]["extends"] == [
        "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json"
    ]
    assert dict(tables["reports/parameters.csv"][1:]) == {
        "entityID": f"rs:{LAB_A_LEI}.IND",
        "refPeriod": "2025-12-31",
        "baseCurrency": "iso4217:EUR",
        "decimalsInteger": "0",
        "decimalsMonetary": "-3",
    }
    expected = {f"reports/{tpl.file}" for tpl in t.TEMPLATES} | {
        "reports/parameters.csv",
        "reports/FilingIndicators.csv",
    }
    assert set(tables) == expected
    assert [tpl.file for tpl in t.TEMPLATES] == [
        f"b_{x}.csv" for x in ("01.01", "01.02", "01.03", "02.01", "02.02", "02.03", "03.01", "03.02", "03.03",
                               "04.01", "05.01", "05.02", "06.01", "07.01", "99.01")
    ]  # fmt: skip
    for tpl in t.TEMPLATES:
        assert tables[f"reports/{tpl.file}"][0] == tpl.header
        assert all(h.startswith("c0") and len(h) == 5 for h in tpl.header)
    indicators = dict(tables["reports/FilingIndicators.csv"][1:])
    assert tables["reports/FilingIndicators.csv"][0] == ["templateID", "reported"]
    for tpl in t.TEMPLATES:
        assert indicators[tpl.id] == ("true" if len(tables[f"reports/{tpl.file}"]) > 1 else "false")
    assert indicators["B_01.03"] == "false" and indicators["B_02.02"] == "true"


def test_round_trip_every_arrangement_provider_and_rank(
    api_client_for, procurement_all, reg, lab_a, vendor_a, engagement_a
):
    _, tables, _ = unzip(api_client_for(procurement_all).get(url(lab_a)))
    assert [r["c0010"] for r in rows(tables, "B_02.01")] == ["CTR-A-1"]
    assert rows(tables, "B_02.01")[0]["c0020"] == "eba_CO:x1"
    specific = rows(tables, "B_02.02")
    # two locations at rest × one of processing, one function
    assert sorted((r["c0150"], r["c0160"]) for r in specific) == [
        ("eba_GA:DE", "eba_GA:US"),
        ("eba_GA:US", "eba_GA:US"),
    ]
    assert {r["c0050"] for r in specific} == {"F1"} and {r["c0060"] for r in specific} == {"eba_TA:S19"}
    assert {r["c0030"] for r in specific} == {VENDOR_LEI} and {r["c0040"] for r in specific} == {
        "eba_qCO:qx2000"
    }
    assert specific[0]["c0140"] == "eba_BT:x28" and specific[0]["c0080"] == "9999-12-31"
    providers = {r["c0010"]: r for r in rows(tables, "B_05.01")}
    assert set(providers) == {VENDOR_LEI, "DEHRB1001", "NL0002"}  # no-share dependency is not a subcontractor
    # The official B_05.01 layout (EBA DORA 4.0): additional code c0030/c0040, legal name c0050, person type
    # c0070, headquarters c0080, currency and expense c0090/c0100, ultimate parent c0110/c0120.
    assert providers[VENDOR_LEI]["c0110"] == "9845004D5E6F7G8H9J91"  # the ultimate parent
    assert providers[VENDOR_LEI]["c0120"] == "eba_qCO:qx2000"
    assert providers["NL0002"]["c0110"] == "NL0002"  # its own ultimate parent: its own code
    assert providers[VENDOR_LEI]["c0100"] == "1000.00" and providers[VENDOR_LEI]["c0090"] == "eba_CU:USD"
    assert providers[VENDOR_LEI]["c0070"] == "eba_CT:x212" and providers[VENDOR_LEI]["c0080"] == "eba_GA:US"
    # Code types are members of the EBA list: EUID qx2002, CRN qx2003 (no "<country>_<TYPE>" text).
    assert (
        providers["DEHRB1001"]["c0020"] == "eba_qCO:qx2002"
        and providers["NL0002"]["c0020"] == "eba_qCO:qx2003"
    )
    chain = sorted((r["c0030"], r["c0050"], r["c0060"]) for r in rows(tables, "B_05.02"))
    assert chain == sorted(
        [("DEHRB1001", "2", VENDOR_LEI), ("NL0002", "3", "DEHRB1001"), (VENDOR_LEI, "1", "")]
    )
    functions = rows(tables, "B_06.01")
    assert [(r["c0010"], r["c0040"], r["c0050"]) for r in functions] == [("F1", LAB_A_LEI, "eba_BT:x28")]
    assessment = rows(tables, "B_07.01")[0]
    assert assessment["c0050"] == "eba_ZZ:x960" and assessment["c0080"] == "eba_BT:x28"
    for tid in ("B_03.01", "B_03.02", "B_04.01", "B_07.01"):
        assert {r["c0010"] for r in rows(tables, tid)} == {"CTR-A-1"}


def test_a_lab_limited_user_exports_nothing_of_another_lab(api_client_for, viewer_lab_a, reg, lab_a, lab_b):
    response = api_client_for(viewer_lab_a).get(url(lab_a, draft="true"))
    assert response.status_code == 200
    blob = zipfile.ZipFile(io.BytesIO(response.content))
    text = "".join(blob.read(n).decode() for n in blob.namelist())
    for secret in (LAB_B_LEI, "CTR-B-1", lab_b.name, "FR999", "Evaluation"):
        assert secret not in text
    assert api_client_for(viewer_lab_a).get(url(lab_b, draft="true")).status_code == 404
    assert (
        api_client_for(viewer_lab_a).get(f"/api/labs/{lab_b.id}/register-of-information/lint/").status_code
        == 404
    )


def test_a_group_export_is_consolidated_only_when_the_caller_sees_the_whole_group(
    api_client_for, admin_user, viewer_lab_a, reg, lab_a, lab_b
):
    lab_b.parent = lab_a
    lab_b.save()
    _, tables, _ = unzip(api_client_for(admin_user).get(url(lab_a)))
    assert dict(tables["reports/parameters.csv"][1:])["entityID"] == f"rs:{LAB_A_LEI}.CON"
    assert {r["c0010"] for r in rows(tables, "B_02.01")} == {"CTR-A-1", "CTR-B-1"}
    assert {r["c0010"]: r["c0060"] for r in rows(tables, "B_01.02")}[LAB_B_LEI] == LAB_A_LEI
    _, tables, _ = unzip(api_client_for(viewer_lab_a).get(url(lab_a, draft="true")))
    assert dict(tables["reports/parameters.csv"][1:])["entityID"] == f"rs:{LAB_A_LEI}.IND"
    assert {r["c0010"] for r in rows(tables, "B_02.01")} == {"CTR-A-1"}


def test_a_blocking_finding_refuses_the_final_export_with_409_but_not_a_draft(
    api_client_for, procurement_all, reg, lab_a, engagement_a
):
    engagement_a.contract_reference = ""
    engagement_a.save()
    client = api_client_for(procurement_all)
    refused = client.get(url(lab_a))
    assert refused.status_code == 409
    body = refused.json()
    assert body["ready"] is False
    assert any(x["rule"] == "empty_primary_key" and x["template"] == "B_02.01" for x in body["findings"])
    assert client.get(url(lab_a, draft="true")).status_code == 200


def test_a_final_export_marks_references_reported_and_a_draft_does_not(
    api_client_for, procurement_all, viewer_lab_a, reg, lab_a, engagement_a
):
    client = api_client_for(procurement_all)
    assert client.get(url(lab_a, draft="true")).status_code == 200
    engagement_a.refresh_from_db()
    assert engagement_a.reference_reported_on is None
    assert api_client_for(viewer_lab_a).get(url(lab_a)).status_code == 403  # filing is procurement's
    assert client.get(url(lab_a)).status_code == 200
    engagement_a.refresh_from_db()
    assert engagement_a.reference_reported_on is not None


@pytest.mark.parametrize(
    "params,field", [({"reference_date": "2025-13-45"}, "reference_date"), ({"draft": "maybe"}, "draft")]
)
def test_bad_parameters_are_400_naming_them(api_client_for, procurement_all, reg, lab_a, params, field):
    response = api_client_for(procurement_all).get(url(lab_a, **params))
    assert response.status_code == 400 and field in response.json()


def test_the_workbook_has_a_sheet_per_template(api_client_for, viewer_lab_a, reg, lab_a):
    response = api_client_for(viewer_lab_a).get(
        f"/api/labs/{lab_a.id}/register-of-information/workbook/?reference_date=2025-12-31"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [tpl.id for tpl in t.TEMPLATES]
    sheet = book["B_02.01"]
    assert [c.value for c in sheet[2]] == t.BY_ID["B_02.01"].header
    assert sheet["A3"].value == "CTR-A-1"


def test_the_workbook_takes_control_characters_in_names(api_client_for, viewer_lab_a, reg, lab_a, vendor_a):
    """openpyxl refuses control characters in a cell (schemathesis found the 500): they are replaced."""
    Vendor.objects.filter(pk=vendor_a.pk).update(name="Bell\x07 vendor", legal_name="Bell\x07 vendor")
    response = api_client_for(viewer_lab_a).get(
        f"/api/labs/{lab_a.id}/register-of-information/workbook/?reference_date=2025-12-31"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    values = [cell.value for row in book["B_05.01"].iter_rows() for cell in row]
    assert "Bell\ufffd vendor" in values


def test_the_query_count_does_not_grow_with_the_register(api_client_for, admin_user, reg, lab_a, vendor_a):
    client = api_client_for(admin_user)
    lint = f"/api/labs/{lab_a.id}/register-of-information/lint/?reference_date=2025-12-31"
    with CaptureQueriesContext(connection) as small:
        assert client.get(lint).status_code == 200
    for n in range(6):
        fn = f.FunctionFactory(lab=lab_a, identifier=f"FX{n}")
        v = f.VendorFactory(identifier=f"ID{n}", identifier_type="vat", country="DE")
        f.VendorDependencyFactory(vendor=vendor_a, depends_on=v)
        f.EngagementFactory(lab=lab_a, vendor=v, contract_reference=f"CTR-X-{n}", functions=[fn.id])
    with CaptureQueriesContext(connection) as big:
        assert client.get(lint).status_code == 200
    assert len(big) == len(small) == 9  # + every lab's (id, parent, LEI): intra-group providers


def test_supply_chain_ranks_take_the_shortest_chain_and_the_lowest_recipient():
    edges = {1: [3, 2], 2: [4], 3: [4], 4: [1, 5]}
    assert supply_chain(1, edges) == [(2, 2, 1), (3, 2, 1), (4, 3, 2), (5, 4, 4)]


def test_the_pages_show_findings_and_never_another_lab(
    client_for, viewer_lab_a, reg, lab_a, lab_b, engagement_a
):
    Engagement.objects.filter(pk=engagement_a.pk).update(contract_reference="")
    client = client_for(viewer_lab_a)
    page = client.get(f"/register/?lab={lab_b.id}&reference_date=2025-12-31").content.decode()
    assert lab_b.name not in page and "CTR-B-1" not in page
    assert (
        lab_a.name in page and "empty_primary_key" in page and f"/engagements/{engagement_a.id}/edit/" in page
    )
    bad = client.get("/register/?reference_date=31/12/2025")
    assert bad.status_code == 200 and "is not a date" in bad.content.decode()
    functions = client.get("/register/functions/").content.decode()
    assert "Model training" in functions and "Evaluation" not in functions
    critical = client.get("/register/critical-providers/").content.decode()
    assert "over threshold" in critical and lab_b.name not in critical


def test_the_management_command_writes_the_package(reg, lab_a, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "export_register",
        lab_a.name,
        "--reference-date",
        "2025-12-31",
        "--xlsx",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    written = sorted(p.name for p in tmp_path.iterdir())
    assert any(
        n.startswith(f"{LAB_A_LEI}.IND_DE_DORA010100_DORA_2025-12-31_") and n.endswith(".zip")
        for n in written
    )
    assert any(n.endswith(".xlsx") for n in written)


@pytest.mark.parametrize(
    ("suffix", "param"),
    [
        ("?reference_date=", "reference_date"),  # blank is not "absent" (schemathesis found it accepted)
        ("?reference_date=20251231", "reference_date"),  # basic ISO form: the schema says YYYY-MM-DD
        ("?reference_date=2300-01-01", "reference_date"),  # past the 1900-2200 bound
        ("?reference_date=2025-12-31&draft=", "draft"),
        ("?reference_date=2025-12-31&draft=maybe", "draft"),
    ],
)
@pytest.mark.parametrize("tail", ["", "lint/", "workbook/"])
def test_bad_reference_date_or_draft_is_a_400_naming_it(
    api_client_for, viewer_lab_a, lab_a, suffix, param, tail
):
    if tail and param == "draft":
        return  # only the package takes `draft`
    response = api_client_for(viewer_lab_a).get(
        f"/api/labs/{lab_a.id}/register-of-information/{tail}{suffix}"
    )
    assert response.status_code == 400, response.content
    assert param in response.json()


def test_a_bad_page_size_on_the_critical_providers_is_a_documented_400(api_client_for, viewer_lab_a):
    response = api_client_for(viewer_lab_a).get("/api/risk/critical-providers/?page_size=abc")
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_b_99_01_is_one_row_of_nineteen_definition_columns(api_client_for, viewer_lab_a, reg, lab_a):
    """The official layout: one row, one free-text column per closed-list option (c0010 … c0190); the
    lab defines the data-sensitiveness options it reports (Low c0040, Medium c0050, High c0060)."""
    assert t.BY_ID["B_99.01"].header == [f"c{n:04d}" for n in range(10, 200, 10)]
    _, tables, _ = unzip(api_client_for(viewer_lab_a).get(url(lab_a, draft="true")))
    [row] = rows(tables, "B_99.01")
    assert row["c0040"].endswith("public or internal.") and row["c0060"].endswith("restricted.")
    assert {k for k, v in row.items() if v} == {"c0040", "c0050", "c0060"}


def test_every_code_type_is_a_member_of_the_eba_list():
    from register.closed_lists import identifier_type_code

    assert [identifier_type_code(x) for x in ("lei", "other", "euid", "crn", "vat", "")] == [
        "eba_qCO:qx2000", "eba_qCO:qx2001", "eba_qCO:qx2002", "eba_qCO:qx2003", "eba_qCO:qx2004", "",
    ]  # fmt: skip
    b0101 = t.BY_ID["B_01.01"].column("c0040").closed
    assert "eba_CT:x317" not in b0101 and "eba_CT:x317" in t.BY_ID["B_01.02"].column("c0040").closed
