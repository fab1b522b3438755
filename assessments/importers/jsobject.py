"""Parse a JavaScript object literal (the VSAQ questionnaire format) into Python values.

VSAQ files are not strict JSON: they open with `//` licence comments and split long strings with
`"..." +` newline `"..."`. This is a small tokenizer + recursive-descent parser for the JSON-like subset
of JavaScript those files use: `//` and `/* */` comments outside strings, double- or single-quoted
strings with JavaScript escapes, `+` between string literals, trailing commas, unquoted keys, numbers,
`true`/`false`/`null`. Anything else is an error naming the line and column. Pure: no Django, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 100

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
    '"': '"',
    "'": "'",
    "\\": "\\",
    "/": "/",
}
_KEYWORDS = {"true": True, "false": False, "null": None}


class JSSyntaxError(ValueError):
    def __init__(self, message: str, line: int, column: int):
        super().__init__(f"line {line}, column {column}: {message}")
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    kind: str  # "punct" ({ } [ ] : , +), "string", "number", "ident", "eof"
    value: Any
    line: int
    column: int


class _Tokenizer:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def _error(self, message: str, pos: int | None = None) -> JSSyntaxError:
        pos = self.pos if pos is None else pos
        line = self.text.count("\n", 0, pos) + 1
        column = pos - (self.text.rfind("\n", 0, pos) + 1) + 1
        return JSSyntaxError(message, line, column)

    def _advance_to(self, end: int) -> None:
        newlines = self.text.count("\n", self.pos, end)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.pos, end) + 1
        self.pos = end

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n\ufeff\u00a0\u2028\u2029":
                self._advance_to(self.pos + 1)
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance_to(len(text) if end == -1 else end)
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end == -1:
                    raise self._error("unterminated /* comment")
                self._advance_to(end + 2)
            else:
                return

    def tokens(self):
        text = self.text
        while True:
            self._skip_space_and_comments()
            line, column = self.line, self.pos - self.line_start + 1
            if self.pos >= len(text):
                yield Token("eof", None, line, column)
                return
            ch = text[self.pos]
            if ch in "{}[]:,+":
                self._advance_to(self.pos + 1)
                yield Token("punct", ch, line, column)
            elif ch in "\"'":
                yield Token("string", self._string(ch), line, column)
            elif ch == "-" or ch.isdigit():
                match = _NUMBER.match(text, self.pos)
                if not match:
                    raise self._error(f"unexpected character {ch!r}")
                raw = match.group()
                self._advance_to(match.end())
                value = float(raw) if any(c in raw for c in ".eE") else int(raw)
                yield Token("number", value, line, column)
            else:
                match = _IDENT.match(text, self.pos)
                if not match:
                    raise self._error(f"unexpected character {ch!r}")
                self._advance_to(match.end())
                yield Token("ident", match.group(), line, column)

    def _string(self, quote: str) -> str:
        text = self.text
        start = self.pos
        i = self.pos + 1
        out: list[str] = []
        while True:
            if i >= len(text):
                raise self._error("unterminated string", start)
            ch = text[i]
            if ch == quote:
                self._advance_to(i + 1)
                return "".join(out)
            if ch == "\n":
                raise self._error("unterminated string (a line break inside quotes)", start)
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            if i + 1 >= len(text):
                raise self._error("unterminated string", start)
            esc = text[i + 1]
            if esc in _SIMPLE_ESCAPES:
                out.append(_SIMPLE_ESCAPES[esc])
                i += 2
            elif esc == "\n":  # line continuation
                i += 2
            elif esc in "ux":
                size = 4 if esc == "u" else 2
                digits = text[i + 2 : i + 2 + size]
                if len(digits) != size or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise self._error(f"bad \\{esc} escape in string", i)
                out.append(chr(int(digits, 16)))
                i += 2 + size
            else:
                out.append(esc)  # JavaScript keeps unknown escapes as the character itself
                i += 2


class _Parser:
    def __init__(self, text: str, lines: dict[int, int] | None):
        self._tokens = _Tokenizer(text).tokens()
        self.token = next(self._tokens)
        self.lines = lines

    def _next(self) -> Token:
        current = self.token
        self.token = next(self._tokens)
        return current

    def _error(self, message: str, token: Token | None = None) -> JSSyntaxError:
        token = token or self.token
        return JSSyntaxError(message, token.line, token.column)

    def _describe(self, token: Token) -> str:
        if token.kind == "eof":
            return "end of file"
        if token.kind == "string":
            return "a string"
        return repr(token.value)

    def _expect(self, punct: str) -> Token:
        if self.token.kind != "punct" or self.token.value != punct:
            raise self._error(f"expected {punct!r}, found {self._describe(self.token)}")
        return self._next()

    def _is(self, punct: str) -> bool:
        return self.token.kind == "punct" and self.token.value == punct

    def document(self) -> Any:
        value = self.value(0)
        if self.token.kind != "eof":
            raise self._error(f"unexpected {self._describe(self.token)} after the end of the value")
        return value

    def value(self, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self._error(f"nested more than {MAX_DEPTH} levels deep")
        token = self.token
        if self._is("{"):
            return self._object(depth)
        if self._is("["):
            return self._array(depth)
        if token.kind == "string":
            return self._string_expression()
        if token.kind == "number":
            return self._next().value
        if token.kind == "ident" and token.value in _KEYWORDS:
            return _KEYWORDS[self._next().value]
        raise self._error(f"expected a value, found {self._describe(token)}")

    def _string_expression(self) -> str:
        parts = [self._next().value]
        while self._is("+"):
            plus = self._next()
            if self.token.kind != "string":
                raise self._error("'+' must be followed by a string literal", plus)
            parts.append(self._next().value)
        return "".join(parts)

    def _object(self, depth: int) -> dict:
        opening = self._expect("{")
        result: dict = {}
        if self.lines is not None:
            self.lines[id(result)] = opening.line
        while not self._is("}"):
            token = self.token
            if token.kind == "string":
                key = self._string_expression()
            elif token.kind == "ident":
                key = self._next().value
            elif token.kind == "number":
                key = str(self._next().value)
            else:
                raise self._error(f"expected a key or '}}', found {self._describe(token)}")
            self._expect(":")
            result[key] = self.value(depth + 1)
            if not self._is("}"):
                self._expect(",")
        self._next()
        return result

    def _array(self, depth: int) -> list:
        self._expect("[")
        result: list = []
        while not self._is("]"):
            result.append(self.value(depth + 1))
            if not self._is("]"):
                self._expect(",")
        self._next()
        return result


def loads(text: str, *, lines: dict[int, int] | None = None) -> Any:
    """Parse one JavaScript object/array literal; raises JSSyntaxError with the line and column.

    If `lines` is given it is filled with id(object) → the line of its opening brace, for every object
    in the result (valid while the result is alive), so callers can say where a bad record is.
    """
    return _Parser(text, lines).document()
