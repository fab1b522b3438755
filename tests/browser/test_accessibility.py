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
PHONE_PAGES = (
    "dashboard", "vendor-list", "lab-list", "engagement-detail-changed", "incident-detail", "deadlines",
    "assessment-list", "network",
)  # fmt: skip
# Pages each role opens at least (its own forms included); the crawl asserts it opened every one.
MIN_PAGES = {"admin": 38, "security": 35, "analyst": 35, "procurement": 33, "viewer": 30}


def crawl_world(*args):
    """tests/ui/world.py's world and a draft assessment to answer."""
    world = build_world(*args)
    questionnaire = f.QuestionnaireFactory(questions=3)
    world["draft"] = f.AssessmentFactory(vendor=world.meridian, questionnaire=questionnaire)
    return world


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    return crawl_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)


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


ROLES = ("security", "viewer", "analyst", "procurement", "admin")
# The role set a user's pages are chosen by (the analyst is a security user limited to Lab A).
ROLE_OF = {
    "security": "security",
    "viewer": "viewer",
    "analyst": "security",
    "procurement": "procurement",
    "admin": "admin",
}
SECURITY_ONLY = frozenset({"security", "admin"})


def _urls(world, role: str = "admin") -> list[tuple[str, str]]:
    """Every page `role` may open (the role's own pages included), as (name, url)."""
    kind = ROLE_OF[role]
    urls = [(p.name, p.url(world)) for p in PAGES if p.name not in NOT_PAGES and kind in p.roles]
    extra = [
        ("assessment-answer", f"/assessments/{world.draft.id}/answer/", None),
        ("assessment-create", "/assessments/new/", SECURITY_ONLY),
        ("webhook-list", "/webhooks/", SECURITY_ONLY),
        ("webhook-create", "/webhooks/new/", SECURITY_ONLY),
        ("not-found", "/vendors/999999/", None),
    ]
    urls += [(name, url) for name, url, roles in extra if roles is None or kind in roles]
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


@pytest.fixture
def users(admin_user, security_all, viewer_all, procurement_all, security_lab_a):
    return {
        "security": security_all,
        "viewer": viewer_all,
        "analyst": security_lab_a,
        "procurement": procurement_all,
        "admin": admin_user,
    }


def _report(name: str, found: dict[str, list[dict]]) -> dict:
    by_impact = Counter(v["impact"] for vs in found.values() for v in vs)
    by_rule = Counter(f"{v['impact']} {v['id']}" for vs in found.values() for v in vs)
    report = {
        "pages_checked": len(found),
        "violations_by_impact": by_impact,
        "by_rule": by_rule,
        "pages": found,
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / f"axe-report-{name}.json").write_text(json.dumps(report, indent=1))
    return report


def test_the_sign_in_page_has_no_serious_or_critical_axe_violation(axe_context, db):
    page = axe_context()
    page.goto("/accounts/login/")
    found = {"laptop login /accounts/login/": audit(page)}
    _report("signed-out", found)
    assert not [v for v in found["laptop login /accounts/login/"] if v["impact"] in BLOCKING], found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_a_role_opens_has_a_serious_or_critical_axe_violation(axe_context, world, users, role):
    """Every page the role may open at 1366 px, and the key pages at 390 px, as that role sees them."""
    found: dict[str, list[dict]] = {}
    page = axe_context()
    sign_in(page, users[role].username, PASSWORD)
    urls = _urls(world, role)
    for width, names in (("laptop", None), ("phone", PHONE_PAGES)):
        if width == "phone":
            page.set_viewport_size({"width": 390, "height": 844})
        for name, url in urls:
            if names is None or name in names:
                response = page.goto(url)
                assert response.status == (404 if name == "not-found" else 200), (role, url, response.status)
                found[f"{width} {name} {url}"] = audit(page)
    report = _report(role, found)
    laptop = sum(1 for key in found if key.startswith("laptop"))
    assert laptop == len(urls) >= MIN_PAGES[role], (role, laptop)
    print(
        f"axe {role}: {report['pages_checked']} pages ({laptop} at 1366, {len(found) - laptop} at 390), "
        f"violations by impact {dict(report['violations_by_impact'])}"
    )
    blocking = {url: [v for v in vs if v["impact"] in BLOCKING] for url, vs in found.items()}
    blocking = {url: vs for url, vs in blocking.items() if vs}
    assert not blocking, json.dumps(blocking, indent=1)
