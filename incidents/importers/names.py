"""Organisation names from outside data: cleaning for display, a matching key, and find-or-create.

Source files spell one organisation many ways ("Advanced  Data Processing, Inc.", "Advanced Data
Processing Inc", "ADVANCED DATA PROCESSING, INC"). `name_key` folds those together; `clean_name` only
tidies what a person would see. Vendors and labs are found by either the exact name (case-insensitive)
or the key, and created when neither matches: through the services, or for the large HHS files through
a `bulk.BulkCreate`, which writes the same audit entries and dirty marks.
"""

import re
import unicodedata

from django.db import models

from vendors.choices import VendorCategory
from vendors.models import NAME_MAX, Lab, Vendor
from vendors.services import lab_create, vendor_create

# Trailing words that say what legal form a company has, not which company it is.
CORPORATE_SUFFIXES = frozenset({
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company",
    "plc", "pllc", "pc", "pa", "gmbh", "ag", "sa", "bv",
})  # fmt: skip
# "X d/b/a Y", "X c/o Y", "X (formerly Y)": X is the organisation that signs the contract.
_ALIAS = re.compile(r"\s(?:d/?b/?a/?|d\.b\.a\.|f/?k/?a|c/o|a/k/a|formerly|now known as)\s.*$", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_UNCLOSED_PAREN = re.compile(r"\([^()]*$")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_TRAILING_PUNCT = " \t,;:-/&("  # not ".": "Inc." keeps its full stop


def clean_text(value: str | None) -> str:
    """Collapse whitespace, drop NUL bytes and normalise typographic quotes (for display)."""
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", value.replace("\x00", "")).translate(_QUOTES)
    return " ".join(value.split())


def clean_name(value: str | None) -> str:
    """An organisation name as people should see it: tidy, without dangling punctuation or '('."""
    name = _UNCLOSED_PAREN.sub("", clean_text(value)).strip(_TRAILING_PUNCT)
    return name[:NAME_MAX]


def name_key(value: str | None) -> str:
    """A matching key: case, spacing, punctuation, aliases, parentheticals and legal-form suffixes ignored."""
    text = clean_text(value).casefold()
    text = _ALIAS.sub("", text)
    text = _UNCLOSED_PAREN.sub("", _PARENTHETICAL.sub(" ", text))
    text = text.replace("&", " and ").replace(".", "")
    words = re.sub(r"[^\w]+", " ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in CORPORATE_SUFFIXES:
        words.pop()
    # "Med Assets" and "MedAssets", "Health Plus" and "HealthPlus" are the same organisation.
    return "".join(words)


class _Directory:
    """Name → id lookups for one model, loaded once per import, extended as records create rows.

    Additions made while a record is being written are provisional: if that record fails (its savepoint
    rolls back) they are forgotten, so a later record never points at a row that no longer exists.
    """

    model: type

    def __init__(self) -> None:
        # values: ids, or rows this import will insert in bulk (they get their ids at the flush)
        self.by_lower: dict[str, object] = {}
        self.by_key: dict[str, object] = {}
        self._pending: list[tuple[str, str]] = []
        self._pending_created = 0
        self.created = 0
        for pk, name in self.model.objects.order_by("id").values_list("id", "name"):
            self.by_lower.setdefault(name.casefold(), pk)
            self.by_key.setdefault(name_key(name), pk)

    def find(self, name: str):
        found = self.by_lower.get(name.casefold())
        if found is None:
            key = name_key(name)
            found = self.by_key.get(key) if key else None
        return found

    def _remember(self, name: str, pk) -> None:
        lower, key = name.casefold(), name_key(name)
        if lower not in self.by_lower:
            self.by_lower[lower] = pk
            self._pending.append(("lower", lower))
        if key and key not in self.by_key:
            self.by_key[key] = pk
            self._pending.append(("key", key))

    def _created(self, name: str, pk) -> None:
        self._remember(name, pk)
        self._pending_created += 1

    def commit_record(self) -> None:
        self.created += self._pending_created
        self._pending_created = 0
        self._pending.clear()

    def rollback_record(self) -> None:
        for kind, value in self._pending:
            (self.by_lower if kind == "lower" else self.by_key).pop(value, None)
        self._pending_created = 0
        self._pending.clear()


class VendorDirectory(_Directory):
    model = Vendor

    def get_or_create(self, name: str, *, bulk=None, country: str = "", description: str = ""):
        """The vendor called `name` (matched by exact name or key), created when missing.

        Returns its id, or with `bulk` (a `BulkCreate`) the not yet inserted Vendor for a new one.
        """
        name = clean_name(name)
        found = self.find(name)
        if found is not None:
            return found
        data = {
            "name": name,
            "category": VendorCategory.OTHER,
            "country": country,
            "description": description,
        }
        vendor = bulk.vendor(**data) if bulk is not None else vendor_create(actor=None, **data)
        self._created(name, vendor if bulk is not None else vendor.id)
        return vendor if bulk is not None else vendor.id


class LabDirectory(_Directory):
    model = Lab

    def get_or_create(self, name: str, *, bulk=None, description: str = ""):
        """Like `VendorDirectory.get_or_create`, for labs (created without notification regimes)."""
        name = clean_name(name)
        found = self.find(name)
        if found is not None:
            return found
        data = {"name": name, "description": description, "regimes": []}
        lab = bulk.lab(**data) if bulk is not None else lab_create(actor=None, **data)
        self._created(name, lab if bulk is not None else lab.id)
        return lab if bulk is not None else lab.id


def as_fk(field: str, ref) -> dict:
    """`{field: obj}` for a row created in this import, `{field_id: id}` for one that already existed."""
    return {field: ref} if isinstance(ref, models.Model) else {f"{field}_id": ref}
