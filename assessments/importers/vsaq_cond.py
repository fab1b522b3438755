"""VSAQ text and conditions: item HTML → plain text, and the parser of `cond` expressions (used by vsaq.py).

`strip_html` turns the HTML of item texts and choice labels into one line of text (block-level tags
become spaces, entities are unescaped). `parse_cond` reads a VSAQ `cond` (`a`, `!a`, `a && (b || !^c)`,
`matches(a/value, "x")`) into a `Cond`: the referenced ids in order as `Literal`s (with their
negation) and whether the expression is a single, possibly negated, id; a malformed expression raises
`CondSyntaxError`. Neither knows about the item tree: mapping references onto questions stays in vsaq.py.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# --- HTML → text -------------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    _BREAKS = frozenset({"p", "br", "li", "div", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "table"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def strip_html(value) -> str:
    if not isinstance(value, str) or not value:
        return ""
    extractor = _TextExtractor()
    extractor.feed(value)
    extractor.close()
    return re.sub(r"\s+", " ", html.unescape("".join(extractor.parts))).strip()


# --- cond expressions --------------------------------------------------------------------------------

_COND_SPECIAL = " ()!&|,"
_GLOBAL_FUNCTIONS = frozenset({"matches", "contains"})


class CondSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Literal:
    name: str
    negated: bool


@dataclass(frozen=True)
class Cond:
    """A parsed `cond`: the referenced ids in order, and whether it is just one (possibly negated) id."""

    raw: str
    literals: tuple[Literal, ...]
    simple: bool


def _cond_tokens(expression: str) -> list[str]:
    tokens: list[str] = []
    i, current = 0, ""
    while i < len(expression):
        ch = expression[i]
        if ch == '"' and not current:
            end = i + 1
            while end < len(expression) and expression[end] != '"':
                end += 2 if expression[end] == "\\" else 1
            if end >= len(expression):
                raise CondSyntaxError("unterminated string")
            tokens.append(expression[i : end + 1])
            i = end + 1
            continue
        if ch not in _COND_SPECIAL:
            current += ch
            i += 1
            continue
        if current:
            tokens.append(current)
            current = ""
        if ch in "&|":
            if expression[i : i + 2] != ch * 2:
                raise CondSyntaxError(f"use {ch * 2!r}, not {ch!r}")
            tokens.append(ch * 2)
            i += 2
            continue
        if ch != " ":
            tokens.append(ch)
        i += 1
    if current:
        tokens.append(current)
    return tokens


def parse_cond(expression: str) -> Cond:
    """Parse a VSAQ condition (`a`, `!a`, `a && (b || !c)`, `matches(a/value, "x")`)."""
    tokens = _cond_tokens(expression)
    literals: list[Literal] = []
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise CondSyntaxError("the expression ends too early")
        pos += 1
        return tokens[pos - 1]

    def expr() -> None:
        unary(False)
        while peek() in ("&&", "||"):
            take()
            unary(False)

    def unary(negated: bool) -> None:
        token = take()
        if token == "!":
            unary(not negated)
        elif token == "(":
            expr()
            if take() != ")":
                raise CondSyntaxError("a '(' is not closed")
        elif token in (")", "&&", "||", ","):
            raise CondSyntaxError(f"unexpected {token!r}")
        elif token.startswith('"'):
            return
        elif token in _GLOBAL_FUNCTIONS and peek() == "(":
            take()
            expr()
            while peek() == ",":
                take()
                expr()
            if take() != ")":
                raise CondSyntaxError(f"the arguments of {token}() are not closed")
        else:
            literals.append(Literal(token, negated))

    if not tokens:
        return Cond(expression, (), False)
    expr()
    if pos != len(tokens):
        raise CondSyntaxError(f"unexpected {tokens[pos]!r}")
    simple = len(literals) == 1 and tokens[-1] == literals[0].name and all(t == "!" for t in tokens[:-1])
    return Cond(expression, tuple(literals), simple)
