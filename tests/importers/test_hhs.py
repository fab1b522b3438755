"""import_hhs on the real HHS OCR files (tests/data/hhs): the 2014 file naming business associates, and
the modern portal export imported twice (May then December 2024) to update incidents in place."""

import csv
import datetime as dt
import io
import json
from collections import Counter

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from incidents.importers.hhs_rows import size_rating
from incidents.importers.names import clean_name, name_key
from incidents.models import Incident
from vendors.models import Engagement, Lab, ScoreMark, Vendor
from vendors.services import lab_create

from .conftest import DATA, stored_counts

HHS = DATA / "hhs"
BA_FILE = HHS / "ecdat_breaches_2014-06-27_with_BA_names.csv"
MAY = HHS / "ocr_under_investigation_export_2024-05-08.csv"
DECEMBER = HHS / "ocr_under_investigation_2024-12-08_modified.csv"
EXPECTED = json.loads((HHS / "expected_counts.json").read_text())

# 271 rows name a business associate; one of them names it "Not Applicable" and is skipped.
BA_ROWS = 270
# 231 raw BA names → 229 after trimming/case → 210 keys (names.name_key: punctuation, "&"/"and", legal
# suffixes, d/b/a and c/o aliases and spaces ignored), less "Not Applicable": 209 vendors. The README's
# "simple normalisation" (219) only lower-cases and strips punctuation, so it keeps e.g. "MedAssets" /
# "Med Assets" and the four "T&P Consulting ... d/b/a Quantum" spellings apart.
BA_VENDORS = 209
# 254 covered-entity names → 250 keys, of which 249 have a real BA row.
BA_LABS = 249


def read_rows(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_2014_file_creates_labs_vendors_ended_engagements_and_closed_incidents(run_command):
    rows = read_rows(BA_FILE)
    named = [r for r in rows if r["Business_Associate_Involved"].strip()]
    assert len(named) == EXPECTED["ecdat_breaches_2014-06-27_with_BA_names.csv"]["rows_with_BA_name"] == 271
    assert len({name_key(r["Business_Associate_Involved"]) for r in named}) == BA_VENDORS + 1

    report = run_command("import_hhs", BA_FILE).report

    assert report["read"] == 1055
    assert report["created"] == BA_ROWS
    assert report["skipped"] == 1055 - BA_ROWS
    assert report["skip_reasons"] == {
        "no business associate named": 784,
        "business associate given as 'Not Applicable' or similar": 1,
    }
    assert (report["vendors_created"], report["labs_created"], report["engagements_created"]) == (
        BA_VENDORS,
        BA_LABS,
        BA_ROWS,
    )
    assert Vendor.objects.count() == BA_VENDORS
    assert Lab.objects.count() == BA_LABS
    assert Engagement.objects.count() == Incident.objects.count() == BA_ROWS
    assert not Vendor.objects.filter(name__iexact="not applicable").exists()

    # Every engagement: ended, not disposed, restricted personal data, moderate substitutability.
    assert Engagement.objects.exclude(status="ended").count() == 0
    assert Engagement.objects.filter(data_disposed_on__isnull=False).count() == 0
    assert Engagement.objects.filter(end_date__isnull=True).count() == 0
    assert set(Engagement.objects.values_list("data_sensitivity", "substitutability")) == {
        ("restricted", "moderate")
    }
    assert all(
        cats == ["personal_data"] for cats in Engagement.objects.values_list("data_categories", flat=True)
    )
    assert Incident.objects.exclude(status="closed").count() == 0
    assert Incident.objects.filter(resolved_at__gt=dt.datetime.now(dt.UTC)).count() == 0

    # Name variants are one vendor: "MedAssets" ×6 and "Med Assets" ×1.
    medassets = Vendor.objects.get(name="MedAssets")
    assert medassets.incidents.count() == medassets.engagements.count() == 7
    assert Vendor.objects.get(name="Advanced Data Processing, Inc.").engagements.count() == 7
    assert Vendor.objects.filter(name="Xand Corporation").exists()  # padded " Xand Corporation"

    # One row in full: Universal American's 83,000 individuals via Democracy Data & Communications.
    engagement = Engagement.objects.get(lab__name="Universal American")
    assert engagement.vendor.name == "Democracy Data & Communications, LLC"  # the dangling "(" dropped
    assert engagement.title == "Democracy Data & Communications, LLC services for Universal American"
    assert engagement.criticality == "high"
    assert engagement.start_date == engagement.end_date == dt.date(2009, 11, 12)
    incident = engagement.vendor.incidents.get()
    assert incident.source == "hhs"
    # The incident is read by every lab: it names the vendor only; the covered entity (a lab) is
    # named on that lab's engagement alone (issue 9, finding 6).
    assert incident.title == "Other at Democracy Data & Communications, LLC reported 2009-11-12 (HHS OCR)"
    assert "Universal American" not in incident.description
    assert "universal" not in incident.external_id.casefold()
    assert "Universal American" in engagement.notes
    lab_names = list(Lab.objects.values_list("name", flat=True))
    leaks = [
        (i.pk, name)
        for i in Incident.objects.select_related("vendor")
        for name in lab_names
        if name.casefold() in f"{i.title} {i.description} {i.external_id}".casefold()
        and name.casefold() not in i.vendor.name.casefold()  # a vendor named like a client, in the data
    ]
    assert leaks == []
    assert incident.severity == "high"
    assert incident.records_affected == 83000
    assert incident.occurred_at == incident.resolved_at == dt.datetime(2009, 11, 12, tzinfo=dt.UTC)
    assert incident.data_exposure == "confirmed"

    # A breach over a period: the engagement spans it; the incident is dated at its start.
    ranged = Engagement.objects.get(vendor__name="Mid Continent Credit Services, Inc.")
    assert (ranged.start_date, ranged.end_date) == (dt.date(2011, 9, 20), dt.date(2011, 10, 28))

    # Written as the services would: an audit entry per row and dirty marks for every new row.
    for model, count in ((Vendor, BA_VENDORS), (Lab, BA_LABS), (Engagement, BA_ROWS), (Incident, BA_ROWS)):
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
        assert entries.filter(action=LogEntry.Action.CREATE).count() == count
    marked_labs = set(ScoreMark.objects.filter(kind="lab").values_list("object_id", flat=True))
    marked_vendors = set(ScoreMark.objects.filter(kind="vendor").values_list("object_id", flat=True))
    assert marked_labs == set(Lab.objects.values_list("id", flat=True))
    assert marked_vendors == set(Vendor.objects.values_list("id", flat=True))
    engagement_marks = ScoreMark.objects.filter(cause__contains="engagements created", kind="lab")
    assert set(engagement_marks.values_list("cause_lab_id", flat=True)) == marked_labs
    assert Incident.objects.filter(updates__status_to="closed").count() == BA_ROWS

    before = stored_counts()
    again = run_command("import_hhs", BA_FILE).report
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, BA_ROWS)
    assert stored_counts() == before


def test_existing_lab_is_matched_by_name(run_command, tmp_path):
    lab = lab_create(actor=None, name="universal american", regimes=["hipaa"])
    rows = [r for r in read_rows(BA_FILE) if r["Name_of_Covered_Entity"] == "Universal American"]
    path = tmp_path / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    run_command("import_hhs", path)

    assert Lab.objects.count() == 1
    assert lab.engagements.get().vendor.name == "Democracy Data & Communications, LLC"


def small_2014_file(tmp_path, *, bad_row: int | None = None, bom: bool = False):
    """The header and the first 40 records of the 2014 file (some span several lines), rewritten with
    csv.writer; `bad_row` gets an impossible breach_start. Returns (path, first line of each record)."""
    rows = read_rows(BA_FILE)[:40]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    starts = []
    for index, row in enumerate(rows):
        starts.append(out.getvalue().count("\n") + 1)
        if index == bad_row:
            row = {**row, "breach_start": "2012-02-30"}
        writer.writerow(row)
    path = tmp_path / "breaches.csv"
    path.write_text(("\ufeff" if bom else "") + out.getvalue(), encoding="utf-8")
    return path, starts, rows


# Record 32 of the 2014 file names a business associate (Health Behavior Innovations), after records
# with quoted newlines.
BAD = 32


def test_bad_date_fails_the_import_naming_the_physical_line(run_command, tmp_path):
    path, starts, rows = small_2014_file(tmp_path, bad_row=BAD)
    assert rows[BAD]["Business_Associate_Involved"]  # a row that would be imported
    assert starts[BAD] > BAD + 2  # the physical line is not the record number
    before = stored_counts()

    result = run_command("import_hhs", path, fails=True)

    assert result.report["errors"] == [
        {"line": starts[BAD], "reason": "breach_start '2012-02-30' is not a date (MM/DD/YYYY or YYYY-MM-DD)"}
    ]
    assert f"line {starts[BAD]}" in str(result.error)
    assert stored_counts() == before


def test_skip_invalid_and_dry_run_on_a_small_file(run_command, tmp_path):
    path, starts, rows = small_2014_file(tmp_path, bad_row=BAD)
    with_ba = sum(1 for r in rows if r["Business_Associate_Involved"].strip())
    before = stored_counts()

    dry = run_command("import_hhs", path, "--skip-invalid", "--dry-run").report
    assert dry["created"] == with_ba - 1
    assert stored_counts() == before

    report = run_command("import_hhs", path, "--skip-invalid").report
    assert report["created"] == Incident.objects.count() == with_ba - 1
    assert [e["line"] for e in report["errors"]] == [starts[BAD]]


def test_bom_and_padded_names(run_command, tmp_path):
    path, _, rows = small_2014_file(tmp_path, bom=True)

    report = run_command("import_hhs", path).report

    assert report["errors"] == []
    assert report["created"] == sum(1 for r in rows if r["Business_Associate_Involved"].strip())
    for name in Vendor.objects.values_list("name", flat=True):
        assert name == " ".join(name.split())


def test_modern_export_then_a_later_one_updates_in_place(run_command):
    may_rows, december_rows = read_rows(MAY), read_rows(DECEMBER)

    may = run_command("import_hhs", MAY).report
    assert may["read"] == 907
    assert may["created"] == may["new"] == 907
    assert may["gone"] == may["changed"] == 0
    assert Incident.objects.filter(status="investigating", source="hhs").count() == 907
    # Five (entity, date) keys repeat in May: Philips Respironics files three breaches on 2024-04-16.
    philips = Incident.objects.filter(
        external_id__startswith="ocr|2024-04-16|", vendor__name="Philips Respironics"
    )
    assert sorted(philips.values_list("records_affected", flat=True)) == [1338, 5576, 7539]

    again = run_command("import_hhs", MAY).report
    assert (again["created"], again["updated"], again["unchanged"], again["gone"]) == (0, 0, 907, 0)

    before = stored_counts()
    dry = run_command("import_hhs", DECEMBER, "--dry-run").report
    assert (dry["new"], dry["changed"], dry["gone"]) == (358, 23, 412)
    assert stored_counts() == before

    december = run_command("import_hhs", DECEMBER).report

    assert december["read"] == 853
    assert december["new"] == december["created"] == 358
    assert december["changed"] == december["updated"] == 23
    assert december["unchanged"] == 853 - 358 - 23
    assert december["gone"] == 412
    assert Incident.objects.count() == 907 + 358  # gone incidents are kept, not deleted

    # The README's counts are over distinct (lower-cased name, date) keys; ours are over rows.
    def keys(rows):
        return Counter(
            (clean_name(r["Name of Covered Entity"]).lower(), parse(r["Breach Submission Date"]))
            for r in rows
        )

    may_keys, december_keys = keys(may_rows), keys(december_rows)
    counts = EXPECTED["ocr_under_investigation_2024-12-08_modified.csv"]
    assert (
        len(may_keys.keys() & december_keys.keys())
        == counts["overlap_with_2024_05_08_on_lower_name_and_date"]
    )
    assert len(may_keys.keys() - december_keys.keys()) == counts["only_in_2024_05_08"] == 407
    assert len(december_keys.keys() - may_keys.keys()) == counts["only_in_2024_12_08"] == 358
    # Rows: 407 keys gone, but three of them had 2-3 rows (Philips ×3, CorrectCare ×2, Pan-American ×2)
    # and Sharp Health Plan kept one of its two 2024-01-08 rows: 407 + 2 + 1 + 1 + 1 = 412 incidents.
    assert sum(max(0, may_keys[k] - december_keys[k]) for k in may_keys) == 412
    assert sum(max(0, december_keys[k] - may_keys[k]) for k in december_keys) == 358
    # Changed: the README's 22 revised "Individuals Affected" plus HCA's revised location (the README's
    # second location change is Lamont Hanley, whose count changed too).
    assert counts["overlap_rows_with_changed_individuals_affected"] == 22

    # Sharp Health Plan: the December row is matched to the May row with the same content (9,255,
    # hacking), not to the first one of that day, which is the one gone.
    sharp = Incident.objects.filter(vendor__name="Sharp Health Plan").order_by("external_id")
    assert [(i.records_affected, i.title.split(" (")[0]) for i in sharp] == [
        (8200, "Unauthorized Access/Disclosure"),
        (9255, "Hacking/IT Incident"),
    ]
    hca = Incident.objects.get(vendor__name="HCA Healthcare")
    assert hca.title == "Hacking/IT Incident (Network Server) at HCA Healthcare"
    fred = Incident.objects.get(
        vendor__name="Fred Hutchinson Cancer Center", external_id__contains="2023-12-22"
    )
    assert (fred.records_affected, fred.severity) == (1_840_927, "critical")
    assert fred.status == "investigating"


def parse(value: str) -> dt.date:
    value = value.strip()
    if "/" in value:
        return dt.datetime.strptime(value, "%m/%d/%Y").date()
    return dt.date.fromisoformat(value)


def test_modern_export_bad_row_names_its_line(run_command, tmp_path):
    lines = MAY.read_text(encoding="utf-8").splitlines(keepends=True)[:6]
    lines[4] = lines[4].replace('"05/03/2024"', '"05/36/2024"', 1)
    assert "05/36/2024" in lines[4]
    path = tmp_path / "export.csv"
    path.write_text("".join(lines), encoding="utf-8")

    result = run_command("import_hhs", path, fails=True)

    assert [e["line"] for e in result.report["errors"]] == [5]
    assert "Breach Submission Date" in result.report["errors"][0]["reason"]
    assert {"new", "changed", "gone"} <= set(result.report)
    assert Incident.objects.count() == 0


def test_unknown_csv_is_refused_with_the_columns_it_needs(run_command, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")

    result = run_command("import_hhs", path, fails=True)

    assert result.report["errors"][0]["line"] == 1
    assert "Business_Associate_Involved" in result.report["errors"][0]["reason"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Advanced  Data Processing, Inc.", "ADVANCED DATA PROCESSING INC"),
        ("MedAssets", "Med Assets"),
        ("T & P Consulting, Inc. d/b/a Quantum Health Consulting", "T&P CONSULTING, INC. D/B/A QUANTUM"),
        ("Siemens Medical Solutions, USA", "Siemens Medical Solutions, USA, Inc"),
        (
            "The Southwestern Indiana Regional Council on Aging",
            "Southwestern Indiana Regional Council on Aging",
        ),
        ("Iron Mountain Data Products, Inc. (now known as ", "Iron Mountain Data Products"),
    ],
)
def test_name_variants_share_a_key(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_keep_different_keys():
    assert name_key("Quantum Health Consulting") != name_key("T&P Consulting, Inc.")
    assert name_key("Blackhawk Consulting Group") != name_key("BlackHawk")


def test_size_rating_thresholds():
    assert [size_rating(n) for n in (100_000, 99_999, 10_000, 1_000, 999)] == [
        "critical",
        "high",
        "high",
        "medium",
        "low",
    ]
