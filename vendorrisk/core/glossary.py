"""What every number on the pages means, in one place: the glossary page lists these and the `term` tag
links each use to its entry (a hover/focus tooltip on the page, the full text on the glossary)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    label: str  # as written on the pages
    expansion: str  # what an abbreviation stands for ("" when the label is already words)
    definition: str


TERMS = [
    Term(
        "score",
        "Score",
        "",
        "Concentration-risk score, 0–100: 100 × impact × (0.5 + 0.5 × likelihood). "
        "Bands: below 25 low, below 50 moderate, below 75 high, else critical.",
    ),
    Term(
        "impact",
        "Impact",
        "",
        "How much of the register a failure of the vendor would hit: "
        "1 − e^(−lab-equivalents), between 0 and 1.",
    ),
    Term(
        "lab-equivalents",
        "lab-equivalents",
        "",
        "The sum of every lab's harm from the vendor. 2.0 is as "
        "much exposure as two labs wholly dependent on it; it grows with each lab exposed.",
    ),
    Term(
        "harm",
        "Harm",
        "",
        "h(lab, vendor): how much one lab depends on a vendor, 0–1. Each of the lab's "
        "engagements that reaches the vendor adds its weight, halved per hop (1 − Π(1 − weight × 0.5^hops)).",
    ),
    Term(
        "weight",
        "Exposure → weight",
        "",
        "Each exposing engagement's weight: criticality × data "
        "sensitivity × substitutability, divided by its maximum (24), so between 0 and 1.",
    ),
    Term(
        "likelihood",
        "Likelihood",
        "",
        "How likely the vendor fails or is breached, 0–1: the base value "
        "from its current assessment's rating, raised by open or recent incidents at it or its providers.",
    ),
    Term(
        "default-likelihood",
        "default — no current assessment",
        "",
        "The vendor has no completed, "
        "unexpired assessment and no incident, so its likelihood is the assumed base value 0.50, not a "
        "measurement. Assess the vendor to replace it.",
    ),
    Term(
        "hhi",
        "HHI",
        "Herfindahl–Hirschman index",
        "How concentrated a lab's direct vendors are: "
        "10,000 × the sum of each vendor group's squared share of the lab's exposure. Below 1,000 "
        "unconcentrated, up to 1,800 moderate, above that high.",
    ),
    Term(
        "look-through",
        "Look-through index",
        "",
        "The HHI with fourth parties seen: each group's share "
        "counts everything the lab's data reaches through it, within 3 hops (halved per hop).",
    ),
    Term(
        "effective-providers",
        "Effective providers",
        "",
        "10,000 ÷ HHI: as if the lab's exposure were "
        "split equally among this many providers. 1.0 means one provider holds everything.",
    ),
    Term(
        "own-view",
        "Lab's own view",
        "",
        "A vendor's score from one lab's exposure alone: 100 × harm × (0.5 + 0.5 × likelihood).",
    ),
    Term(
        "filing",
        "Regulator filing",
        "",
        "A notification a lab owes a regulator after an incident that "
        "exposed its data; its clock starts when the lab became aware (else when the vendor confirmed).",
    ),
]

BY_KEY = {term.key: term for term in TERMS}
