"""OSCAL catalog JSON → one questionnaire (plain data; DESIGN.md sections 1 and 6).

One question per control and per enhancement (controls nested in controls), in catalog order:
code = the control's `label` prop (the one without a class, e.g. `SR-3`, `SR-3(1)`), else its id upper-cased;
domain = the title of the group holding it; text = "<title>: <statement>", the statement parts flattened
into one line with parameters rendered as `[Assignment: …]` / `[Selection (one or more): …]`.
Withdrawn controls (`props` status = withdrawn) are skipped and counted. Pure: no Django, no ORM, so the
data migration that ships the default questionnaire can use it with historical models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from vendorrisk.core import jsonguard

from .parsed import CODE_MAX, NAME_MAX, TEXT_MAX, ParsedQuestionnaire, SourceSyntaxError, clip

SOURCE = "NIST SP 800-53r5"
DEFAULT_NAME = "Supply chain security (NIST SP 800-53r5 SR and related)"
DEFAULT_CATALOG = Path(__file__).resolve().parent.parent / "data" / "sp800-53r5_high_scrm_subset_catalog.json"

_INSERT = re.compile(r"\{\{\s*insert:\s*param\s*,\s*([^\s}]+)\s*\}\}")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.)\]])")
_MAX_PARAM_DEPTH = 10


def parse_catalog(text: str, *, file: str, name: str | None = None) -> ParsedQuestionnaire:
    """Parse an OSCAL catalog; raises SourceSyntaxError when the file is not one."""
    try:
        return _parse_catalog(text, file=file, name=name)
    except RecursionError:
        raise SourceSyntaxError(file, "the JSON is nested too deeply to be an OSCAL catalog")


def _parse_catalog(text: str, *, file: str, name: str | None) -> ParsedQuestionnaire:
    try:
        document = jsonguard.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceSyntaxError(file, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno)
    catalog = document.get("catalog") if isinstance(document, dict) else None
    if not isinstance(catalog, dict):
        raise SourceSyntaxError(file, 'not an OSCAL catalog: the top-level "catalog" object is missing')

    metadata = catalog.get("metadata") if isinstance(catalog.get("metadata"), dict) else {}
    parsed = ParsedQuestionnaire(
        file=file,
        name=name or DEFAULT_NAME,
        source=SOURCE,
        description=_description(metadata),
    )
    params = _param_index(catalog)
    seen_codes: dict[str, str] = {}
    for path, control, domain in _controls(catalog):
        parsed.read += 1
        _add_control(parsed, params, seen_codes, path, control, domain)
    if not parsed.read:
        raise SourceSyntaxError(file, "the catalog holds no controls")
    return parsed


def load_default_catalog() -> ParsedQuestionnaire:
    """The questionnaire that ships with the product (assessments/data/)."""
    return parse_catalog(DEFAULT_CATALOG.read_text(encoding="utf-8"), file=DEFAULT_CATALOG.name)


def _description(metadata: dict) -> str:
    title = metadata.get("title") or "OSCAL catalog"
    version = f" (version {metadata['version']})" if metadata.get("version") else ""
    return clip(
        f"Imported from {title}{version}. One question per control and control enhancement; answer for the "
        "vendor's practice. NIST SP 800-53 is a US government work (public domain; CC0 1.0 worldwide); "
        "not an official NIST product.",
        TEXT_MAX,
    )


def _controls(catalog: dict):
    """(path, control, group title) for every control and enhancement, depth first in document order."""

    def from_controls(controls, domain, path):
        if not isinstance(controls, list):
            return
        for index, control in enumerate(controls):
            here = f"{path}.controls[{index}]"
            yield here, control, domain
            if isinstance(control, dict):
                yield from from_controls(control.get("controls"), domain, here)

    def from_groups(groups, path):
        if not isinstance(groups, list):
            return
        for index, group in enumerate(groups):
            if not isinstance(group, dict):
                continue
            here = f"{path}.groups[{index}]"
            title = str(group.get("title") or group.get("id") or "")
            yield from from_controls(group.get("controls"), title, here)
            yield from from_groups(group.get("groups"), here)

    yield from from_controls(catalog.get("controls"), "", "catalog")
    yield from from_groups(catalog.get("groups"), "catalog")


def _props(item: dict, name: str) -> list[dict]:
    props = item.get("props")
    if not isinstance(props, list):
        return []
    return [
        p for p in props if isinstance(p, dict) and p.get("name") == name and isinstance(p.get("value"), str)
    ]


def _label(control: dict) -> str:
    labels = _props(control, "label")
    plain = [p["value"] for p in labels if not p.get("class")]
    if plain:
        return plain[0].strip()
    return str(control.get("id", "")).strip().upper()


def _add_control(
    parsed: ParsedQuestionnaire, params: dict, seen_codes: dict, path: str, control, domain: str
) -> None:
    if not isinstance(control, dict):
        parsed.error("a control must be a JSON object.", record=path)
        return
    record = f"{path} ({control.get('id', 'no id')})"
    if any(p["value"].strip().lower() == "withdrawn" for p in _props(control, "status")):
        parsed.skipped["withdrawn"] += 1
        return
    if not control.get("id") or not isinstance(control.get("id"), str):
        parsed.error('the control has no "id".', record=path)
        return
    title = control.get("title")
    if not isinstance(title, str) or not title.strip():
        parsed.error('the control has no "title".', record=record)
        return
    code = _label(control)
    if len(code) > CODE_MAX:
        parsed.error(f"the label {code!r} is longer than {CODE_MAX} characters.", record=record)
        return
    if code in seen_codes:
        parsed.error(f"the label {code!r} is also used by {seen_codes[code]}.", record=record)
        return
    seen_codes[code] = control["id"]
    statement = _statement(control, params)
    text = f"{_tidy(title)}: {statement}" if statement else _tidy(title)
    if len(text) > TEXT_MAX:
        parsed.error(f"the statement is longer than {TEXT_MAX} characters.", record=record)
        return
    parsed.questions.append(
        {"code": code, "domain": clip(domain, NAME_MAX), "text": text, "weight": 1, "condition": None}
    )


def _param_index(catalog: dict) -> dict[str, dict]:
    """Every parameter of every control by id (and by its alt-identifier): statements may cite either."""
    index: dict[str, dict] = {}
    for _path, control, _domain in _controls(catalog):
        if not isinstance(control, dict) or not isinstance(control.get("params"), list):
            continue
        for param in control["params"]:
            if isinstance(param, dict) and isinstance(param.get("id"), str):
                index.setdefault(param["id"], param)
                for alt in _props(param, "alt-identifier"):
                    index.setdefault(alt["value"], param)
    return index


def _statement(control: dict, params: dict) -> str:
    parts = control.get("parts") if isinstance(control.get("parts"), list) else []
    pieces: list[str] = []
    for part in parts:
        if isinstance(part, dict) and part.get("name") == "statement":
            _flatten(part, params, pieces)
    return _tidy(" ".join(pieces))


def _flatten(part: dict, params: dict, pieces: list[str]) -> None:
    labels = _props(part, "label")
    label = labels[0]["value"].strip() if labels else ""
    prose = _render(part.get("prose") or "", params) if isinstance(part.get("prose"), str) else ""
    line = " ".join(x for x in (label, prose) if x)
    if line:
        pieces.append(line)
    for child in part.get("parts") or []:
        if isinstance(child, dict) and child.get("name") in (None, "item", "statement"):
            _flatten(child, params, pieces)


def _render(prose: str, params: dict, depth: int = 0) -> str:
    return _INSERT.sub(lambda m: _param_text(m.group(1), params, depth), prose)


def _param_text(param_id: str, params: dict, depth: int) -> str:
    param = params.get(param_id)
    if param is None or depth >= _MAX_PARAM_DEPTH:
        return f"[Assignment: {param_id}]"
    select = param.get("select")
    if isinstance(select, dict):
        choices = [
            _render(c, params, depth + 1).strip() for c in select.get("choice") or [] if isinstance(c, str)
        ]
        how_many = " (one or more)" if select.get("how-many") == "one-or-more" else ""
        return f"[Selection{how_many}: {'; '.join(choices)}]"
    if isinstance(param.get("label"), str) and param["label"].strip():
        return f"[Assignment: {param['label'].strip()}]"
    values = [v for v in param.get("values") or [] if isinstance(v, str)]
    if values:
        return ", ".join(values)
    return f"[Assignment: {param_id}]"


def _tidy(text: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACE.sub(" ", text)).strip()
