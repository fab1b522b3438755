"""Google VSAQ files → questionnaire data (pure, no database)."""

import collections
import json

import pytest

from assessments.importers import vsaq
from assessments.importers.parsed import SourceSyntaxError
from assessments.importers.vsaq_cond import Cond, CondSyntaxError, Literal, parse_cond

from .conftest import VSAQ_DIR, VSAQ_FILES


def _item_types(node, counter):
    counter[node["type"]] += 1
    for child in node.get("items", []):
        _item_types(child, counter)


@pytest.fixture(scope="module")
def parsed_files() -> dict:
    return {
        name: vsaq.parse_vsaq((VSAQ_DIR / name).read_text(encoding="utf-8"), file=name) for name in VSAQ_FILES
    }


@pytest.fixture(scope="module")
def raw_items() -> dict:
    """Every answerable item of every file with its type, in document order (from the plain JSON)."""
    from assessments.importers import jsobject

    result = {}
    for name in VSAQ_FILES:
        items = []

        def walk(node, items=items):
            if node["type"] in vsaq.ANSWERABLE:
                items.append(node)
            for child in node.get("items", []):
                walk(child)

        for root in jsobject.loads((VSAQ_DIR / name).read_text(encoding="utf-8"))["questionnaire"]:
            walk(root)
        result[name] = items
    return result


def _by_code(parsed):
    return {q["code"]: q for q in parsed.questions}


def test_every_file_parses_into_one_questionnaire_named_by_its_title(parsed_files):
    assert {name: p.name for name, p in parsed_files.items()} == {
        "infrastructure.json": "Infrastructure Security Questionnaire",
        "physical_and_datacenter.json": "Physical & Data Center Security Questionnaire",
        "security_privacy_programs.json": "Security and Privacy Programs Questionnaire",
        "webapp.json": "Web Application Security Questionnaire",
    }
    assert all(p.source == "Google VSAQ" and not p.errors for p in parsed_files.values())


def test_question_counts_per_file_match_the_expected_counts(parsed_files, vsaq_expected):
    by_questionnaire = {name.removesuffix(".json"): len(p.questions) for name, p in parsed_files.items()}
    assert by_questionnaire == vsaq_expected["derived_vsaq_items_flat.csv"]["by_questionnaire"]
    assert by_questionnaire == {
        "infrastructure": 96,
        "physical_and_datacenter": 30,
        "security_privacy_programs": 46,
        "webapp": 73,
    }
    assert sum(by_questionnaire.values()) == 245
    assert {name: p.read for name, p in parsed_files.items()} == {
        n + ".json": c for n, c in by_questionnaire.items()
    }


def test_item_types_match_the_expected_counts(parsed_files, raw_items, vsaq_expected):
    for name in VSAQ_FILES:
        counter = collections.Counter()
        for root in vsaq.jsobject.loads((VSAQ_DIR / name).read_text(encoding="utf-8"))["questionnaire"]:
            _item_types(root, counter)
        assert dict(counter) == vsaq_expected[name]["item_types"]
        answerable = sum(counter[t] for t in ("radiogroup", "checkgroup", "box", "line"))
        assert len(parsed_files[name].questions) == answerable
    by_type = collections.Counter(item["type"] for items in raw_items.values() for item in items)
    assert dict(by_type) == vsaq_expected["derived_vsaq_items_flat.csv"]["by_type"]
    assert dict(by_type) == {"radiogroup": 152, "checkgroup": 27, "box": 37, "line": 29}


def test_codes_are_the_item_ids_in_document_order(parsed_files, vsaq_flat_rows):
    for name, parsed in parsed_files.items():
        rows = [r for r in vsaq_flat_rows if r["questionnaire"] == name.removesuffix(".json")]
        codes = [q["code"] for q in parsed.questions]
        assert len(set(codes)) == len(codes)
        assert all(len(code) <= 50 for code in codes)
        for code, row in zip(codes, rows, strict=True):
            if row["item_id"] and len(row["item_id"]) <= 50:
                assert code == row["item_id"]
    webapp = [q["code"] for q in parsed_files["webapp.json"].questions]
    # Ids longer than a question code may be keep their start and a hash; id-less items get a made-up code.
    assert any(c.startswith("application_ssl_configuration_termination~") for c in webapp)
    infrastructure = _by_code(parsed_files["infrastructure.json"])
    assert "network_encryption_protocols" in infrastructure  # from the choice ids of an id-less checkgroup


def test_text_is_the_item_text_without_html(parsed_files):
    webapp = _by_code(parsed_files["webapp.json"])
    xssi = webapp["application_authz_xssi"]
    # The text was split across lines with "..." + "..." and holds HTML links, entities and <code>.
    assert xssi["text"].startswith("Many web applications use AJAX to exchange data in the background")
    assert "leads to cross-site script inclusion (XSSI) vulnerabilities" in xssi["text"]
    assert (
        '<script src="http://www.example.com/contacts.js"></script>' in xssi["text"]
    )  # &lt; … &gt; unescaped
    for parsed in parsed_files.values():
        for question in parsed.questions:
            assert question["text"].strip()
            assert "<p>" not in question["text"] and "<a href" not in question["text"]
    options = _by_code(parsed_files["infrastructure.json"])["options"]
    assert options["text"].startswith(
        "Select all that apply: Sensitive data: This project involves processing"
    )


def test_domain_is_the_enclosing_block(parsed_files):
    infrastructure = _by_code(parsed_files["infrastructure.json"])
    assert infrastructure["network_dmz"]["domain"] == "Firewalls"
    assert infrastructure["network_firewalls"]["domain"] == "Network"
    assert _by_code(parsed_files["webapp.json"])["application_name"]["domain"] == "Application Metadata"


def test_all_72_items_with_a_cond_become_conditional_questions(parsed_files, raw_items, vsaq_expected):
    with_cond = 0
    for name, parsed in parsed_files.items():
        questions = parsed.questions
        for item, question in zip(raw_items[name], questions, strict=True):
            if item.get("cond"):
                with_cond += 1
                assert question["condition"] is not None, question["code"]
    assert with_cond == vsaq_expected["derived_vsaq_items_flat.csv"]["with_cond"] == 72
    stats = collections.Counter()
    for parsed in parsed_files.values():
        stats.update(parsed.stats)
    assert stats["with_cond"] == stats["with_cond_mapped"] == 72
    assert stats["unmapped"] == 0
    assert stats["with_cond_exact"] == 19
    # Items inside a conditional block carry that block's condition too.
    assert stats["conditional"] == 72 + stats["inherited"] and stats["inherited"] > 0


def test_conditions_point_to_earlier_questions(parsed_files):
    for parsed in parsed_files.values():
        position = {q["code"]: i for i, q in enumerate(parsed.questions)}
        for i, question in enumerate(parsed.questions):
            if question["condition"]:
                assert position[question["condition"]["question"]] < i
                assert set(question["condition"]["responses"]) <= {"yes", "partial", "no"}


def test_a_choice_id_maps_to_the_question_owning_it(parsed_files):
    infrastructure = _by_code(parsed_files["infrastructure.json"])
    # cond "network_outsourced_yes": the yes choice of the yes/no radiogroup network_outsourced → exact.
    assert infrastructure["network_outsourced_company"]["condition"] == {
        "question": "network_outsourced",
        "responses": ["yes"],
    }
    assert "(asked when" not in infrastructure["network_outsourced_company"]["text"]
    # cond "req_sensitive": an option of the "options" checkgroup → yes/partial, expression kept in the text.
    auditing = infrastructure["servers_admin_auditing"]
    assert auditing["condition"] == {"question": "options", "responses": ["yes", "partial"]}
    assert auditing["text"].endswith("(asked when: req_sensitive)")


def test_negative_and_compound_conditions(parsed_files):
    physical = _by_code(parsed_files["physical_and_datacenter.json"])
    # cond "office_facilities_excl_no": the "no" choice → asked when answered no.
    assert physical["office_facilities_separation"]["condition"] == {
        "question": "office_facilities_excl",
        "responses": ["no"],
    }
    # cond "!office_facilities_home" (one choice of three): asked once the question is answered at all.
    assert physical["office_ra"]["condition"] == {
        "question": "office_facilities_excl",
        "responses": ["yes", "partial", "no"],
    }
    assert physical["office_ra"]["text"].endswith("(asked when: !office_facilities_home)")
    webapp = _by_code(parsed_files["webapp.json"])
    # "a && !b": the first reference, with the whole expression in the text.
    consistent = webapp["application_sqli_prepared_consistent"]
    assert consistent["condition"] == {"question": "application_sqli", "responses": ["yes", "partial"]}
    assert "application_sqli_prepared && !application_sqli_manual" in consistent["text"]


def test_questions_in_a_conditional_block_inherit_its_condition(parsed_files):
    physical = _by_code(parsed_files["physical_and_datacenter.json"])
    # Block "Running Own Data Centers" (cond dc_outsourced_no) → dc_outsourced answered no, exactly.
    assert physical["dc_policy"]["condition"] == {"question": "dc_outsourced", "responses": ["no"]}
    assert "(asked when" not in physical["dc_policy"]["text"]
    assert physical["dc_countries"]["condition"] is None


def test_cond_expressions():
    assert parse_cond("a").simple
    assert parse_cond("!a") == Cond("!a", (Literal("a", True),), True)
    cond = parse_cond("a && (b || !^c)")
    assert cond.literals == (Literal("a", False), Literal("b", False), Literal("^c", True))
    assert not cond.simple
    assert parse_cond('matches(a/value, "x|y")').literals == (Literal("a/value", False),)
    for bad in ["a &", "a && ", "(a", "a b", "a & b"]:
        with pytest.raises(CondSyntaxError):
            parse_cond(bad)


def _vsaq(items) -> str:
    return json.dumps(
        {"questionnaire": [{"type": "block", "text": "Test questionnaire", "items": items}]}, indent=1
    )


def test_a_later_target_is_not_used_and_the_condition_is_kept_in_the_text():
    text = _vsaq(
        [
            {"type": "line", "id": "first", "text": "First?", "cond": "second_yes"},
            {
                "type": "radiogroup",
                "id": "second",
                "text": "Second?",
                "choices": [{"second_yes": "Y"}, {"second_no": "N"}],
            },
        ]
    )
    parsed = vsaq.parse_vsaq(text, file="t.json")
    first = parsed.questions[0]
    assert first["condition"] is None
    assert first["text"] == "First? (asked when: second_yes)"
    assert parsed.stats["unmapped"] == 1


def test_bad_items_are_errors_with_their_line():
    text = _vsaq(
        [
            {"type": "line", "id": "ok", "text": "Fine"},
            {"type": "slider", "id": "weird", "text": "?"},
            {"type": "box", "id": "dangling", "text": "?", "cond": "nowhere"},
            {"type": "line", "id": "ok", "text": "Again"},
            {"type": "radiogroup", "id": "broken", "text": "?", "cond": "ok &&"},
        ]
    )
    lines = text.split("\n")
    line_of = {
        ident: next(i for i, line in enumerate(lines, 1) if f'"id": "{ident}"' in line) - 2
        for ident in ["weird", "dangling", "broken"]
    }
    parsed = vsaq.parse_vsaq(text, file="t.json")
    reasons = {e["line"]: e["reason"] for e in parsed.errors}
    assert "unknown type 'slider'" in reasons[line_of["weird"]]
    assert "names 'nowhere', which is not in the questionnaire" in reasons[line_of["dangling"]]
    assert "cannot be read" in reasons[line_of["broken"]]
    assert any("the id 'ok' is used twice" in r for r in reasons.values())
    assert all(r.startswith("t.json: ") for r in reasons.values())
    assert [q["code"] for q in parsed.questions] == ["ok"]


def test_syntax_error_names_file_and_line():
    text = (VSAQ_DIR / "webapp.json").read_text(encoding="utf-8")
    broken = text.replace(
        '"text": "The name of the application:",', '"text": "The name of the application:" + ,', 1
    )
    line = broken[: broken.index('"The name of the application:" + ,')].count("\n") + 1
    with pytest.raises(SourceSyntaxError) as caught:
        vsaq.parse_vsaq(broken, file="webapp.json")
    assert caught.value.line == line
    assert str(caught.value).startswith(f"webapp.json, line {line}: column ")
    assert "'+' must be followed by a string literal" in str(caught.value)
