"""Paths to the questionnaire test data (copies with their licences in tests/data/vsaq and tests/data/oscal)."""

import csv
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
VSAQ_DIR = DATA / "vsaq"
OSCAL_DIR = DATA / "oscal"
VSAQ_FILES = [
    "infrastructure.json",
    "physical_and_datacenter.json",
    "security_privacy_programs.json",
    "webapp.json",
]


@pytest.fixture(scope="session")
def vsaq_expected() -> dict:
    return json.loads((VSAQ_DIR / "expected_counts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vsaq_flat_rows() -> list[dict]:
    with (VSAQ_DIR / "derived_vsaq_items_flat.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def oscal_flat_rows() -> list[dict]:
    with (OSCAL_DIR / "sp800-53r5_high_scrm_subset_flat.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
