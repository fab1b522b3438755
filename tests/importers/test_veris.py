"""import_veris on the real VCDB files (tests/data/vcdb), and on small broken copies of them."""

import datetime as dt
import json
import shutil

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from incidents.importers.veris_fields import attack_vector_of, partner_name, severity_of
from incidents.models import Incident
from vendors.models import ScoreMark, Vendor
from vendors.services import vendor_create

from .conftest import DATA, stored_counts

VCDB = DATA / "vcdb"
JSONL = VCDB / "partner_or_vendor_incidents.jsonl"
FOLDER = VCDB / "sample_files" / "validated"
EXPECTED = json.loads((VCDB / "expected_counts.json").read_text())["partner_or_vendor_incidents.jsonl"]
EDGE = json.loads((VCDB / "expected_counts.json").read_text())["edge_cases_partner_or_vendor_jsonl"]

# Of the 159 partner actors with notes, 28 name nobody ("Unknown", "Partner failed to properly wipe
# drives", "unknown transcription office", ...): 131 incidents, at 115 distinct vendors once
# "Iron Mountain" / "Iron Mountain Inc" and the like are matched by name key.
NAMED_PARTNERS = 131
VENDORS_FROM_JSONL = 115


def lines(n: int) -> list[str]:
    with JSONL.open(encoding="utf-8") as fh:
        return [next(fh) for _ in range(n)]


@pytest.fixture
def tmp_lines(tmp_path):
    """tmp_lines([161, 679]) → a JSON Lines file holding those lines of the real file."""

    def make(numbers: list[int]):
        with JSONL.open(encoding="utf-8") as fh:
            wanted = [line for number, line in enumerate(fh, start=1) if number in numbers]
        path = tmp_path / f"lines-{'-'.join(map(str, numbers))}.jsonl"
        path.write_text("".join(wanted), encoding="utf-8")
        return path

    return make


def test_jsonl_import_reproduces_the_expected_counts_and_a_second_run_creates_nothing(run_command):
    # One test for the whole file (imports are the slow part): counts, fields, then the second run.
    report = run_command("import_veris", JSONL).report

    assert report["read"] == EXPECTED["records"] == 1053
    reasons = report["skip_reasons"]
    # The two duplicate incident_ids are skipped as duplicates before anything else is looked at.
    assert (
        sum(v for k, v in reasons.items() if k.startswith("duplicate incident_id"))
        == EDGE["duplicate_incident_ids"]
    )
    with_partner = (
        report["read"] - EDGE["duplicate_incident_ids"] - reasons["no partner actor (actor.partner)"]
    )
    assert with_partner == EXPECTED["with_actor_partner"] == 380
    assert with_partner - reasons["actor.partner has no notes"] == EDGE["actor_partner_with_notes"] == 159
    assert reasons["actor.partner.notes name no partner"] == 159 - NAMED_PARTNERS
    assert report["created"] == NAMED_PARTNERS
    assert report["skipped"] == 1053 - NAMED_PARTNERS
    assert report["errors"] == []
    assert report["committed"] is True
    assert report["vendors_created"] == VENDORS_FROM_JSONL
    assert Incident.objects.filter(source="veris").count() == NAMED_PARTNERS
    assert Vendor.objects.count() == VENDORS_FROM_JSONL

    # Written the way the services write: audit entries and dirty marks for every row.
    incident_type = ContentType.objects.get_for_model(Incident)
    vendor_type = ContentType.objects.get_for_model(Vendor)
    assert LogEntry.objects.filter(content_type=incident_type, action=LogEntry.Action.CREATE).count() == 131
    assert LogEntry.objects.filter(content_type=vendor_type, action=LogEntry.Action.CREATE).count() == 115
    marked = set(ScoreMark.objects.filter(kind="vendor").values_list("object_id", flat=True))
    assert marked == set(Vendor.objects.values_list("id", flat=True))

    # The mapping, on two known records.
    medi_waste = Vendor.objects.get(name="Medi-Waste Disposal")
    assert medi_waste.category == "other"
    assert medi_waste.incidents.count() == 7
    lost_disk = Incident.objects.get(external_id="000D403E-2DC9-4EA7-9294-BD3938D1C3C7")
    assert lost_disk.vendor == medi_waste
    assert lost_disk.source == "veris"
    assert lost_disk.status == "closed"
    # timeline.incident has only the year: January 1st, and closed at that (historical) time.
    start_2014 = dt.datetime(2014, 1, 1, tzinfo=dt.UTC)
    assert lost_disk.occurred_at == lost_disk.discovered_at == lost_disk.resolved_at == start_2014
    assert lost_disk.severity == "medium"  # rating Unknown and no data_total
    assert lost_disk.data_exposure == "suspected"  # data_disclosure Potentially
    assert lost_disk.data_categories_exposed == ["personal_data"]
    assert lost_disk.attack_vector == "other"  # error: Loss
    assert lost_disk.title.startswith("Jersey City Medical Center said a computer disk")
    assert len(lost_disk.title) <= 200
    assert lost_disk.source_url.startswith("http://www.njbiz.com/")
    assert lost_disk.updates.get().status_to == "closed"

    # data_total 6000 with rating Unknown → medium; "Iron Mountain" and "Iron Mountain Inc" are one vendor.
    iron = Incident.objects.get(external_id="32462D59-D5F8-4868-AD56-B47BE3CC8B42")
    assert iron.records_affected == 6000
    assert iron.severity == "medium"
    assert iron.vendor.incidents.count() == 3
    assert Vendor.objects.filter(name__istartswith="iron mountain").count() == 1

    assert not Incident.objects.filter(resolved_at__gt=timezone.now()).exists()
    assert not Incident.objects.exclude(resolved_at=F("occurred_at")).exists()

    before = stored_counts()

    again = run_command("import_veris", JSONL).report

    assert again["created"] == 0
    assert again["updated"] == 0
    assert again["unchanged"] == NAMED_PARTNERS
    assert again["vendors_created"] == 0
    assert stored_counts() == before


def test_folder_of_native_files_with_and_without_extensions(run_command, tmp_lines):
    report = run_command("import_veris", FOLDER).report

    assert report["read"] == 20  # 16 .json, 3 .JSON, 1 without an extension
    assert report["created"] == 4
    assert set(Vendor.objects.values_list("name", flat=True)) == {
        "Medi-Waste Disposal",
        "Eastern and Coastal Kent Primary Care Trust",
        "Maximum Solutions, Inc.",
        "Aetna",
    }
    # The same incidents are in the JSON Lines file: a later import of it leaves these four alone.
    subset = tmp_lines([1, 4, 8])
    report = run_command("import_veris", subset).report
    assert report["created"] == 0
    assert report["unchanged"] == 3


def test_file_names_are_not_ids(run_command, tmp_path):
    shutil.copy(FOLDER / "019490BF-0B7D-4AE6-A76F-9CBFC552C035.json", tmp_path / "renamed-without-extension")
    (tmp_path / "notes.txt").write_text("not a VERIS file")

    report = run_command("import_veris", tmp_path).report

    assert report["read"] == 1  # the .txt file is not read
    incident = Incident.objects.get()
    assert incident.external_id == "019490BF-0B7D-4AE6-A76F-9CBFC552C035"
    assert incident.vendor.name == "Maximum Solutions, Inc."


def test_existing_vendor_is_matched_by_name_whatever_the_case(run_command, tmp_lines):
    existing = vendor_create(actor=None, name="IRON MOUNTAIN", category="data_broker")

    # The three records naming "Iron Mountain" / "Iron Mountain Inc".
    run_command("import_veris", tmp_lines([161, 679, 865]))

    assert existing.incidents.count() == 3
    assert Vendor.objects.count() == 1
    assert Vendor.objects.get(pk=existing.pk).category == "data_broker"


@pytest.fixture
def broken_jsonl(tmp_path):
    """The first eight records with line 3 cut in half; lines 1, 4 and 8 name a partner."""
    rows = lines(8)
    rows[2] = rows[2][: len(rows[2]) // 2] + "\n"
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_malformed_line_fails_the_whole_import_naming_the_line(run_command, broken_jsonl):
    before = stored_counts()

    result = run_command("import_veris", broken_jsonl, fails=True)

    assert "line 3" in str(result.error)
    assert "nothing was written" in str(result.error)
    assert [e["line"] for e in result.report["errors"]] == [3]
    assert result.report["errors"][0]["reason"].startswith("not valid JSON")
    assert result.report["committed"] is False
    assert stored_counts() == before


def test_skip_invalid_imports_the_rest_and_lists_the_error(run_command, broken_jsonl):
    result = run_command("import_veris", broken_jsonl, "--skip-invalid")

    assert result.report["read"] == 8
    assert len(result.report["errors"]) == 1
    assert result.report["errors"][0]["line"] == 3
    assert result.report["created"] == Incident.objects.count() == 3
    assert set(Vendor.objects.values_list("name", flat=True)) == {
        "Medi-Waste Disposal",
        "Eastern and Coastal Kent Primary Care Trust",
        "Maximum Solutions, Inc.",
    }
    assert result.report["committed"] is True


def test_dry_run_reports_the_counts_and_writes_nothing(run_command, tmp_lines):
    before = stored_counts()

    report = run_command("import_veris", tmp_lines([1, 2, 3, 4, 8]), "--dry-run").report

    assert (report["read"], report["created"], report["skipped"]) == (5, 3, 2)
    assert report["dry_run"] is True
    assert report["committed"] is False
    assert stored_counts() == before


def test_reimport_updates_what_the_source_changed_and_keeps_the_status(run_command, tmp_path, tmp_lines):
    run_command("import_veris", tmp_lines([1]))
    incident = Incident.objects.get()
    record = json.loads(lines(1)[0])
    record["summary"] = "Medi-Waste lost a disk of Medicaid records."
    record["attribute"]["confidentiality"]["data_total"] = 2_000_000
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps(record) + "\n")

    report = run_command("import_veris", changed).report

    assert (report["created"], report["updated"]) == (0, 1)
    incident.refresh_from_db()
    assert incident.title == "Medi-Waste lost a disk of Medicaid records."
    assert incident.records_affected == 2_000_000
    assert incident.severity == "critical"
    assert incident.status == "closed"
    assert Incident.objects.count() == 1


def test_impossible_date_is_an_error_with_its_line(run_command, tmp_path):
    rows = [json.loads(line) for line in lines(2)]
    rows[0]["timeline"]["incident"] = {"year": 2014, "month": 2, "day": 30}
    path = tmp_path / "dates.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")

    result = run_command("import_veris", path, fails=True)

    assert result.report["errors"] == [
        {"line": 1, "reason": "timeline.incident.day 30 does not exist in 2014-02"}
    ]
    assert Incident.objects.count() == 0


def test_broken_file_in_a_folder_is_named(run_command, tmp_path):
    shutil.copy(FOLDER / "000D403E-2DC9-4EA7-9294-BD3938D1C3C7.json", tmp_path)
    (tmp_path / "broken.JSON").write_text('{"incident_id": "x", ')

    result = run_command("import_veris", tmp_path, fails=True)

    assert [e["record"] for e in result.report["errors"]] == ["broken.JSON"]
    assert "broken.JSON" in str(result.error)
    assert Incident.objects.count() == 0


def test_last_line_of_the_json_report_is_one_object(run_command):
    result = run_command("import_veris", FOLDER)

    last = json.loads(result.stdout.strip().splitlines()[-1])
    assert {"read", "created", "updated", "skipped", "errors"} <= set(last)


@pytest.mark.parametrize(
    ("notes", "name"),
    [
        ("Iron Mountain Inc", "Iron Mountain Inc"),
        ("Medi-Waste Disposal", "Medi-Waste Disposal"),
        ("naviHealth", "naviHealth"),
        ("Unknown", None),
        ("not listed", None),
        ("Partner failed to properly wipe drives", None),
        (" a janitorial service for Eureka Internal Medicine, was mixing paper", None),
        ("CVS Pharmacy This is not the first time Dr. Glick has been in trouble", "CVS Pharmacy"),
        ("Patterson Dental a representative of one of our dental practices", "Patterson Dental"),
        (
            "Ascend Healthcare SystemsAscend provided medical transcription services",
            "Ascend Healthcare Systems",
        ),
        ("Ideal Financial Solutions Inc; Sequoia One of Wyoming", "Ideal Financial Solutions Inc"),
        (
            "Department of Education and Early Childhood Development",
            "Department of Education and Early Childhood Development",
        ),
        ("Hope for Families and Community Services,", "Hope for Families and Community Services"),
    ],
)
def test_partner_name_from_notes(notes, name):
    assert partner_name(notes) == name


def test_severity_prefers_the_rating_then_the_record_count():
    assert severity_of({"impact": {"overall_rating": "Catastrophic"}}, 10) == "critical"
    assert severity_of({"impact": {"overall_rating": "Insignificant"}}, 5_000_000) == "low"
    assert severity_of({"impact": {"overall_rating": "Unknown"}}, 1_000_000) == "critical"
    assert severity_of({}, 100_000) == "high"
    assert severity_of({}, 1_000) == "medium"
    assert severity_of({}, 999) == "low"
    assert severity_of({}, None) == "medium"


def test_attack_vector_mapping():
    assert attack_vector_of({"action": {"malware": {"variety": ["Ransomware"]}}}) == "ransomware"
    assert attack_vector_of({"action": {"social": {"variety": ["Phishing"]}}}) == "phishing"
    assert (
        attack_vector_of({"action": {"hacking": {"variety": ["Use of stolen creds"]}}}) == "credential_theft"
    )
    assert (
        attack_vector_of({"action": {"hacking": {"variety": ["Unknown"], "vector": ["Partner"]}}})
        == "supply_chain"
    )
    assert attack_vector_of({"action": {"error": {"variety": ["Misconfiguration"]}}}) == "misconfiguration"
    assert attack_vector_of({"action": {"misuse": {"variety": ["Privilege abuse"]}}}) == "insider"
    assert attack_vector_of({"action": {"unknown": {"notes": ""}}}) == "unknown"
    assert attack_vector_of({"action": {"physical": {"variety": ["Theft"]}}}) == "other"


def test_single_file_and_json_array(run_command, tmp_path):
    one = FOLDER / "00EF0132-EE8B-4DD2-8DBF-624D2633F598.json"  # pretty-printed, one incident
    assert run_command("import_veris", one).report["created"] == 1

    records = [json.loads(line) for line in lines(4)]
    records[1] = "not an incident"
    array = tmp_path / "incidents.json"
    array.write_text(json.dumps(records, indent=2))
    result = run_command("import_veris", array, "--skip-invalid")

    assert result.report["errors"] == [
        {"record": "incidents.json[1]", "reason": "a VERIS incident must be a JSON object, not str"}
    ]
    assert result.report["unchanged"] == 1  # the Eastern and Coastal Kent incident, already imported
    assert result.report["created"] == 1  # Medi-Waste Disposal
