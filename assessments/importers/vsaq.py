"""Google VSAQ questionnaire files → questionnaires (plain data; DESIGN.md sections 1 and 6).

A VSAQ file is a JavaScript object literal (see jsobject.py) holding a tree of items: `block`s (sections,
nested) containing `radiogroup`, `checkgroup`, `line`, `box` (answerable), `tip` and `info` (guidance).
Each answerable item becomes one question, in document order: code = the item id (ids longer than a
question code may be are shortened with a hash; items without an id get the common prefix of their
choice ids), domain = the enclosing block's text, text = the item text with HTML stripped.

Conditions: an item is shown when its `cond` holds and every enclosing block's `cond` holds. A question
here has one condition (another question + the responses that make it apply), so each VSAQ condition is
mapped onto the question it refers to:

- an answerable item id `x`: answered yes/partial; `!x`: answered no;
- a choice id of a radiogroup (or of a checkgroup whose two options are `…_yes`/`…_no`): its question,
  answered yes for a `…_yes` (or unmarked) choice, no for a `…_no` choice; negated, the opposite. Exact
  only when the choices are such a yes/no pair;
- an option id of any other checkgroup: its question answered yes or partial (some options apply);
- `^x` (x is shown) or a block/tip id: what x's own condition refers to (never exact).

A negation that cannot be expressed this way applies once the question is answered at all (yes, partial
or no): asking too often is safer than skipping a question. The item's own `cond` wins over its blocks'
(its target usually sits in the same block and carries the block's condition along); a compound
expression (`a && b`, `a || b`) uses its first reference to an earlier question. Whenever the stored
condition is not exactly the VSAQ one, the full expression is kept at the end of the text as
"(asked when: …)". `stats` counts how many conditions map exactly. The `cond` parser and the HTML
stripping are in vsaq_cond.py.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import jsobject
from .parsed import CODE_MAX, NAME_MAX, TEXT_MAX, ParsedQuestionnaire, SourceSyntaxError, clip
from .vsaq_cond import Cond, CondSyntaxError, Literal, parse_cond, strip_html

SOURCE = "Google VSAQ"
ANSWERABLE = frozenset({"radiogroup", "checkgroup", "box", "line", "yesno", "upload"})
GUIDANCE = frozenset({"tip", "info", "spacer"})
WITH_CHOICES = frozenset({"radiogroup", "checkgroup"})

YES = ["yes", "partial"]
YES_ONLY = ["yes"]
NO = ["no"]
ANSWERED = ["yes", "partial", "no"]


@dataclass(eq=False)
class Node:
    item: dict
    type: str
    item_id: str | None
    line: int | None
    blocks: list[Node]  # enclosing blocks, outermost first
    cond: Cond | None = None
    choices: list[tuple[str, str]] = field(default_factory=list)
    code: str = ""
    position: int = -1  # index among the questions, -1 for blocks and guidance

    @property
    def is_question(self) -> bool:
        return self.type in ANSWERABLE

    def conds(self) -> list[tuple[Node, Cond]]:
        """The conditions that must all hold for this item to be shown, outermost first."""
        chain = [(block, block.cond) for block in self.blocks if block.cond and block.cond.literals]
        if self.cond and self.cond.literals:
            chain.append((self, self.cond))
        return chain


@dataclass(frozen=True)
class Mapping:
    target: Node
    responses: list[str]
    exact: bool


class _Questionnaire:
    """One VSAQ file being read."""

    def __init__(self, parsed: ParsedQuestionnaire, lines: dict[int, int]):
        self.parsed = parsed
        self.lines = lines
        self.nodes: list[Node] = []
        self.by_id: dict[str, Node] = {}
        self.choice_owner: dict[str, tuple[Node, int]] = {}
        self.questions: list[Node] = []

    def error(self, node_or_item, reason: str) -> None:
        item = node_or_item.item if isinstance(node_or_item, Node) else node_or_item
        line = self.lines.get(id(item)) if isinstance(item, dict) else None
        self.parsed.error(reason, line=line)

    # Walking ------------------------------------------------------------------------------------

    def walk(self, items, blocks: list[Node]) -> None:
        if not isinstance(items, list):
            self.error(blocks[-1] if blocks else {}, 'a block\'s "items" must be a list.')
            return
        for item in items:
            self.visit(item, blocks)

    def visit(self, item, blocks: list[Node]) -> None:
        if not isinstance(item, dict):
            self.error(blocks[-1] if blocks else {}, "every item must be an object.")
            return
        item_type = item.get("type")
        item_id = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else None
        node = Node(item, str(item_type), item_id, self.lines.get(id(item)), blocks)
        if item_type in ANSWERABLE or item_type not in GUIDANCE | {"block"}:
            self.parsed.read += 1
        label = f"item {item_id!r}" if item_id else f"a {item_type or 'typeless'} item"
        if item_type not in ANSWERABLE | GUIDANCE | {"block"}:
            self.error(item, f"{label} has an unknown type {item_type!r}.")
            return
        if item_id is not None:
            if item_id in self.by_id or item_id in self.choice_owner:
                self.error(item, f"the id {item_id!r} is used twice.")
                return
            self.by_id[item_id] = node
        raw_cond = item.get("cond")
        if raw_cond not in (None, ""):
            try:
                if not isinstance(raw_cond, str):
                    raise CondSyntaxError("it must be a string")
                node.cond = parse_cond(raw_cond)
            except CondSyntaxError as exc:
                self.error(item, f"the condition of {label} ({raw_cond!r}) cannot be read: {exc}.")
                return
        if item_type in WITH_CHOICES and not self._read_choices(node, label):
            return
        self.nodes.append(node)
        if node.is_question:
            node.position = len(self.questions)
            self.questions.append(node)
        if item_type == "block":
            self.walk(item.get("items", []), [*blocks, node])

    def _read_choices(self, node: Node, label: str) -> bool:
        choices = node.item.get("choices")
        if not isinstance(choices, list) or not choices:
            self.error(node, f'{label} needs a non-empty "choices" list.')
            return False
        for index, choice in enumerate(choices):
            if not (isinstance(choice, dict) and len(choice) == 1):
                self.error(node, f"choice {index + 1} of {label} must be one {{id: label}} pair.")
                return False
            ((choice_id, choice_label),) = choice.items()
            if choice_id in self.by_id or choice_id in self.choice_owner:
                self.error(node, f"the id {choice_id!r} is used twice.")
                return False
            self.choice_owner[choice_id] = (node, index)
            node.choices.append((choice_id, strip_html(choice_label)))
        return True

    # Codes, text, domain ------------------------------------------------------------------------

    def assign_codes(self) -> None:
        taken = set(self.by_id) | set(self.choice_owner)
        used: set[str] = set()
        for node in self.questions:
            if node.item_id:
                code = shorten_code(node.item_id)
            else:
                prefix = os.path.commonprefix([choice_id for choice_id, _ in node.choices]).rstrip("_-")
                base = prefix or next((b.item_id for b in reversed(node.blocks) if b.item_id), "") or "item"
                code = shorten_code(base)
                if code in taken or code in used:
                    code = shorten_code(f"{base}-{node.type}")
                n = 2
                while code in taken or code in used:
                    code = shorten_code(f"{base}-{node.type}-{n}")
                    n += 1
            if code in used:
                self.error(node, f"the code {code!r} (from a shortened id) is used twice.")
                continue
            used.add(code)
            node.code = code

    @staticmethod
    def text_of(node: Node) -> str:
        text = strip_html(node.item.get("text"))
        if text:
            return text
        if node.choices:
            lead = "Select all that apply" if node.type == "checkgroup" else "Choose one"
            return f"{lead}: " + "; ".join(label or choice_id for choice_id, label in node.choices)
        return node.code

    @staticmethod
    def domain_of(node: Node) -> str:
        for block in reversed(node.blocks):
            title = strip_html(block.item.get("text")) or (block.item_id or "")
            if title:
                return clip(title, NAME_MAX)
        return ""

    # Conditions ---------------------------------------------------------------------------------

    def resolve(self, literal: Literal, before: Node, depth: int = 0) -> Mapping | None:
        """The question + responses a reference stands for, if that question comes before `before`."""
        name, negated = literal.name, literal.negated
        visibility = name.startswith("^")
        name = name.lstrip("^")
        suffix = ""
        match = re.search(r"/(yes|no|value)$", name)
        if match:
            name, suffix = name[: match.start()], match.group(1)
        if name == "false" or depth > 10:
            return None

        if name in self.choice_owner and not visibility:
            owner, _index = self.choice_owner[name]
            if not self._earlier(owner, before):
                return None
            polarity = _polarity(name)
            yes_no_pair = len(owner.choices) == 2 and sorted(_polarity(c) for c, _ in owner.choices) == [
                "no",
                "yes",
            ]
            if owner.type == "checkgroup" and not yes_no_pair:
                exact = len(owner.choices) == 1
                return Mapping(owner, (NO if exact else ANSWERED) if negated else YES, exact)
            if polarity == "no":
                return Mapping(owner, YES if negated else NO, yes_no_pair)
            if negated:
                return Mapping(owner, NO if yes_no_pair else ANSWERED, yes_no_pair)
            return Mapping(owner, YES_ONLY, yes_no_pair and polarity == "yes")

        node = self.by_id.get(name)
        if node is None:
            return None
        if node.is_question and not visibility:
            if not self._earlier(node, before):
                return None
            wants_no = negated != (suffix == "no")
            return Mapping(node, NO if wants_no else YES, suffix != "value")
        # `^x`, or a block/tip/info id: x is shown when its own conditions hold.
        for _owner, cond in reversed(node.conds()):
            for inner in cond.literals:
                mapping = self.resolve(inner, before, depth + 1)
                if mapping:
                    return Mapping(mapping.target, ANSWERED if negated else mapping.responses, False)
        return None

    @staticmethod
    def _earlier(target: Node, before: Node) -> bool:
        return target.is_question and bool(target.code) and 0 <= target.position < before.position

    def check_references(self) -> None:
        """A condition naming an id the file does not have is an error at the item that holds it."""
        for node in self.nodes:
            if not node.cond:
                continue
            for literal in node.cond.literals:
                name = re.sub(r"/(yes|no|value)$", "", literal.name.lstrip("^"))
                if name == "false" or name in self.by_id or name in self.choice_owner:
                    continue
                label = f"item {node.item_id!r}" if node.item_id else f"a {node.type} item"
                self.error(
                    node,
                    f"the condition of {label} ({node.cond.raw!r}) names {name!r}, which is not in the questionnaire.",
                )
                if node.is_question:
                    node.code = ""
                else:
                    node.cond = None
                break

    def map_conditions(self) -> dict[int, tuple[Mapping | None, list[tuple[Node, Cond]]]]:
        """position → (the mapped condition or None, the VSAQ conditions it stands for)."""
        result: dict[int, tuple[Mapping | None, list[tuple[Node, Cond]]]] = {}
        for node in self.questions:
            chain = node.conds()
            if not chain:
                continue
            owner, chosen = chain[-1]
            mapping = None
            for literal in chosen.literals:
                mapping = self.resolve(literal, node)
                if mapping:
                    if not chosen.simple:
                        mapping = Mapping(mapping.target, mapping.responses, False)
                    break
            result[node.position] = (mapping, chain)
        return result


def _polarity(choice_id: str) -> str:
    if choice_id.endswith("_yes"):
        return "yes"
    if choice_id.endswith("_no"):
        return "no"
    return ""


def shorten_code(item_id: str) -> str:
    """Question codes hold at most CODE_MAX characters: longer ids keep their start plus a short hash."""
    if len(item_id) <= CODE_MAX:
        return item_id
    digest = hashlib.sha1(item_id.encode("utf-8")).hexdigest()[:8]  # noqa: S324 - a name, not security
    return f"{item_id[: CODE_MAX - 9]}~{digest}"


def _root_items(document, file: str) -> list:
    if isinstance(document, dict) and isinstance(document.get("questionnaire"), list):
        return document["questionnaire"]
    if isinstance(document, list):
        return document
    raise SourceSyntaxError(file, 'not a VSAQ questionnaire: expected {"questionnaire": [ ... ]}')


def _title(root_items: list, file: str) -> str:
    first = root_items[0] if root_items else None
    title = strip_html(first.get("text")) if isinstance(first, dict) and first.get("type") == "block" else ""
    return clip(title or Path(file).stem.replace("_", " ").capitalize(), NAME_MAX)


def parse_vsaq(text: str, *, file: str, name: str | None = None) -> ParsedQuestionnaire:
    """Parse one VSAQ file; raises SourceSyntaxError if it is not readable at all.

    Items that cannot be read are listed in `errors` and left out (a condition naming one of them falls
    back as if it were unmapped), so a caller that skips invalid records still gets a usable questionnaire.
    """
    lines: dict[int, int] = {}
    try:
        document = jsobject.loads(text, lines=lines)
    except jsobject.JSSyntaxError as exc:
        raise SourceSyntaxError(file, f"column {exc.column}: {exc.message}", line=exc.line)
    root_items = _root_items(document, file)
    parsed = ParsedQuestionnaire(
        file=file,
        name=clip(name, NAME_MAX) if name else _title(root_items, file),
        source=SOURCE,
        description=(
            f"Imported from the Google VSAQ questionnaire {Path(file).name} (github.com/google/vsaq, "
            "© 2016 Google Inc., Apache License 2.0). Conditional questions are kept."
        ),
    )
    reader = _Questionnaire(parsed, lines)
    reader.walk(root_items, [])
    if not reader.questions and not parsed.errors:
        raise SourceSyntaxError(file, "the questionnaire has no answerable items")
    reader.assign_codes()
    reader.check_references()
    texts = {}
    for node in reader.questions:
        text = reader.text_of(node)
        if node.code and len(text) > TEXT_MAX:
            reader.error(node, f"the text of item {node.code!r} is longer than {TEXT_MAX} characters.")
            node.code = ""
        texts[node.position] = text

    mappings = reader.map_conditions()
    covered: dict[int, set[int]] = {}
    stats = dict.fromkeys(
        (
            "questions",
            "with_cond",
            "with_cond_mapped",
            "with_cond_exact",
            "conditional",
            "inherited",
            "exact",
            "unmapped",
        ),
        0,
    )
    for node in reader.questions:
        if not node.code:
            continue
        mapping, chain = mappings.get(node.position, (None, []))
        text, condition = texts[node.position], None
        own = bool(node.cond and node.cond.literals)
        stats["with_cond"] += own
        if chain:
            cover: set[int] = set()
            if mapping:
                condition = {"question": mapping.target.code, "responses": list(mapping.responses)}
                cover = ({id(chain[-1][0])} if mapping.exact else set()) | covered.get(
                    mapping.target.position, set()
                )
                stats["conditional"] += 1
                stats["inherited"] += not own
                stats["with_cond_mapped"] += own
                stats["with_cond_exact"] += own and mapping.exact
            else:
                stats["unmapped"] += 1
            covered[node.position] = cover
            exact = mapping is not None and {id(owner) for owner, _ in chain} <= cover
            stats["exact"] += exact
            if not exact:
                shown = " && ".join(c.raw if c.simple or len(chain) == 1 else f"({c.raw})" for _, c in chain)
                text = clip(f"{text} (asked when: {shown})", TEXT_MAX)
        stats["questions"] += 1
        parsed.questions.append(
            {
                "code": node.code,
                "domain": reader.domain_of(node),
                "text": text,
                "weight": 1,
                "condition": condition,
            }
        )
    parsed.stats = stats
    return parsed
