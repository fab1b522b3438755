"""Have I Been Pwned `/breaches` JSON → incidents at the vendors whose website is the breached domain.

DESIGN.md section 6, `import_hibp`. Vendors are never created here: HIBP lists breaches at thousands
of websites, and only those at vendors already in the register matter. A breach becomes one incident
(`external_id` = the breach `Name`); breaches at other domains are skipped and counted.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.utils import timezone
from django.utils.html import strip_tags

from incidents.choices import AttackVector, DataExposure, IncidentStatus
from vendorrisk.core import jsonguard
from vendors.choices import DataCategory, Severity
from vendors.models import NAME_MAX, TEXT_MAX, Vendor

from .names import clean_text
from .report import Importer, ImportReport, RecordError, SourceRecord
from .store import IncidentStore

SOURCE = "hibp"
SOURCE_URL = "https://haveibeenpwned.com/PwnedWebsites#{name}"

# HIBP data classes that let someone sign in as the account holder. Every other class HIBP lists
# (email addresses, names, phone numbers, addresses, dates of birth, IP addresses, purchases, ...)
# describes the people in the breach, so it maps to personal_data.
CREDENTIAL_CLASSES = {
    "Passwords",
    "Historical passwords",
    "Password hints",
    "Auth tokens",
    "Security questions and answers",
    "PINs",
    "Encrypted keys",
    "Mnemonic phrases",
}

# HIBP does not code how a breach happened; its description sometimes says.
VECTOR_WORDS = (
    (re.compile(r"ransomware", re.I), AttackVector.RANSOMWARE),
    (re.compile(r"phish", re.I), AttackVector.PHISHING),
    (re.compile(r"credential stuffing", re.I), AttackVector.CREDENTIAL_THEFT),
    (re.compile(r"misconfigur|unprotected", re.I), AttackVector.MISCONFIGURATION),
)


def website_domain(value: str | None) -> str:
    """`https://www.Example.com/about` → `example.com` (scheme, `www.`, port and path ignored)."""
    value = (value or "").strip()
    if not value:
        return ""
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    host = host.casefold().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def severity_of(pwn_count: int) -> str:
    if pwn_count >= 10_000_000:
        return Severity.CRITICAL
    if pwn_count >= 1_000_000:
        return Severity.HIGH
    if pwn_count >= 100_000:
        return Severity.MEDIUM
    return Severity.LOW


def data_categories_of(data_classes: list[str]) -> list[str]:
    found = []
    if any(c not in CREDENTIAL_CLASSES for c in data_classes):
        found.append(str(DataCategory.PERSONAL_DATA))
    if any(c in CREDENTIAL_CLASSES for c in data_classes):
        found.append(str(DataCategory.CREDENTIALS))
    return found


def plain_text(description: str) -> str:
    """HIBP descriptions are HTML: drop the tags, decode entities, collapse whitespace."""
    return clean_text(html.unescape(strip_tags(description)))


def attack_vector_of(text: str) -> str:
    for pattern, vector in VECTOR_WORDS:
        if pattern.search(text):
            return vector
    return AttackVector.UNKNOWN


def read_breaches(path: Path) -> Iterator[SourceRecord]:
    """The breaches of a `/breaches` response (a JSON array), each with the line where it starts."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}).", line=1)
    try:
        jsonguard.check_depth(text)
    except jsonguard.JSONTooDeep as exc:
        raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})", line=exc.lineno)
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    pos = ws.match(text).end()
    if not text.startswith("[", pos):
        raise RecordError("expected a JSON array of breaches (the /breaches response)", line=_line(text, pos))
    pos = ws.match(text, pos + 1).end()
    line, counted = 1, 0
    while not text.startswith("]", pos):
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            payload, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise RecordError(f"not valid JSON ({exc.msg} at column {exc.colno})", line=exc.lineno)
        yield SourceRecord(payload=payload, line=line)
        pos = ws.match(text, end).end()
        if text.startswith(",", pos):
            pos = ws.match(text, pos + 1).end()
        elif not text.startswith("]", pos):
            raise RecordError("expected ',' or ']' after a breach", line=_line(text, pos))
    if text[ws.match(text, pos + 1).end() :]:
        raise RecordError("unexpected text after the array of breaches", line=_line(text, pos + 1))


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _parse_date(value, field: str) -> date:
    if not isinstance(value, str):
        raise RecordError(f"{field} must be a date (YYYY-MM-DD), not {value!r}")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise RecordError(f"{field} {value!r} is not a date (YYYY-MM-DD)")


def _parse_moment(value, field: str) -> datetime:
    if not isinstance(value, str):
        raise RecordError(f"{field} must be a timestamp (e.g. 2015-10-26T23:35:45Z), not {value!r}")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{field} {value!r} is not a timestamp (e.g. 2015-10-26T23:35:45Z)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


class HibpImporter(Importer):
    def __init__(self, path: str | Path):
        self.path = Path(path)

    def prepare(self, report: ImportReport) -> None:
        self.incidents = IncidentStore(SOURCE)
        self.vendors_by_domain: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, name, website in (
            Vendor.objects.exclude(website="").order_by("id").values_list("id", "name", "website")
        ):
            domain = website_domain(website)
            if domain:
                self.vendors_by_domain[domain].append((pk, name))

    def records(self) -> Iterator[SourceRecord]:
        return read_breaches(self.path)

    def record_done(self, ok: bool) -> None:
        self.incidents.commit_record() if ok else self.incidents.rollback_record()

    def apply(self, record: SourceRecord, report: ImportReport) -> None:
        breach = record.payload
        if not isinstance(breach, dict):
            raise RecordError(f"a breach must be a JSON object, not {type(breach).__name__}")
        name = breach.get("Name")
        if not isinstance(name, str) or not name.strip():
            raise RecordError("Name is missing")
        name = name.strip()
        if len(name) > 200:
            raise RecordError("Name is longer than 200 characters")
        if breach.get("IsFabricated") is True:
            report.skip("flagged as fabricated by HIBP (not a real breach of the site)")
            return
        domain = website_domain(breach.get("Domain") if isinstance(breach.get("Domain"), str) else "")
        if not domain:
            report.skip("no domain")
            return
        fields = self._fields(breach, name)
        existing = self.incidents.get(name)
        if existing is not None:
            self.incidents.update(report, existing, fields)
            return
        vendors = self.vendors_by_domain.get(domain, [])
        if not vendors:
            report.skip("no vendor with this website domain")
            return
        if len(vendors) > 1:
            names = ", ".join(n for _, n in vendors)
            report.skip(
                f"several vendors have the website domain {domain} ({names}); give one a more specific website"
            )
            return
        self.incidents.create(
            report,
            external_id=name,
            note=f"Imported from Have I Been Pwned breach {name}.",
            vendor_id=vendors[0][0],
            status=IncidentStatus.RESOLVED,
            resolved_at=fields["discovered_at"],
            **fields,
        )

    def _fields(self, breach: dict, name: str) -> dict:
        occurred = datetime.combine(
            _parse_date(breach.get("BreachDate"), "BreachDate"), datetime.min.time(), UTC
        )
        added = _parse_moment(breach.get("AddedDate"), "AddedDate")
        if added > timezone.now():
            raise RecordError(f"AddedDate {added.isoformat()} is in the future")
        if occurred > added:
            raise RecordError(f"BreachDate {occurred.date()} is after AddedDate {added.date()}")
        count = breach.get("PwnCount")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise RecordError(f"PwnCount must be a whole number ≥ 0, not {count!r}")
        classes = breach.get("DataClasses") or []
        if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
            raise RecordError("DataClasses must be a list of strings")
        title = breach.get("Title") if isinstance(breach.get("Title"), str) else ""
        description = breach.get("Description") if isinstance(breach.get("Description"), str) else ""
        text = plain_text(description)
        return {
            "title": (clean_text(title) or name)[:NAME_MAX],
            "description": text[:TEXT_MAX],
            "severity": severity_of(count),
            "attack_vector": attack_vector_of(text),
            "data_exposure": DataExposure.CONFIRMED,
            "data_categories_exposed": data_categories_of(classes),
            "records_affected": count,
            "occurred_at": occurred,
            "discovered_at": added,
            "source_url": SOURCE_URL.format(name=quote(name)),
        }
