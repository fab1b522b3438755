"""import_hibp on the real HIBP /breaches snapshot (tests/data/hibp), and on small broken copies."""

import datetime as dt
import json

import pytest

from incidents.importers.hibp import data_categories_of, severity_of, website_domain
from incidents.models import Incident
from vendors.services import vendor_create

from .conftest import DATA, stored_counts

BREACHES = DATA / "hibp" / "breaches_api_v3_2025-03-03.json"
EXPECTED = json.loads((DATA / "hibp" / "expected_counts.json").read_text())


@pytest.fixture
def breached_vendors(db):
    """Test vendors whose websites are domains breached in the file (written in different ways)."""
    return {
        "adobe": vendor_create(
            actor=None, name="Adobe", website="https://www.adobe.com/products", category="software"
        ),
        "linkedin": vendor_create(
            actor=None, name="LinkedIn", website="https://LinkedIn.com", category="expert_network"
        ),
        "dropbox": vendor_create(
            actor=None, name="Dropbox", website="http://www.dropbox.com:8080/", category="compute"
        ),
        "unbreached": vendor_create(
            actor=None, name="Quiet Vendor", website="https://example.org", category="other"
        ),
    }


def test_breaches_at_vendor_domains_become_incidents_once(run_command, breached_vendors):
    report = run_command("import_hibp", BREACHES).report

    assert report["read"] == EXPECTED["records"] == 875
    # adobe.com 1, dropbox.com 1, linkedin.com 3 (LinkedIn, LinkedInScrape, LinkedInScrape2023).
    assert report["created"] == 5
    assert report["skip_reasons"]["no domain"] == EXPECTED["records"] - EXPECTED["with_domain"] == 46
    assert report["skip_reasons"]["flagged as fabricated by HIBP (not a real breach of the site)"] == 3
    assert report["skip_reasons"]["no vendor with this website domain"] == 875 - 46 - 3 - 5
    assert report["skipped"] == 870
    assert breached_vendors["linkedin"].incidents.count() == 3
    assert breached_vendors["unbreached"].incidents.count() == 0

    adobe = Incident.objects.get(external_id="Adobe")
    assert adobe.vendor == breached_vendors["adobe"]
    assert adobe.source == "hibp"
    assert adobe.title == "Adobe"
    assert adobe.status == "resolved"
    assert adobe.occurred_at == dt.datetime(2013, 10, 4, tzinfo=dt.UTC)
    assert adobe.discovered_at == adobe.resolved_at == dt.datetime(2013, 12, 4, tzinfo=dt.UTC)
    assert adobe.data_exposure == "confirmed"
    assert adobe.records_affected == 152_445_165
    assert adobe.severity == "critical"
    assert adobe.data_categories_exposed == ["personal_data", "credentials"]
    assert adobe.source_url == "https://haveibeenpwned.com/PwnedWebsites#Adobe"
    assert adobe.description.startswith("In October 2013, 153 million Adobe accounts were breached")
    assert "<a" not in adobe.description and "&quot;" not in adobe.description
    before = stored_counts()

    again = run_command("import_hibp", BREACHES).report

    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert stored_counts() == before


def test_two_vendors_on_one_domain_are_reported_not_guessed(run_command, db):
    vendor_create(actor=None, name="Dropbox", website="https://dropbox.com", category="compute")
    vendor_create(
        actor=None, name="Dropbox Sign", website="https://www.dropbox.com/sign", category="software"
    )

    report = run_command("import_hibp", BREACHES).report

    assert report["created"] == 0
    assert any(
        r.startswith("several vendors have the website domain dropbox.com") for r in report["skip_reasons"]
    )


def write_breaches(path, breaches):
    path.write_text(json.dumps(breaches, indent=2), encoding="utf-8")
    return path


def first_breaches(n):
    return json.loads(BREACHES.read_text(encoding="utf-8"))[:n]


def start_lines(path):
    """The line each top-level array element starts on (indent=2 puts each '{' at two spaces)."""
    return [n for n, line in enumerate(path.read_text().splitlines(), start=1) if line == "  {"]


def test_bad_date_fails_the_import_naming_the_line(run_command, tmp_path, db):
    vendor_create(actor=None, name="000webhost", website="https://000webhost.com", category="compute")
    breaches = first_breaches(3)
    breaches[1]["BreachDate"] = "2020-13-01"
    path = write_breaches(tmp_path / "breaches.json", breaches)
    before = stored_counts()

    result = run_command("import_hibp", path, fails=True)

    line = start_lines(path)[1]
    assert result.report["errors"] == [
        {"line": line, "reason": "BreachDate '2020-13-01' is not a date (YYYY-MM-DD)"}
    ]
    assert f"line {line}" in str(result.error)
    assert stored_counts() == before  # the valid 000webhost breach was not kept either


def test_skip_invalid_keeps_the_valid_breaches(run_command, tmp_path, db):
    vendor_create(actor=None, name="000webhost", website="https://000webhost.com", category="compute")
    breaches = first_breaches(3)
    breaches[1]["PwnCount"] = -5
    path = write_breaches(tmp_path / "breaches.json", breaches)

    report = run_command("import_hibp", path, "--skip-invalid").report

    assert report["created"] == 1
    assert [e["line"] for e in report["errors"]] == [start_lines(path)[1]]
    assert Incident.objects.get().external_id == "000webhost"


def test_truncated_json_fails_even_with_skip_invalid(run_command, tmp_path, db):
    path = tmp_path / "breaches.json"
    path.write_text(BREACHES.read_text(encoding="utf-8")[:5000], encoding="utf-8")

    result = run_command("import_hibp", path, "--skip-invalid", fails=True)

    assert len(result.report["errors"]) == 1
    assert result.report["errors"][0]["reason"].startswith("not valid JSON")
    assert result.report["committed"] is False


def test_dry_run_counts_without_writing(run_command, breached_vendors):
    before = stored_counts()

    report = run_command("import_hibp", BREACHES, "--dry-run").report

    assert report["created"] == 5
    assert report["dry_run"] is True
    assert stored_counts() == before


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Adobe.com/products?x=1", "adobe.com"),
        ("http://adobe.com", "adobe.com"),
        ("adobe.com", "adobe.com"),
        ("https://forum.example.com:8443/a", "forum.example.com"),
        ("", ""),
    ],
)
def test_website_domain_ignores_scheme_www_port_and_path(website, domain):
    assert website_domain(website) == domain


def test_severity_and_categories():
    assert [severity_of(n) for n in (10_000_000, 9_999_999, 1_000_000, 100_000, 99_999)] == [
        "critical",
        "high",
        "high",
        "medium",
        "low",
    ]
    assert data_categories_of(["Email addresses", "Names"]) == ["personal_data"]
    assert data_categories_of(["Passwords"]) == ["credentials"]
    assert data_categories_of(["Email addresses", "Security questions and answers"]) == [
        "personal_data",
        "credentials",
    ]
    assert data_categories_of([]) == []
