"""The register linter: the blocking rules of the EBA checks, field checks and completeness.

Each finding names the template, the row (1 = first data row), the column, the object to fix and where to
fix it (its page and its API address). Blocking findings stop a non-draft export (409).
"""

from dataclasses import asdict, dataclass

from django.urls import NoReverseMatch, reverse
from stdnum import lei as stdnum_lei

from vendors.choices import LICENSED_ACTIVITIES
from vendors.validators import COUNTRY_CODES, CURRENCY_CODES

from . import templates as t
from .build import Register, hard_to_substitute

BLOCKING, ERROR, WARNING = "blocking", "error", "warning"
UI = {"lab": "ui:lab-detail", "engagement": "ui:engagement-edit", "vendor": "ui:vendor-detail"}
API = {
    "lab": "lab-detail",
    "engagement": "engagement-detail",
    "vendor": "vendor-detail",
    "function": "function-detail",
}
LICENSED = {f"eba_TA:{c}" for c in LICENSED_ACTIVITIES}


@dataclass
class Finding:
    severity: str
    rule: str
    template: str
    row: int | None
    column: str | None
    message: str
    object_type: str | None
    object_id: int | None
    url: str | None
    api_url: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def _link(names: dict, object_type: str | None, object_id: int | None) -> str | None:
    if object_type not in names or object_id is None:
        return None
    try:
        return reverse(names[object_type], kwargs={"pk": object_id})
    except NoReverseMatch:
        return None


class Linter:
    def __init__(self, register: Register):
        self.register = register
        self.findings: list[Finding] = []
        # Engagements whose reason is not reported because their vendor is substitutable.
        self._reason_dropped = {
            e.id for e in register.engagements if e.non_substitutable_reason and not hard_to_substitute(e)
        }

    def add(
        self, severity, rule, template, row_no, column, message, row=None, object_type=None, object_id=None
    ):
        object_type = row.object_type if row is not None else object_type
        object_id = row.object_id if row is not None else object_id
        ui = _link(UI, object_type, object_id)
        if object_type == "function" and object_id is not None:
            ui = reverse("register:functions") + f"#function-{object_id}"
        self.findings.append(Finding(
            severity, rule, template, row_no, column, message, object_type, object_id, ui,
            _link(API, object_type, object_id),
        ))  # fmt: skip

    def run(self) -> list[Finding]:
        tables = self.register.tables
        keys = {}
        for template in t.TEMPLATES:
            rows = tables.get(template.id, [])
            keys[template.id] = self._keys(template, rows)
            for number, row in enumerate(rows, start=1):
                self._fields(template, number, row)
        for template in t.TEMPLATES:
            for column, parent, parent_column in template.references:
                known = {r.values.get(parent_column) for r in tables.get(parent, [])}
                for number, row in enumerate(tables.get(template.id, []), start=1):
                    value = row.values.get(column)
                    if value and value not in known:
                        self.add(BLOCKING, "foreign_key", template.id, number, column,
                                 f"“{value}” is not in {parent} {parent_column}.", row)  # fmt: skip
        self._filing_indicators(self.register.filing_indicators())
        self._parameters()
        return self.findings

    def _keys(self, template, rows) -> None:
        seen: dict[tuple, int] = {}
        for number, row in enumerate(rows, start=1):
            key = tuple(row.values.get(c, "") for c in template.key)
            for column, value in zip(template.key, key, strict=True):
                if not value and template.column(column).mandatory:
                    self.add(BLOCKING, "empty_primary_key", template.id, number, column,
                             f"{template.column(column).label} is empty: it is part of the key.", row)  # fmt: skip
            if not all(key):
                continue  # an empty key is reported once, above, not again as a duplicate
            if key in seen:
                self.add(BLOCKING, "duplicate_primary_key", template.id, number, ",".join(template.key),
                         f"Same key as row {seen[key]}.", row)  # fmt: skip
            else:
                seen[key] = number

    def _fields(self, template, number, row) -> None:
        for column in template.columns:
            value = row.values.get(column.code, "")
            if not value:
                if column.mandatory and column.code not in template.key:
                    self.add(ERROR, "mandatory", template.id, number, column.code,
                             f"{column.label} is missing.", row)  # fmt: skip
                continue
            problem = self._check(column, value)
            if problem:
                self.add(ERROR, column.kind, template.id, number, column.code, problem, row)
        values = row.values
        if template.id == "B_02.02" and values.get("c0070") and values.get("c0080", "") < values["c0070"]:
            self.add(
                ERROR,
                "dates_in_order",
                template.id,
                number,
                "c0080",
                "The end date is before the start date.",
                row,
            )
        if (
            template.id == "B_02.02"
            and values.get("c0140") == t.YES
            and values.get("c0150") == t.NOT_APPLICABLE_COUNTRY
        ):
            self.add(
                ERROR,
                "mandatory",
                template.id,
                number,
                "c0150",
                "Data is stored: give where it is at rest.",
                row,
            )
        if (
            template.id == "B_07.01"
            and values.get("c0050") in t.members(t.SUBSTITUTABILITY)[:2]
            and not values.get("c0060")
        ):
            self.add(ERROR, "mandatory", template.id, number, "c0060",
                     "Not or hardly substitutable: give the reason (non_substitutable_reason).", row)  # fmt: skip
        if (
            template.id == "B_07.01"
            and row.object_type == "engagement"
            and row.object_id in self._reason_dropped
        ):
            self.add(WARNING, "closed_list", template.id, number, "c0060",
                     "A reason for a vendor that is substitutable is not reported; clear it or change "
                     "the substitutability.", row)  # fmt: skip

    @staticmethod
    def _check(column, value: str) -> str | None:
        if column.kind == t.LEI:
            return (
                None
                if stdnum_lei.is_valid(value) and value == value.upper()
                else f"“{value}” is not a valid LEI."
            )
        if column.kind == t.COUNTRY:
            if value == t.NOT_APPLICABLE_COUNTRY or value.removeprefix("eba_GA:") in COUNTRY_CODES:
                return None
            return f"“{value}” is not an ISO 3166 country."
        if column.kind == t.CURRENCY:
            return (
                None
                if value.removeprefix("eba_CU:") in CURRENCY_CODES
                else f"“{value}” is not an ISO 4217 currency."
            )
        if column.kind == t.CLOSED:
            allowed = column.closed or tuple(LICENSED)
            return None if value in allowed else f"“{value}” is not in the closed list."
        if column.kind == t.INTEGER:
            return None if value.isdigit() else f"“{value}” is not a whole number."
        return None

    def _filing_indicators(self, indicators: dict[str, bool]) -> None:
        for template in t.TEMPLATES:
            has_rows = bool(self.register.tables.get(template.id))
            if indicators.get(template.id) != has_rows:
                self.add(BLOCKING, "filing_indicator", template.id, None, None,
                         f"The filing indicator says {indicators.get(template.id)} but the file has "
                         f"{'rows' if has_rows else 'no rows'}.", object_type="lab", object_id=self.register.lab.id)  # fmt: skip

    def _parameters(self) -> None:
        lab = self.register.lab
        if not lab.assets_currency:
            self.add(ERROR, "mandatory", "parameters", None, "baseCurrency",
                     "The lab has no currency: set assets_currency.", object_type="lab", object_id=lab.id)  # fmt: skip


def lint(register: Register) -> dict:
    """The lint answer: `{"ready", "completeness", "findings"}`."""
    findings = Linter(register).run()
    bad = {f.object_id for f in findings if f.object_type == "engagement" and f.severity in (BLOCKING, ERROR)}
    total = len(register.engagements)
    ready_count = sum(1 for e in register.engagements if e.id not in bad)
    order = {BLOCKING: 0, ERROR: 1, WARNING: 2}
    findings.sort(key=lambda f: (order[f.severity], f.template, f.row or 0, f.column or ""))
    return {
        "ready": not any(f.severity == BLOCKING for f in findings),
        "completeness": round(100.0 * ready_count / total, 1) if total else 100.0,
        "findings": [f.as_dict() for f in findings],
    }
