"""The JavaScript-literal reader behind the VSAQ importer (pure, no database)."""

import json
import re

import pytest

from assessments.importers import jsobject

from .conftest import VSAQ_DIR, VSAQ_FILES


def test_reads_comments_outside_strings_but_keeps_slashes_inside_them():
    text = """// licence header
    /* a block
       comment */
    {
      "url": "https://example.invalid/a//b", // trailing comment
      "glob": "/* not a comment */"
    }"""
    assert jsobject.loads(text) == {"url": "https://example.invalid/a//b", "glob": "/* not a comment */"}


def test_joins_strings_concatenated_with_plus_across_lines():
    text = '{"text": "<p>one</p>" +\n          "<p>two</p>" +   "three"}'
    assert jsobject.loads(text) == {"text": "<p>one</p><p>two</p>three"}


def test_accepts_trailing_commas_single_quotes_and_bare_keys():
    text = "{type: 'block', items: [1, 2.5, -3, true, null,], 'it\\'s': \"a\\u00e9\\n\",}"
    assert jsobject.loads(text) == {"type": "block", "items": [1, 2.5, -3, True, None], "it's": "a\u00e9\n"}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "a": "x" +\n  3\n}', 2, "'+' must be followed by a string literal"),
        ('{\n  "a": [1, 2,,]\n}', 2, "expected a value"),
        ('{\n  "a": "never closed\n}', 2, "unterminated string"),
        ('{\n  "a": 1\n  "b": 2\n}', 3, "expected ','"),
        ('{"a": 1}\n/* open', 2, "unterminated /* comment"),
        ('{"a": 1} {', 1, "after the end of the value"),
        ("{\n\n  a: undefined\n}", 3, "expected a value"),
    ],
)
def test_errors_name_the_line(text, line, message):
    with pytest.raises(jsobject.JSSyntaxError) as caught:
        jsobject.loads(text)
    assert caught.value.line == line
    assert message in caught.value.message


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(jsobject.JSSyntaxError, match="nested more than"):
        jsobject.loads("[" * 500 + "]" * 500)


def test_records_the_line_of_every_object():
    lines = {}
    value = jsobject.loads('{\n "items": [\n  {"id": "a"},\n\n  {"id": "b"}\n ]\n}', lines=lines)
    assert [lines[id(item)] for item in value["items"]] == [3, 5]


@pytest.mark.parametrize("name", VSAQ_FILES)
def test_vsaq_files_are_not_json_but_read_the_same_as_the_documented_cleanup(name):
    text = (VSAQ_DIR / name).read_text(encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)  # the comment header (and the + concatenation) are not JSON
    # The data README's recipe: drop // lines, join "..." + newline "...", then json.loads.
    cleaned = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith("//"))
    expected = json.loads(re.sub(r'"\s*\+\s*\n\s*"', "", cleaned))
    assert jsobject.loads(text) == expected
