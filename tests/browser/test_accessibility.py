"""axe-core over every page of the web interface (the API docs excepted): no violation of serious or
critical impact, at laptop width and on a phone.

axe-core (tests/browser/vendor/, MPL-2.0) is injected by the test with `page.add_script_tag` into a
context that bypasses the page's CSP for that one script; no production page loads it. A summary
(pages checked, violations by impact and rule) is written to tests/screenshots/axe-report.json.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from tests import factories as f
from tests.factories import PASSWORD
from tests.ui.pages import PAGES
from tests.ui.world import build_world

from .conftest import SCREENSHOTS, Watch, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Partial HTML for htmx swaps and CSV downloads are not pages.
NOT_PAGES = {
    "ranked-vendors",
    "vendor-score",
    "vendor-score-compact",
    "engagement-score-change",
    "lab-concentration",
    "engagement-export",
    "engagement-template",
    "deadlines-export",
}
PHONE_PAGES = ("dashboard", "vendor-list", "incident-detail", "deadlines", "network")


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    world = build_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)
    questionnaire = f.QuestionnaireFactory(questions=3)
    world["draft"] = f.AssessmentFactory(vendor=world.meridian, questionnaire=questionnaire)
    return world


@pytest.fixture
def axe_context(browser, live_server):
    """`axe_context()` → a fresh page in a context whose CSP lets the test inject axe-core (and only that)."""
    watch = Watch(live_server.url)
    contexts = []

    def make():
        context = browser.new_context(
            viewport={"width": 1366, "height": 900},
            base_url=live_server.url,
            bypass_csp=True,
            service_workers="block",
        )
        context.set_default_timeout(15000)
        context.route("**/*", watch.route)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert watch.outside == [], watch.outside


def _urls(world) -> list[tuple[str, str]]:
    urls = [(p.name, p.url(world)) for p in PAGES if p.name not in NOT_PAGES]
    urls += [
        ("assessment-answer", f"/assessments/{world.draft.id}/answer/"),
        ("assessment-create", "/assessments/new/"),
        ("webhook-list", "/webhooks/"),
        ("webhook-create", "/webhooks/new/"),
        ("not-found", "/vendors/999999/"),
    ]
    return urls


def audit(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "help": v["help"],
        }
        for v in result["violations"]
    ]


def test_no_page_has_a_serious_or_critical_axe_violation(axe_context, world, admin_user):
    found: dict[str, list[dict]] = {}
    signed_out = axe_context()
    signed_out.goto("/accounts/login/")
    found["laptop login /accounts/login/"] = audit(signed_out)

    page = axe_context()
    sign_in(page, admin_user.username, PASSWORD)
    for width, names in (("laptop", None), ("phone", PHONE_PAGES)):
        if width == "phone":
            page.set_viewport_size({"width": 390, "height": 844})
        for name, url in _urls(world):
            if names is None or name in names:
                page.goto(url)
                found[f"{width} {name} {url}"] = audit(page)

    by_impact = Counter(v["impact"] for vs in found.values() for v in vs)
    by_rule = Counter(f"{v['impact']} {v['id']}" for vs in found.values() for v in vs)
    SCREENSHOTS.mkdir(exist_ok=True)
    report = {
        "pages_checked": len(found),
        "violations_by_impact": by_impact,
        "by_rule": by_rule,
        "pages": found,
    }
    (SCREENSHOTS / "axe-report.json").write_text(json.dumps(report, indent=1))
    blocking = {url: [v for v in vs if v["impact"] in BLOCKING] for url, vs in found.items()}
    blocking = {url: vs for url, vs in blocking.items() if vs}
    assert not blocking, json.dumps(blocking, indent=1)
