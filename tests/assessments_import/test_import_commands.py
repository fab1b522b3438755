"""import_oscal, import_vsaq and load_default_questionnaire against the database."""

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from assessments.importers import oscal
from assessments.models import Question, Questionnaire
from tests import factories as f

from .conftest import VSAQ_DIR, VSAQ_FILES

pytestmark = pytest.mark.django_db

DEFAULT = {"name": oscal.DEFAULT_NAME, "source": "NIST SP 800-53r5"}


def run(command: str, *args) -> tuple[dict, str]:
    out = io.StringIO()
    call_command(command, *args, "--report", "json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1]), out.getvalue()


def run_text(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def run_failing(command: str, *args) -> tuple[dict, str]:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(command, *args, "--report", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1]), str(caught.value)


def snapshot() -> tuple:
    return (
        list(Questionnaire.objects.order_by("id").values_list("id", "name", "version", "updated_at")),
        Question.objects.count(),
    )


# --- the shipped default ---------------------------------------------------------------------------


def test_default_questionnaire_exists_after_migrate():
    questionnaire = Questionnaire.objects.get(**DEFAULT)
    assert questionnaire.version == 1
    assert questionnaire.questions.count() == 42
    sr3 = questionnaire.questions.get(code="SR-3")
    assert sr3.domain == "Supply Chain Risk Management"
    assert sr3.text.startswith("Supply Chain Controls and Processes: a. Establish a process")
    assert questionnaire.questions.filter(code="SR-11(1)").exists()
    assert list(questionnaire.questions.values_list("position", flat=True)) == list(range(42))


def test_load_default_questionnaire_is_idempotent_and_restores_it():
    before = snapshot()
    report, _ = run("load_default_questionnaire")
    assert report["read"] == 42 and report["unchanged"] == 42
    assert report["created"] == report["updated"] == 0
    assert report["errors"] == []
    assert snapshot() == before

    Questionnaire.objects.filter(**DEFAULT).delete()
    report, _ = run("load_default_questionnaire")
    assert report["created"] == 42
    assert report["questionnaires"][0]["result"] == "created"
    assert Questionnaire.objects.get(**DEFAULT).questions.count() == 42


# --- import_oscal ----------------------------------------------------------------------------------


def test_import_oscal_under_another_name(tmp_path):
    report, _ = run("import_oscal", str(oscal.DEFAULT_CATALOG), "--name", "Copy of the NIST controls")
    assert (report["read"], report["created"], report["skipped"]) == (42, 42, 0)
    copy = Questionnaire.objects.get(name="Copy of the NIST controls")
    assert copy.source == "NIST SP 800-53r5"
    assert sorted(copy.questions.values_list("code", flat=True)) == sorted(
        Questionnaire.objects.get(**DEFAULT).questions.values_list("code", flat=True)
    )


def test_import_oscal_dry_run_writes_nothing():
    before = snapshot()
    report, _ = run("import_oscal", str(oscal.DEFAULT_CATALOG), "--name", "Dry", "--dry-run")
    assert report["created"] == 42
    assert report["dry_run"] is True and report["committed"] is False
    output = run_text("import_oscal", str(oscal.DEFAULT_CATALOG), "--name", "Dry", "--dry-run")
    assert "Dry run, nothing written: 42 read, 42 created" in output
    assert snapshot() == before


def test_broken_oscal_file_fails_with_file_and_line_and_writes_nothing(tmp_path):
    text = oscal.DEFAULT_CATALOG.read_text(encoding="utf-8")
    broken = text.replace('"title": "Supply Chain Risk Management"', '"title": Supply', 1)
    line = broken[: broken.index('"title": Supply')].count("\n") + 1
    path = tmp_path / "catalog.json"
    path.write_text(broken, encoding="utf-8")
    before = snapshot()
    report, message = run_failing("import_oscal", str(path), "--name", "Broken")
    assert report["errors"] == [
        {"line": line, "reason": "catalog.json: not valid JSON: Expecting value (column 14)"}
    ]
    assert f"line {line}" in message and "catalog.json" in message
    assert report["committed"] is False
    assert snapshot() == before


def test_oscal_record_error_fails_unless_skip_invalid(tmp_path):
    document = {
        "catalog": {"groups": [{"title": "G", "controls": [{"id": "a-1", "title": "One"}, {"id": "a-2"}]}]}
    }
    path = tmp_path / "small.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = snapshot()
    report, message = run_failing("import_oscal", str(path), "--name", "Small")
    assert report["errors"][0]["record"] == "small.json catalog.groups[0].controls[1] (a-2)"
    assert 'no "title"' in message
    assert snapshot() == before

    report, _ = run("import_oscal", str(path), "--name", "Small", "--skip-invalid")
    assert (report["read"], report["created"], report["skipped"]) == (2, 1, 1)
    assert list(Questionnaire.objects.get(name="Small").questions.values_list("code", flat=True)) == ["A-1"]


def test_name_taken_by_another_source_is_an_error():
    f.QuestionnaireFactory(name="Taken", source="Somebody else")
    report, message = run_failing("import_oscal", str(oscal.DEFAULT_CATALOG), "--name", "Taken")
    assert "already exists with source 'Somebody else'" in report["errors"][0]["reason"]
    assert Questionnaire.objects.filter(name="Taken").count() == 1


# --- import_vsaq -----------------------------------------------------------------------------------


def test_import_vsaq_all_four_files(vsaq_expected):
    report, _ = run("import_vsaq", *(str(VSAQ_DIR / name) for name in VSAQ_FILES))
    assert report["read"] == report["created"] == 245
    assert report["errors"] == []
    imported = Questionnaire.objects.filter(source="Google VSAQ")
    counts = {q.name: q.questions.count() for q in imported}
    assert counts == {
        "Infrastructure Security Questionnaire": 96,
        "Physical & Data Center Security Questionnaire": 30,
        "Security and Privacy Programs Questionnaire": 46,
        "Web Application Security Questionnaire": 73,
    }
    questions = Question.objects.filter(questionnaire__source="Google VSAQ")
    conditional = questions.filter(condition_question__isnull=False)
    assert not conditional.exclude(condition_question__questionnaire=F("questionnaire")).exists()
    assert all(
        q.condition_question.position < q.position for q in conditional.select_related("condition_question")
    )
    # Every one of the 72 items with their own cond is conditional (others inherit a block's condition).
    assert sum(o["with_cond_mapped"] for o in report["questionnaires"]) == 72
    lb = questions.get(
        questionnaire__name="Web Application Security Questionnaire",
        code="application_ssl_configuration_lb_traffic",
    )
    assert lb.condition_question.code == "application_ssl_configuration_termination"
    assert lb.condition_responses == ["yes"]
    exact = {o["file"]: o["with_cond_exact"] for o in report["questionnaires"]}
    assert exact == {
        "infrastructure.json": 8,
        "physical_and_datacenter.json": 2,
        "security_privacy_programs.json": 8,
        "webapp.json": 1,
    }


def test_reimporting_vsaq_creates_nothing():
    path = str(VSAQ_DIR / "physical_and_datacenter.json")
    run("import_vsaq", path)
    before = snapshot()
    report, _ = run("import_vsaq", path)
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 0, 30)
    output = run_text("import_vsaq", path)
    assert "“Physical & Data Center Security Questionnaire” v1 unchanged" in output
    assert "Imported: 30 read, 0 created, 0 updated, 30 unchanged" in output
    assert snapshot() == before


def test_changed_file_updates_in_place_while_unused_then_versions_once_used(tmp_path):
    source = VSAQ_DIR / "physical_and_datacenter.json"
    path = tmp_path / "physical_and_datacenter.json"
    shutil.copy(source, path)
    run("import_vsaq", str(path))
    v1 = Questionnaire.objects.get(name="Physical & Data Center Security Questionnaire")

    text = source.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "List all countries where data centers are located:", "Which countries host your data centers?"
        ),
        encoding="utf-8",
    )
    report, _ = run("import_vsaq", str(path))
    assert (report["created"], report["updated"], report["unchanged"]) == (0, 1, 29)
    assert report["questionnaires"][0]["result"] == "updated"
    assert Questionnaire.objects.filter(name=v1.name).count() == 1
    assert v1.questions.get(code="dc_countries").text == "Which countries host your data centers?"
    assert v1.questions.filter(condition_question__isnull=False).count() == 23

    f.AssessmentFactory(questionnaire=v1)
    path.write_text(text, encoding="utf-8")
    report, _ = run("import_vsaq", str(path))
    assert report["questionnaires"][0]["result"] == "new_version"
    v2 = Questionnaire.objects.get(name=v1.name, version=2)
    assert v2.questions.get(code="dc_countries").text == "List all countries where data centers are located:"
    assert (
        v1.questions.get(code="dc_countries").text == "Which countries host your data centers?"
    )  # the used one is kept
    assert v2.questions.filter(condition_question__isnull=False).count() == 23
    assert (
        not v2.questions.exclude(condition_question__isnull=True)
        .exclude(condition_question__questionnaire=v2)
        .exists()
    )
    # Matching uses the latest version: importing the same content again changes nothing.
    report, _ = run("import_vsaq", str(path))
    assert report["questionnaires"][0]["result"] == "unchanged"
    assert Questionnaire.objects.filter(name=v1.name).count() == 2


def test_one_broken_file_fails_the_whole_import_with_its_line(tmp_path):
    good = tmp_path / "infrastructure.json"
    shutil.copy(VSAQ_DIR / "infrastructure.json", good)
    text = (VSAQ_DIR / "webapp.json").read_text(encoding="utf-8")
    broken_text = text.replace('"id": "application_name"', '"id": "application_name",,', 1)
    line = broken_text[: broken_text.index('"application_name",,')].count("\n") + 1
    broken = tmp_path / "webapp.json"
    broken.write_text(broken_text, encoding="utf-8")
    before = snapshot()
    report, message = run_failing("import_vsaq", str(good), str(broken))
    assert len(report["errors"]) == 1
    assert report["errors"][0]["line"] == line
    assert report["errors"][0]["reason"].startswith("webapp.json: column ")
    assert f"line {line}" in message and "webapp.json" in message
    assert snapshot() == before


def test_a_bad_item_fails_the_import_unless_skip_invalid(tmp_path):
    text = (VSAQ_DIR / "physical_and_datacenter.json").read_text(encoding="utf-8")
    bad = text.replace('"cond": "dc_outsourced_yes"', '"cond": "dc_outsourced_maybe"', 1)
    line = bad[: bad.index('"cond": "dc_outsourced_maybe"')].count("\n")  # the item's opening brace is above
    path = tmp_path / "physical.json"
    path.write_text(bad, encoding="utf-8")
    before = snapshot()
    report, message = run_failing("import_vsaq", str(path))
    assert "names 'dc_outsourced_maybe', which is not in the questionnaire" in message
    assert report["errors"][0]["line"] < line
    assert snapshot() == before

    report, _ = run("import_vsaq", str(path), "--skip-invalid")
    assert (report["read"], report["created"], report["skipped"]) == (30, 29, 1)
    imported = Questionnaire.objects.get(name="Physical & Data Center Security Questionnaire")
    assert not imported.questions.filter(code="dc_provider").exists()


def test_migration_writer_skips_an_existing_default_and_matches_the_command_when_it_writes():
    from assessments.importers.historical import questionnaire_insert_historical

    parsed = oscal.load_default_catalog()
    assert questionnaire_insert_historical(parsed, Questionnaire=Questionnaire, Question=Question) is False
    assert Questionnaire.objects.filter(**DEFAULT).count() == 1

    Questionnaire.objects.filter(**DEFAULT).delete()
    assert questionnaire_insert_historical(parsed, Questionnaire=Questionnaire, Question=Question) is True
    report, _ = run("load_default_questionnaire")
    assert report["unchanged"] == 42 and report["created"] == report["updated"] == 0


def test_name_option_needs_a_single_file():
    report, message = run_failing(
        "import_vsaq", str(VSAQ_DIR / "webapp.json"), str(VSAQ_DIR / "infrastructure.json"), "--name", "X"
    )
    assert report["errors"] == [
        {"record": "--name", "reason": "--name can only be used when importing a single file."}
    ]
    assert not Questionnaire.objects.filter(source="Google VSAQ").exists()


def test_a_folder_imports_its_json_files_and_a_non_vsaq_file_is_named(tmp_path):
    for name in ["webapp.json", "physical_and_datacenter.json"]:
        shutil.copy(VSAQ_DIR / name, tmp_path / name)
    report, _ = run("import_vsaq", str(tmp_path))
    assert report["created"] == 73 + 30
    (tmp_path / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    report, message = run_failing("import_vsaq", str(tmp_path))
    assert report["errors"] == [
        {"record": "notes.json", "reason": 'not a VSAQ questionnaire: expected {"questionnaire": [ ... ]}'}
    ]
    assert "notes.json" in message
