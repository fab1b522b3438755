"""The EBA DORA register of information, encoded once: templates B_01.01 … B_07.01 and B_99.01, their
column codes, keys, cross-template keys and the closed-list codes our values are reported as.

Source: Implementing Regulation (EU) 2024/2956 annexes and the EBA DORA taxonomy 4.0 (xBRL-CSV, column
codes `c0010`…, closed-list members `eba_XX:xNNN`). Column codes, keys and members were checked against a
public reconciliation of the EBA annotated table layout (DORA 4.0), sample package and list of possible
values (3 March 2025); the mandatory flags follow the ITS and are not confirmed. Everything the export writes and the linter checks
reads these definitions; nothing else spells a column code.
"""

from dataclasses import dataclass, field

from .closed_lists import (  # noqa: F401  (re-exported: templates.X is the one place to read them)
    ARRANGEMENT_TYPE,
    CRITICAL,
    ENTITY_TYPE,
    HIERARCHY,
    ICT_SERVICE,
    IDENTIFIER_TYPE,
    IMPACT,
    NATURE_NOT_BRANCH,
    NO,
    NON_FINANCIAL_ENTITY_TYPES,
    NON_SUBSTITUTABLE_REASON,
    NOT_APPLICABLE_COUNTRY,
    NOT_ASSESSED,
    OPEN_END,
    PERSON_TYPE,
    REINTEGRATION,
    RELIANCE,
    SENSITIVENESS,
    SUBSTITUTABILITY,
    TERMINATION_REASON,
    YES,
    identifier_type_code,
    members,
)

# Column kinds: how a value is written and checked.
TEXT, LEI, COUNTRY, CURRENCY, DATE, MONETARY, INTEGER, CLOSED, BOOLEAN = (
    "text", "lei", "country", "currency", "date", "monetary", "integer", "closed", "boolean",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    kind: str = TEXT
    mandatory: bool = True
    closed: tuple[str, ...] = ()  # allowed members of a CLOSED column


@dataclass(frozen=True)
class Template:
    id: str  # B_02.01
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the primary key's column codes
    # (column, parent template, parent column): a value here must exist there.
    references: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def file(self) -> str:
        return self.id.lower() + ".csv"  # b_02.01.csv

    @property
    def header(self) -> list[str]:
        return [c.code for c in self.columns]

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)


C = Column
BINARY = (YES, NO)
TRI = (YES, NO, NOT_ASSESSED)
PROVIDER_TYPE = C("", "Type of code to identify the ICT third-party service provider")


def code_type(code: str, label: str = PROVIDER_TYPE.label, *, mandatory: bool = True) -> Column:
    """A "type of code" column: a member of the EBA list of code types (LEI, EUID, CRN, VAT, …)."""
    return C(code, label, CLOSED, mandatory, members(IDENTIFIER_TYPE))


TEMPLATES: tuple[Template, ...] = (
    Template(
        "B_01.01",
        "Entity maintaining the register of information",
        (
            C("c0010", "LEI of the entity maintaining the register", LEI),
            C("c0020", "Name of the entity"),
            C("c0030", "Country of the entity", COUNTRY),
            C(
                "c0040",
                "Type of entity",
                CLOSED,
                closed=tuple(m for m in members(ENTITY_TYPE) if m not in NON_FINANCIAL_ENTITY_TYPES),
            ),
            C("c0050", "Competent authority"),
            C("c0060", "Date of the reporting", DATE),
        ),
        key=("c0010",),
    ),
    Template(
        "B_01.02",
        "List of entities within the scope of the register",
        (
            C("c0010", "LEI of the entity", LEI),
            C("c0020", "Name of the entity"),
            C("c0030", "Country of the entity", COUNTRY),
            C("c0040", "Type of entity", CLOSED, closed=members(ENTITY_TYPE)),
            C("c0050", "Hierarchy of the entity within the group", CLOSED, closed=members(HIERARCHY)),
            C("c0060", "LEI of the direct parent undertaking", LEI),
            C("c0070", "Date of last update", DATE),
            C("c0080", "Date of integration in the register", DATE),
            C("c0090", "Date of deletion in the register", DATE),
            C("c0100", "Currency", CURRENCY),
            C("c0110", "Value of total assets", MONETARY),
        ),
        key=("c0010",),
    ),
    Template(
        # Branches are not modelled (a lab has no branches): header only.
        "B_01.03",
        "List of branches",
        (
            C("c0010", "Identification code of the branch"),
            C("c0020", "LEI of the head office of the branch", LEI),
            C("c0030", "Name of the branch"),
            C("c0040", "Country of the branch", COUNTRY),
        ),
        key=("c0010", "c0020"),
        references=(("c0020", "B_01.02", "c0010"),),
    ),
    Template(
        "B_02.01",
        "Contractual arrangements – general information",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Type of contractual arrangement", CLOSED, closed=members(ARRANGEMENT_TYPE)),
            C("c0030", "Overarching contractual arrangement reference number", mandatory=False),
            C("c0040", "Currency of the amount reported in c0050", CURRENCY),
            C("c0050", "Annual expense or estimated cost", MONETARY),
        ),
        key=("c0010",),
        references=(("c0030", "B_02.01", "c0010"),),
    ),
    Template(
        "B_02.02",
        "Contractual arrangements – specific information",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity making use of the ICT service(s)", LEI),
            C("c0030", "Identification code of the ICT third-party service provider"),
            code_type("c0040"),
            C("c0050", "Function identifier"),
            C("c0060", "Type of ICT services", CLOSED, closed=members(ICT_SERVICE)),
            C("c0070", "Start date of the contractual arrangement", DATE),
            C("c0080", "End date of the contractual arrangement", DATE),
            C("c0090", "Reason of the termination or ending", CLOSED, False, members(TERMINATION_REASON)),
            C("c0100", "Notice period for the financial entity (days)", INTEGER),
            C("c0110", "Notice period for the ICT third-party service provider (days)", INTEGER),
            C("c0120", "Country of the governing law", COUNTRY),
            C("c0130", "Country of provision of the ICT services", COUNTRY),
            C("c0140", "Storage of data", CLOSED, closed=BINARY),
            C("c0150", "Location of the data at rest (storage)", COUNTRY),
            C("c0160", "Location of management of the data (processing)", COUNTRY),
            C("c0170", "Sensitiveness of the data stored", CLOSED, closed=members(SENSITIVENESS)),
            C("c0180", "Level of reliance on the ICT service", CLOSED, closed=members(RELIANCE)),
        ),
        key=("c0010", "c0020", "c0030", "c0050", "c0060", "c0130", "c0150", "c0160"),
        references=(
            ("c0010", "B_02.01", "c0010"),
            ("c0020", "B_01.02", "c0010"),
            ("c0030", "B_05.01", "c0010"),
            ("c0050", "B_06.01", "c0010"),
        ),
    ),
    Template(
        # An arrangement with an ICT intra-group provider (c0010) linked to that provider's own arrangement
        # with its direct ICT third-party provider (c0020), per the annex's instructions; not an overarching
        # ↔ subsequent link (that is B_02.01 c0030). The register holds no such link: header only.
        "B_02.03",
        "List of intra-group contractual arrangements",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Contractual arrangement linked to c0010"),
            C("c0030", "Link", BOOLEAN),
        ),
        key=("c0010", "c0020"),
        references=(("c0010", "B_02.01", "c0010"), ("c0020", "B_02.01", "c0010")),
    ),
    Template(
        "B_03.01",
        "Entities signing the contractual arrangements for receiving ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity signing the contractual arrangement", LEI),
            C("c0030", "Link", BOOLEAN),
        ),
        key=("c0010", "c0020"),
        references=(("c0010", "B_02.01", "c0010"), ("c0020", "B_01.02", "c0010")),
    ),
    Template(
        "B_03.02",
        "ICT third-party service providers signing the contractual arrangements",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Identification code of the ICT third-party service provider"),
            code_type("c0030"),
        ),
        key=("c0010", "c0020"),
        references=(("c0010", "B_02.01", "c0010"), ("c0020", "B_05.01", "c0010")),
    ),
    Template(
        # ICT intra-group providers: a vendor whose LEI is a lab of the same lab group (register.build).
        "B_03.03",
        "Entities signing the contractual arrangements for providing ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity providing ICT services", LEI),
            C("c0031", "Link", BOOLEAN),
        ),
        key=("c0010", "c0020"),
        references=(("c0010", "B_02.01", "c0010"),),
    ),
    Template(
        "B_04.01",
        "Entities making use of the ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "LEI of the entity making use of the ICT service(s)", LEI),
            C("c0030", "Nature of the entity", CLOSED, closed=("eba_ZZ:x838", NATURE_NOT_BRANCH)),
            C("c0040", "Identification code of the branch", mandatory=False),
        ),
        key=("c0010", "c0020", "c0040"),
        references=(("c0010", "B_02.01", "c0010"), ("c0020", "B_01.02", "c0010")),
    ),
    Template(
        "B_05.01",
        "ICT third-party service providers",
        (
            C("c0010", "Identification code of the ICT third-party service provider"),
            code_type("c0020"),
            C(
                "c0030",
                "Additional identification code of the ICT third-party service provider",
                mandatory=False,
            ),
            code_type("c0040", "Type of additional identification code", mandatory=False),
            C("c0050", "Legal name of the ICT third-party service provider"),
            C("c0060", "Name of the ICT third-party service provider in Latin alphabet", mandatory=False),
            C(
                "c0070",
                "Type of person of the ICT third-party service provider",
                CLOSED,
                closed=members(PERSON_TYPE),
            ),
            C("c0080", "Country of the ICT third-party service provider's headquarters", COUNTRY),
            C("c0090", "Currency of the amount reported in c0100", CURRENCY, mandatory=False),
            C("c0100", "Total annual expense or estimated cost", MONETARY, mandatory=False),
            # The provider's own code when it is its own ultimate parent (register.build).
            C("c0110", "Identification code of the provider's ultimate parent undertaking"),
            code_type("c0120", "Type of code to identify the ultimate parent undertaking", mandatory=False),
        ),
        key=("c0010",),
    ),
    Template(
        "B_05.02",
        "ICT service supply chains",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Type of ICT services", CLOSED, closed=members(ICT_SERVICE)),
            C("c0030", "Identification code of the ICT third-party service provider"),
            code_type("c0040"),
            C("c0050", "Rank", INTEGER),
            C(
                "c0060",
                "Identification code of the recipient of sub-contracted ICT services",
                mandatory=False,
            ),
            code_type("c0070", "Type of code to identify the recipient", mandatory=False),
        ),
        key=("c0010", "c0020", "c0030", "c0050", "c0060"),
        references=(
            ("c0010", "B_02.01", "c0010"),
            ("c0030", "B_05.01", "c0010"),
            ("c0060", "B_05.01", "c0010"),
        ),
    ),
    Template(
        "B_06.01",
        "Functions identification",
        (
            C("c0010", "Function identifier"),
            C(
                "c0020", "Licensed activity", CLOSED
            ),  # members checked against vendors.choices.LICENSED_ACTIVITIES
            C("c0030", "Function name"),
            C("c0040", "LEI of the financial entity", LEI),
            C("c0050", "Criticality or importance assessment", CLOSED, closed=TRI),
            C("c0060", "Reasons for criticality or importance", mandatory=False),
            C("c0070", "Date of the last assessment of criticality or importance", DATE),
            C("c0080", "Recovery time objective of the function (hours)", INTEGER),
            C("c0090", "Recovery point objective of the function (hours)", INTEGER),
            C("c0100", "Impact of discontinuing the function", CLOSED, closed=members(IMPACT)),
        ),
        key=("c0010", "c0040"),
        references=(("c0040", "B_01.02", "c0010"),),
    ),
    Template(
        "B_07.01",
        "Assessment of the ICT services",
        (
            C("c0010", "Contractual arrangement reference number"),
            C("c0020", "Identification code of the ICT third-party service provider"),
            code_type("c0030"),
            C("c0040", "Type of ICT services", CLOSED, closed=members(ICT_SERVICE)),
            C(
                "c0050",
                "Substitutability of the ICT third-party service provider",
                CLOSED,
                closed=members(SUBSTITUTABILITY),
            ),
            C(
                "c0060",
                "Reason if not substitutable or difficult to substitute",
                CLOSED,
                False,  # mandatory only when c0050 is "not substitutable" or "highly complex" (lint)
                members(NON_SUBSTITUTABLE_REASON),
            ),
            C(
                "c0070",
                "Date of the last audit on the ICT third-party service provider",
                DATE,
                mandatory=False,
            ),
            C("c0080", "Existence of an exit plan", CLOSED, closed=BINARY),
            C(
                "c0090",
                "Possibility of reintegration of the contracted ICT service",
                CLOSED,
                closed=members(REINTEGRATION),
            ),
            C("c0100", "Impact of discontinuing the ICT services", CLOSED, closed=members(IMPACT)),
            C("c0110", "Alternative ICT third-party service providers identified", CLOSED, closed=TRI),
            C("c0120", "Identification of alternative ICT third-party service providers", mandatory=False),
        ),
        key=("c0010", "c0020", "c0040"),
        references=(("c0010", "B_02.01", "c0010"), ("c0020", "B_05.01", "c0010")),
    ),
    Template(
        # One row; one free-text column per closed-list option: what the entity means by it.
        "B_99.01",
        "Definitions from entities making use of the ICT services",
        tuple(
            C(f"c{n * 10:04d}", label, mandatory=False)
            for n, label in enumerate(
                (
                    "Standalone arrangement (B_02.01.0020)",
                    "Overarching arrangement (B_02.01.0020)",
                    "Subsequent or associated arrangement (B_02.01.0020)",
                    "Low (B_02.02.0170, sensitiveness of the data stored)",
                    "Medium (B_02.02.0170)",
                    "High (B_02.02.0170)",
                    "Low (B_06.01.0100, impact of discontinuing the function)",
                    "Medium (B_06.01.0100)",
                    "High (B_06.01.0100)",
                    "Not substitutable (B_07.01.0050)",
                    "Highly complex substitutability (B_07.01.0050)",
                    "Medium complexity in terms of substitutability (B_07.01.0050)",
                    "Easily substitutable (B_07.01.0050)",
                    "Easy (B_07.01.0090, reintegration)",
                    "Difficult (B_07.01.0090)",
                    "Highly complex (B_07.01.0090)",
                    "Low (B_07.01.0100, impact of discontinuing the ICT services)",
                    "Medium (B_07.01.0100)",
                    "High (B_07.01.0100)",
                ),
                start=1,
            )
        ),
        key=(),
    ),
)
BY_ID = {t.id: t for t in TEMPLATES}
