"""OSCAL catalog → questionnaire data (pure, no database)."""

import copy
import json
import re

import pytest

from assessments.importers import oscal
from assessments.importers.parsed import SourceSyntaxError


@pytest.fixture(scope="module")
def catalog_text() -> str:
    return oscal.DEFAULT_CATALOG.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed(catalog_text):
    return oscal.parse_catalog(catalog_text, file="catalog.json")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_question_per_control_and_enhancement_as_in_the_flat_csv(parsed, oscal_flat_rows):
    assert len(oscal_flat_rows) == 42
    assert parsed.read == 42
    assert len(parsed.questions) == 42
    assert not parsed.errors
    assert sum(parsed.skipped.values()) == 0
    enhancements = [r for r in oscal_flat_rows if r["parent_control_id"]]
    assert len(enhancements) == 20  # and 22 base controls
    assert sum(1 for q in parsed.questions if "(" in q["code"]) == len(enhancements)


def test_codes_are_the_plain_labels(parsed, oscal_flat_rows):
    codes = [q["code"] for q in parsed.questions]
    assert len(set(codes)) == 42
    for code in ["SR-1", "SR-3", "SR-5", "SR-6", "SR-12", "SA-9", "AC-20"]:
        assert code in codes
    for enhancement in ["SR-2(1)", "SR-9(1)", "SR-11(2)", "SA-9(2)", "SA-4(10)", "CP-8(4)"]:
        assert enhancement in codes
    # The CSV uses the zero-padded label; the question code is the unpadded one.
    expected = [re.sub(r"-0(\d)", r"-\1", re.sub(r"\(0(\d)\)", r"(\1)", r["label"])) for r in oscal_flat_rows]
    assert codes == expected


def test_enhancements_follow_their_control_within_the_group_title_domain(parsed):
    by_code = {q["code"]: q for q in parsed.questions}
    codes = [q["code"] for q in parsed.questions]
    assert codes.index("SR-2(1)") == codes.index("SR-2") + 1
    assert by_code["SR-3"]["domain"] == "Supply Chain Risk Management"
    assert by_code["SR-11(1)"]["domain"] == "Supply Chain Risk Management"
    assert by_code["SA-9"]["domain"] == "System and Services Acquisition"
    assert by_code["AC-20(2)"]["domain"] == "Access Control"
    assert all(q["weight"] == 1 and q["condition"] is None for q in parsed.questions)


def test_text_is_title_then_the_flattened_statement_with_parameters_rendered(parsed, oscal_flat_rows):
    for question, row in zip(parsed.questions, oscal_flat_rows, strict=True):
        assert question["text"].startswith(row["title"] + ": ")
        # Same words as the CSV's rendering of the statement (it differs only in whitespace).
        assert _squash(question["text"]) == _squash(f"{row['title']}: {row['statement']}")
        assert "{{" not in question["text"]
        assert "\n" not in question["text"]
    sr3 = next(q for q in parsed.questions if q["code"] == "SR-3")
    assert sr3["text"].startswith(
        "Supply Chain Controls and Processes: a. Establish a process or processes to identify and address "
        "weaknesses or deficiencies in the supply chain elements and processes of [Assignment: "
    )
    sr1 = next(q for q in parsed.questions if q["code"] == "SR-1")
    assert "[Assignment: organization-defined personnel or roles]" in sr1["text"]
    assert (
        "[Selection (one or more): organization-level; mission/business process-level; system-level]"
        in sr1["text"]
    )


def test_name_source_and_description(parsed, catalog_text):
    assert parsed.name == "Supply chain security (NIST SP 800-53r5 SR and related)"
    assert parsed.source == "NIST SP 800-53r5"
    assert "NIST Special Publication 800-53 Revision 5.1.1" in parsed.description
    assert oscal.parse_catalog(catalog_text, file="c.json", name="My copy").name == "My copy"


def _catalog_with_withdrawn(catalog_text: str) -> str:
    document = json.loads(catalog_text)
    sr = next(g for g in document["catalog"]["groups"] if g["id"] == "sr")
    withdrawn = {
        "id": "sr-13",
        "class": "SP800-53",
        "title": "Withdrawn for the test",
        "props": [{"name": "label", "value": "SR-13"}, {"name": "status", "value": "withdrawn"}],
    }
    sr["controls"].append(withdrawn)
    enhancement = copy.deepcopy(withdrawn)
    enhancement.update(
        id="sr-3.9", props=[{"name": "label", "value": "SR-3(9)"}, {"name": "status", "value": "Withdrawn"}]
    )
    next(c for c in sr["controls"] if c["id"] == "sr-3").setdefault("controls", []).append(enhancement)
    return json.dumps(document)


def test_withdrawn_controls_and_enhancements_are_skipped_and_counted(catalog_text):
    parsed = oscal.parse_catalog(_catalog_with_withdrawn(catalog_text), file="catalog.json")
    assert parsed.read == 44
    assert parsed.skipped == {"withdrawn": 2}
    codes = {q["code"] for q in parsed.questions}
    assert len(codes) == 42
    assert not codes & {"SR-13", "SR-3(9)"}


def test_code_falls_back_to_the_upper_cased_id():
    document = {"catalog": {"groups": [{"title": "G", "controls": [{"id": "xy-1.2", "title": "T"}]}]}}
    parsed = oscal.parse_catalog(json.dumps(document), file="c.json")
    assert parsed.questions == [
        {"code": "XY-1.2", "domain": "G", "text": "T", "weight": 1, "condition": None}
    ]


def test_unknown_parameter_is_rendered_as_an_assignment():
    control = {
        "id": "zz-1",
        "title": "T",
        "parts": [{"name": "statement", "prose": "Do {{ insert: param, zz-1_prm_9 }} now."}],
    }
    parsed = oscal.parse_catalog(json.dumps({"catalog": {"controls": [control]}}), file="c.json")
    assert parsed.questions[0]["text"] == "T: Do [Assignment: zz-1_prm_9] now."


def test_broken_json_names_the_file_and_line(catalog_text):
    broken = catalog_text.replace('"title": "Supply Chain Risk Management"', '"title": Supply', 1)
    line = broken[: broken.index('"title": Supply')].count("\n") + 1
    with pytest.raises(SourceSyntaxError) as caught:
        oscal.parse_catalog(broken, file="catalog.json")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"catalog.json, line {line}: not valid JSON")


def test_a_control_without_a_title_is_a_record_error():
    document = {
        "catalog": {"groups": [{"title": "G", "controls": [{"id": "a-1", "title": "ok"}, {"id": "a-2"}]}]}
    }
    parsed = oscal.parse_catalog(json.dumps(document), file="c.json")
    assert [q["code"] for q in parsed.questions] == ["A-1"]
    assert parsed.errors == [
        {"record": "c.json catalog.groups[0].controls[1] (a-2)", "reason": 'the control has no "title".'}
    ]


def test_not_a_catalog():
    with pytest.raises(SourceSyntaxError, match='"catalog" object is missing'):
        oscal.parse_catalog('{"profile": {}}', file="p.json")


def test_absurdly_nested_json_is_an_error_not_a_crash():
    with pytest.raises(SourceSyntaxError, match="nested too deeply"):
        oscal.parse_catalog("[" * 100_000 + "]" * 100_000, file="deep.json")
