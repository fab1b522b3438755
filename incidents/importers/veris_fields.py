"""VERIS (VCDB) incident fields → the register's incident fields (used by veris.py).

Pure functions of one parsed VERIS record and the tables they use: `partner_name` (the vendor named
at the start of `actor.partner.notes`, see its docstring for the rule), `incident_date` (from
`timeline.incident`), `records_total`, `severity_of` (the impact rating, else the records affected),
`attack_vector_of` (the first matching action rule), `data_categories_of`, `data_exposure_of`,
`title_of` and `source_url_of`, plus `dig` to reach nested keys safely. A value the register cannot
take raises a `RecordError` naming the VERIS field. Reading files and writing incidents stay in veris.py.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime

from django.core.validators import URLValidator
from django.utils import timezone

from incidents.choices import AttackVector, DataExposure
from vendors.choices import DataCategory, Severity
from vendors.models import NAME_MAX

from .names import clean_name, clean_text
from .report import RecordError

SEVERITY_BY_RATING = {
    "Catastrophic": Severity.CRITICAL,
    "Damaging": Severity.HIGH,
    "Painful": Severity.MEDIUM,
    "Distracting": Severity.LOW,
    "Insignificant": Severity.LOW,
}

# attribute.confidentiality.data[].variety → the register's data categories. VERIS varieties that
# name none of them (Internal, Secrets, Classified, System, Copyrighted, Other, Unknown) add nothing:
# "internal documents" or "trade secrets" do not say whether training data or model weights leaked.
DATA_CATEGORY_BY_VARIETY = {
    "Personal": DataCategory.PERSONAL_DATA,
    "Medical": DataCategory.PERSONAL_DATA,
    "Payment": DataCategory.PERSONAL_DATA,
    "Bank": DataCategory.PERSONAL_DATA,
    "Credentials": DataCategory.CREDENTIALS,
    "Source code": DataCategory.SOURCE_CODE,
}

DATA_EXPOSURE_BY_DISCLOSURE = {
    "Yes": DataExposure.CONFIRMED,
    "Potentially": DataExposure.SUSPECTED,
    "Unknown": DataExposure.SUSPECTED,
    "No": DataExposure.NONE,
}

# Attack vector: the first rule that matches wins, most specific first.
#   malware.variety Ransomware                          → ransomware
#   social.variety Phishing                             → phishing
#   hacking.variety Use of stolen creds / Brute force   → credential_theft
#   hacking.vector or malware.vector Partner, or
#   hacking.vector 3rd party desktop                    → supply_chain (came in through another party)
#   error.variety Misconfiguration                      → misconfiguration
#   any misuse action                                   → insider (misuse is by people with access)
#   only action.unknown, or no action                   → unknown
#   anything else (loss, theft, disposal, misdelivery…) → other
# A partner *actor* alone does not make it supply_chain: the incident is recorded at the partner, so
# the partner's own staff losing a box is their error, not an attack through their supply chain.
CREDENTIAL_HACKING = {"Use of stolen creds", "Brute force"}
SUPPLY_CHAIN_VECTORS = {"Partner", "3rd party desktop"}

# Notes that are placeholders, or that open with a word that starts a sentence rather than a name.
PLACEHOLDER_NOTES = {"unknown", "not listed", "none", "n/a", "na", "unnamed", "not disclosed", "other"}
NOT_A_NAME_START = {
    "a", "an", "the", "this", "that", "these", "he", "she", "it", "they", "we", "in", "when", "after",
    "partner", "partners", "unknown", "data", "company", "call", "employee", "been", "programing",
    "programming", "renovation", "landlord", "numerous", "website", "actor", "agents",
}  # fmt: skip
# Capitalised words that open the sentence written after a name ("CVS Pharmacy This is ...").
SENTENCE_SUBJECTS = {
    "this",
    "that",
    "he",
    "she",
    "it",
    "they",
    "we",
    "partner",
    "actor",
    "agents",
    "sub-contract",
}
NAME_CONNECTORS = {"of", "and", "&", "for", "de", "du", "la", "y", "-", "/", "+"}
NAME_MAX_WORDS = 8
_UPPER_START = re.compile(r"^[\"'(]*[A-Z0-9]")
# "SystemsAscend provided ...": the analyst left out the space between the name and the sentence.
_GLUED_SENTENCE = re.compile(r"^(.*[a-z)])([A-Z][a-z]+)$")


def partner_name(notes: str | None) -> str | None:
    """The partner named at the start of `actor.partner.notes`, or None when the notes name nobody.

    Rule: notes that are one word are the name ("naviHealth"). Otherwise they must start with a
    capitalised word that does not open a sentence ("Partner", "The", "An", ...) and is not a
    placeholder ("Unknown", "not listed"). The name is the leading run of capitalised words, joined by
    "of", "and", "&", ...; it stops at a lower-case word, at a word that opens a sentence ("This",
    "Partner", ...), where the first word repeats ("Sentry Life Insurance Company Sentry ..."), or after
    eight words. Only the first of several names separated by ";" is kept; when a sentence follows
    the name glued to its last word ("SystemsAscend provided"), the glued word is cut off.
    """
    text = clean_text(notes)
    if not text or text.casefold().strip(" .") in PLACEHOLDER_NOTES:
        return None
    text = text.split(";")[0].strip()
    words = text.split(" ")
    if len(words) == 1:
        return clean_name(text) or None
    if not _UPPER_START.match(words[0]) or words[0].casefold().strip("\"'(") in NOT_A_NAME_START:
        return None
    taken: list[str] = []
    for word in words:
        bare = word.strip("\"'(),.:")
        if taken and word.casefold() in NAME_CONNECTORS:
            taken.append(word)
            continue
        if (
            not bare
            or not _UPPER_START.match(bare)
            or (taken and bare.casefold() in SENTENCE_SUBJECTS)
            or (taken and bare == taken[0])
            or len(taken) >= NAME_MAX_WORDS
        ):
            break
        taken.append(word)
    while taken and taken[-1].casefold() in NAME_CONNECTORS:
        taken.pop()
    if taken and len(taken) < len(words):
        glued = _GLUED_SENTENCE.match(taken[-1])
        if glued:
            taken[-1] = glued.group(1)
    return clean_name(" ".join(taken)) or None


def dig(obj, *keys):
    """obj[key1][key2]..., or None where a level is missing or not an object."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def incident_date(record: dict) -> datetime:
    """timeline.incident {year, month, day}; a missing month or day counts as 1. Midnight UTC."""
    when = dig(record, "timeline", "incident")
    if not isinstance(when, dict):
        raise RecordError("timeline.incident is missing (it needs at least a year)")
    parts = {}
    for name, default in (("year", None), ("month", 1), ("day", 1)):
        value = when.get(name, default)
        if value is None or isinstance(value, bool) or not isinstance(value, int | str):
            raise RecordError(f"timeline.incident.{name} must be a whole number, not {value!r}")
        try:
            parts[name] = int(value)
        except ValueError:
            raise RecordError(f"timeline.incident.{name} must be a whole number, not {value!r}")
    year, month, day = parts["year"], parts["month"], parts["day"]
    if not 1900 <= year <= timezone.now().year:
        raise RecordError(f"timeline.incident.year {year} is out of range")
    if not 1 <= month <= 12:
        raise RecordError(f"timeline.incident.month {month} is not a month")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise RecordError(f"timeline.incident.day {day} does not exist in {year}-{month:02d}")
    moment = datetime(year, month, day, tzinfo=UTC)
    if moment > timezone.now():
        raise RecordError(f"timeline.incident {moment.date()} is in the future")
    return moment


def records_total(confidentiality: dict) -> int | None:
    """data_total, else the sum of data[].amount (VCDB sometimes fills only the amounts)."""
    total = confidentiality.get("data_total")
    if total is None:
        amounts = [d.get("amount") for d in confidentiality.get("data") or [] if isinstance(d, dict)]
        amounts = [a for a in amounts if isinstance(a, int) and not isinstance(a, bool) and a > 0]
        total = sum(amounts) if amounts else None
    if total is None:
        return None
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise RecordError(f"attribute.confidentiality.data_total must be a whole number ≥ 0, not {total!r}")
    return total


def severity_of(record: dict, total: int | None) -> str:
    rating = dig(record, "impact", "overall_rating")
    if rating in SEVERITY_BY_RATING:
        return SEVERITY_BY_RATING[rating]
    if total is not None:
        if total >= 1_000_000:
            return Severity.CRITICAL
        if total >= 100_000:
            return Severity.HIGH
        if total >= 1_000:
            return Severity.MEDIUM
        return Severity.LOW
    return Severity.MEDIUM


def attack_vector_of(record: dict) -> str:
    action = record.get("action") if isinstance(record.get("action"), dict) else {}

    def values(kind: str, key: str) -> set:
        found = dig(action, kind, key)
        return set(found) if isinstance(found, list) else set()

    if "Ransomware" in values("malware", "variety"):
        return AttackVector.RANSOMWARE
    if "Phishing" in values("social", "variety"):
        return AttackVector.PHISHING
    if values("hacking", "variety") & CREDENTIAL_HACKING:
        return AttackVector.CREDENTIAL_THEFT
    if (values("hacking", "vector") | values("malware", "vector")) & SUPPLY_CHAIN_VECTORS:
        return AttackVector.SUPPLY_CHAIN
    if "Misconfiguration" in values("error", "variety"):
        return AttackVector.MISCONFIGURATION
    if "misuse" in action:
        return AttackVector.INSIDER
    if not set(action) - {"unknown"}:
        return AttackVector.UNKNOWN
    return AttackVector.OTHER


def data_categories_of(confidentiality: dict) -> list[str]:
    found = []
    for item in confidentiality.get("data") or []:
        category = DATA_CATEGORY_BY_VARIETY.get(item.get("variety")) if isinstance(item, dict) else None
        if category and category not in found:
            found.append(category)
    return [str(c) for c in found]


def data_exposure_of(confidentiality: dict) -> str:
    disclosure = confidentiality.get("data_disclosure")
    if disclosure in DATA_EXPOSURE_BY_DISCLOSURE:
        return DATA_EXPOSURE_BY_DISCLOSURE[disclosure]
    # Not coded: a confidentiality attribute means data was at stake; without one, nothing says so.
    return DataExposure.SUSPECTED if confidentiality else DataExposure.NONE


def title_of(summary: str, vendor: str, victim: str, when: datetime) -> str:
    if summary:
        first = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0]
        title = first if len(first) <= NAME_MAX else summary
        if len(title) > NAME_MAX:
            title = title[: NAME_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return title
    victim_part = f" affecting {victim}" if victim else ""
    return f"Incident at {vendor}{victim_part} ({when:%Y-%m})"[:NAME_MAX]


def source_url_of(reference) -> str:
    """The first URL in `reference` (VCDB separates several with ';' or spaces), if it is a valid one."""
    if not isinstance(reference, str):
        return ""
    validate = URLValidator(schemes=["http", "https"])
    for candidate in re.split(r"[;\s]+", reference):
        candidate = candidate.strip().rstrip(",")
        if candidate.startswith(("http://", "https://")) and len(candidate) <= 500:
            try:
                validate(candidate)
            except Exception:  # noqa: S112 - not a usable URL; try the next one
                continue
            return candidate
    return ""
