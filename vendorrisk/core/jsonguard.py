"""JSON whose nesting is bounded before it is parsed: the API's parser and every importer read through here.

Python's `json` decoder recurses once per level, so `[` × 50,000 raises RecursionError (a 500, before
authentication even runs). `check_depth` scans the text iteratively (strings skipped, escapes honoured)
and refuses more than `MAX_DEPTH` levels before the decoder sees it. Real documents are far shallower:
VERIS records nest about 6 levels, OSCAL catalogs about 15.
"""

import codecs
import io
import json
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 100
TOO_DEEP = "JSON nested too deeply"

# A complete JSON string (escapes included), or a bracket. An unterminated string matches neither, and
# the scan stops at its quote: the decoder reports it as invalid.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|"', re.DOTALL)


class JSONTooDeep(json.JSONDecodeError):
    """Nesting beyond the limit; a JSONDecodeError (so a ValueError), positioned at the offending bracket."""

    def __init__(self, doc: str, pos: int, max_depth: int):
        super().__init__(f"{TOO_DEEP} (more than {max_depth} levels)", doc, pos)


def check_depth(text: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise JSONTooDeep if `text` opens more than `max_depth` arrays/objects inside each other."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise JSONTooDeep(text, match.start(), max_depth)
        elif token in "]}":
            depth -= 1
        elif token == '"':
            return  # an unterminated string: nothing after it is structure


def loads(text: str, *, max_depth: int = MAX_DEPTH, **kwargs):
    """`json.loads` that refuses nesting beyond `max_depth` (JSONTooDeep) instead of recursing into it."""
    check_depth(text, max_depth)
    return json.loads(text, **kwargs)


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser behind the depth check: too deep is a 400 "JSON nested too deeply"."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}")
        try:
            check_depth(text)
        except JSONTooDeep:
            raise ParseError(TOO_DEEP)
        return super().parse(io.BytesIO(raw), media_type, parser_context)
