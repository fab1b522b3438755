"""CSV bulk import of engagements: the parser's row report, all-or-nothing writes, the web flow
(upload → preview → import), the API action for scripts, the template and formula-safe export."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.base import row_counts
from vendors import csv_import
from vendors.models import Engagement, ScoreMark

from .test_pages import body

HEADER = ",".join(csv_import.COLUMNS)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def good_row(lab="Lab A", vendor="Meridian Data", title="Imported labeling", **overrides) -> str:
    values = {
        "lab": lab, "vendor": vendor, "title": title, "status": "active", "criticality": "high",
        "data_sensitivity": "confidential", "substitutability": "moderate",
        "data_categories": "training_data;evaluation_benchmarks", "annual_value": "120000.50", "currency": "usd",
        "start_date": "2025-02-01", "end_date": "", "data_disposed_on": "", "notes": "",
    }  # fmt: skip
    values.update(overrides)
    out = io.StringIO()
    csv.writer(out).writerow([values.get(c, "") for c in csv_import.COLUMNS])
    return out.getvalue().removesuffix("\r\n")


# --- the parser --------------------------------------------------------------------------------------


def test_a_valid_file_parses_every_row_into_engagement_fields(world, procurement_lab_a):
    result = csv_import.parse(
        csv_text(good_row(), good_row(title="Second", vendor=str(world.pi.id))), user=procurement_lab_a
    )
    assert result.ok and result.read == 2
    first, second = result.rows
    assert first.line == 2 and second.line == 3
    assert first.data["lab_id"] == world.lab_a.id and first.data["vendor_id"] == world.meridian.id
    assert first.data["data_categories"] == ["training_data", "evaluation_benchmarks"]
    assert str(first.data["annual_value"]) == "120000.50" and first.data["currency"] == "USD"
    assert second.data["vendor_id"] == world.pi.id  # a vendor may be named by id


def test_every_bad_row_is_reported_with_its_line_column_and_reason(world, procurement_lab_a):
    text = csv_text(
        good_row(),
        good_row(criticality="extreme"),
        good_row(start_date="01/02/2025", lab="Lab Nowhere"),
        good_row(status="ended"),
        good_row(data_categories="training_data;gossip"),
    )
    result = csv_import.parse(text, user=procurement_lab_a)
    errors = {(e["line"], e["column"]) for e in result.errors}
    assert errors == {
        (3, "criticality"), (4, "start_date"), (4, "lab"), (5, "end_date"), (6, "data_categories"),
    }  # fmt: skip
    reasons = {(e["line"], e["column"]): e["reason"] for e in result.errors}
    assert reasons[(3, "criticality")] == "“extreme” is not one of low, medium, high, critical."
    assert reasons[(4, "lab")] == "Unknown lab “Lab Nowhere”."
    assert reasons[(5, "end_date")] == "An ended engagement needs an end date."  # the model's own rule


def test_another_labs_name_reads_exactly_like_an_unknown_lab(world, procurement_lab_a):
    result = csv_import.parse(
        csv_text(good_row(lab="Lab B"), good_row(lab="Lab Zzz")), user=procurement_lab_a
    )
    reasons = [e["reason"] for e in result.errors]
    assert reasons == ["Unknown lab “Lab B”.", "Unknown lab “Lab Zzz”."]
    result = csv_import.parse(csv_text(good_row(lab=str(world.lab_b.id))), user=procurement_lab_a)
    assert result.errors[0]["reason"] == f"Unknown lab “{world.lab_b.id}”."


def test_lines_count_quoted_line_breaks_and_skip_blank_lines(world, procurement_lab_a):
    text = csv_text(good_row(notes="two\nlines"), "", good_row(criticality="huge"))
    result = csv_import.parse(text, user=procurement_lab_a)
    assert result.read == 2
    assert [(e["line"], e["column"]) for e in result.errors] == [(5, "criticality")]


@pytest.mark.parametrize(
    ("content", "line", "column", "reason_start"),
    [
        (b"", 1, None, "The file is empty"),
        (HEADER.encode() + b"\r\n", 2, None, "The file has a header but no rows"),
        (b"lab,vendor,title\r\n", 1, "status", "This required column is missing"),
        ((HEADER + ",colour\r\n").encode(), 1, "colour", "Unknown column"),
        (HEADER.encode() + b"\r\n" + b"Lab A,\xff\xfe\r\n", 2, None, "The file is not UTF-8"),
        (HEADER.encode() + b"\r\nLab A,\x00\r\n", 2, None, "The file contains a NUL byte"),
        (
            (HEADER + "\r\n" + good_row() + ",extra\r\n").encode(),
            2,
            None,
            f"This row has {len(csv_import.COLUMNS) + 1} cells",
        ),
    ],
    ids=["empty", "no-rows", "missing-column", "unknown-column", "not-utf8", "nul", "extra-cell"],
)
def test_unreadable_files_are_reported_not_raised(
    world, procurement_lab_a, content, line, column, reason_start
):
    result = csv_import.parse(content, user=procurement_lab_a)
    assert not result.ok
    first = result.errors[0]
    assert (first["line"], first["column"]) == (line, column)
    assert first["reason"].startswith(reason_start), first["reason"]


def test_a_bom_and_label_spellings_are_accepted(world, procurement_lab_a):
    text = "\ufeff" + csv_text(
        good_row(criticality="Critical", data_sensitivity="RESTRICTED", substitutability="None")
    )
    result = csv_import.parse(text.encode("utf-8"), user=procurement_lab_a)
    assert result.ok, result.errors
    assert result.rows[0].data["criticality"] == "critical"
    assert result.rows[0].data["substitutability"] == "none"


def test_importing_creates_all_rows_in_one_go_and_marks_scores(world, procurement_lab_a):
    marks = ScoreMark.objects.count()
    result = csv_import.run_import(csv_text(good_row(), good_row(title="Two")), user=procurement_lab_a)
    assert result.created == 2
    created = Engagement.objects.filter(title__in=["Imported labeling", "Two"])
    assert created.count() == 2 and {e.lab_id for e in created} == {world.lab_a.id}
    assert ScoreMark.objects.count() > marks  # the vendor and lab go stale until the drain


def test_one_bad_row_imports_nothing(world, procurement_lab_a):
    before = row_counts()
    result = csv_import.run_import(csv_text(good_row(), good_row(criticality="?")), user=procurement_lab_a)
    assert result.created == 0 and result.error_count == 1
    assert row_counts() == before


def test_a_dry_run_checks_everything_and_writes_nothing(world, procurement_lab_a):
    before = row_counts()
    result = csv_import.run_import(csv_text(good_row()), user=procurement_lab_a, dry_run=True)
    assert result.ok and result.created == 0 and result.as_dict()["valid"] == 1
    assert row_counts() == before


@pytest.mark.parametrize("cell", ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"])
def test_export_cells_that_could_be_formulas_are_escaped(cell):
    assert csv_import.escape_formula(cell) == "'" + cell
    assert csv_import.unescape_formula("'" + cell) == cell


def test_escaped_text_round_trips_through_the_import(world, procurement_lab_a):
    result = csv_import.parse(csv_text(good_row(title="'=not a formula")), user=procurement_lab_a)
    assert result.rows[0].data["title"] == "=not a formula"


# --- the web flow ------------------------------------------------------------------------------------


def upload(client, text: str, name="engagements.csv"):
    return client.post("/engagements/import/", {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_upload_previews_rows_then_confirm_imports_them(world, procurement_lab_a, client_for):
    client = client_for(procurement_lab_a)
    before = Engagement.objects.count()
    response = upload(client, csv_text(good_row(), good_row(title="Another")))
    html = body(response)
    assert response.status_code == 200
    assert "2 rows read, all valid. Nothing has been saved yet." in html
    assert "Import 2 engagements" in html
    assert Engagement.objects.count() == before
    digest = response.context["digest"]
    response = client.post("/engagements/import/", {"confirm": digest}, follow=True)
    assert response.redirect_chain[-1][0] == "/engagements/"
    assert "Imported 2 engagements from engagements.csv" in body(response)
    assert Engagement.objects.count() == before + 2
    # The preview is used up: confirming again imports nothing more.
    response = client.post("/engagements/import/", {"confirm": digest}, follow=True)
    assert "That preview has expired" in body(response)
    assert Engagement.objects.count() == before + 2


def test_a_file_with_a_bad_row_shows_that_row_and_offers_no_import(world, procurement_lab_a, client_for):
    before = row_counts()
    response = upload(client_for(procurement_lab_a), csv_text(good_row(), good_row(start_date="soon")))
    html = body(response)
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert (
        '<td class="n">3</td><td>start_date</td><td>“soon” is not a date; write it as YYYY-MM-DD.</td>'
        in html
    )
    assert 'name="confirm"' not in html
    assert row_counts() == before


def test_only_procurement_and_admin_may_import(world, viewer_lab_a, security_lab_a, client_for):
    for user in (viewer_lab_a, security_lab_a):
        assert upload(client_for(user), csv_text(good_row())).status_code == 403


def test_the_template_is_the_header_row(world, viewer_lab_a, client_for):
    response = client_for(viewer_lab_a).get("/engagements/import/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="engagements-template.csv"'
    assert body(response) == HEADER + "\r\n"


def test_the_export_follows_the_list_filters_and_escapes_formulas(world, procurement_lab_a, client_for):
    from tests.factories import EngagementFactory

    EngagementFactory(lab=world.lab_a, vendor=world.pi, title="=cmd|' /C calc'!A0", notes="@risk")
    response = client_for(procurement_lab_a).get("/engagements/export.csv", {"vendor": world.pi.id})
    rows = list(csv.reader(io.StringIO(body(response).lstrip("\ufeff"))))
    assert rows[0] == list(csv_import.EXPORT_COLUMNS)
    assert len(rows) == 2
    exported = dict(zip(rows[0], rows[1], strict=True))
    assert exported["title"] == "'=cmd|' /C calc'!A0"
    assert exported["notes"] == "'@risk"
    assert exported["lab"] == "Lab A" and exported["vendor"] == "Platform Pi"


# --- the API action ----------------------------------------------------------------------------------


def test_api_import_takes_a_raw_csv_body(world, procurement_lab_a_api):
    response = procurement_lab_a_api.generic(
        "POST", "/api/engagements/import/", csv_text(good_row()), content_type="text/csv"
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "read": 1,
        "created": 1,
        "valid": 1,
        "errors": [],
        "error_count": 0,
        "dry_run": False,
    }
    assert Engagement.objects.filter(title="Imported labeling", lab=world.lab_a).exists()


def test_api_import_takes_a_multipart_file_and_a_dry_run(world, procurement_lab_a_api):
    before = Engagement.objects.count()
    upload_file = SimpleUploadedFile("e.csv", csv_text(good_row()).encode(), "text/csv")
    response = procurement_lab_a_api.post(
        "/api/engagements/import/?dry_run=true", {"file": upload_file}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True and response.json()["created"] == 0
    assert Engagement.objects.count() == before


def test_api_import_answers_400_with_the_row_report_and_writes_nothing(world, procurement_lab_a_api):
    before = row_counts()
    response = procurement_lab_a_api.generic(
        "POST",
        "/api/engagements/import/",
        csv_text(good_row(), good_row(lab="Lab B")),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 3, "column": "lab", "reason": "Unknown lab “Lab B”."}]
    assert response.json()["created"] == 0
    assert row_counts() == before


@pytest.mark.parametrize(
    ("query", "data", "field"),
    [("?dry_run=maybe", None, "dry_run"), ("", {}, "file")],
    ids=["bad-dry-run", "no-file"],
)
def test_api_import_rejects_bad_requests_with_400(world, procurement_lab_a_api, query, data, field):
    if data is None:
        response = procurement_lab_a_api.generic(
            "POST", f"/api/engagements/import/{query}", "x", content_type="text/csv"
        )
    else:
        response = procurement_lab_a_api.post(f"/api/engagements/import/{query}", data, format="multipart")
    assert response.status_code == 400
    report = response.json()
    assert report["created"] == 0 and [e["column"] for e in report["errors"]] == [field]


def test_api_import_is_for_procurement_and_admin(world, api_client_for, role_users, api_client):
    statuses = {}
    for role, user in role_users.items():
        response = api_client_for(user).generic(
            "POST", "/api/engagements/import/?dry_run=true", csv_text(good_row()), content_type="text/csv"
        )
        statuses[role] = response.status_code
    assert statuses == {"viewer": 403, "procurement": 200, "security": 403, "admin": 200}
    assert (
        api_client.generic("POST", "/api/engagements/import/", "", content_type="text/csv").status_code == 401
    )


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02",
        b'lab,vendor\r\n"unclosed',
        (HEADER + "\r\n" + "x" * 200_000 + "\r\n").encode(),
        (",".join(f"c{i}" for i in range(5000)) + "\r\n").encode(),
        (
            HEADER
            + "\r\n"
            + good_row(annual_value="1e999999", title="t" * 500, start_date="2025-02-30")
            + "\r\n"
        ).encode(),
        (HEADER + "\r\n" + good_row(annual_value="NaN", currency="€€€") + "\r\n").encode(),
        "\ufeff\ufeff".encode() + HEADER.encode(),
    ],
    ids=["binary", "unclosed-quote", "huge-cell", "many-columns", "out-of-range", "nan", "double-bom"],
)
def test_hostile_files_get_a_row_report_never_a_500(world, procurement_lab_a_api, content):
    response = procurement_lab_a_api.generic(
        "POST", "/api/engagements/import/", content, content_type="text/csv"
    )
    assert response.status_code == 400, response.content
    report = response.json()
    assert report["created"] == 0 and report["errors"]
    assert all(set(e) == {"line", "column", "reason"} for e in report["errors"])
