"""Every page at 390×844: the page never scrolls sideways; every table either fits or scrolls inside its
card, with its key column (a name, a score or band, a due time) the first one visible; the scored lists
lead with their score and band."""

import pytest

from tests import factories as f
from tests.factories import PASSWORD
from webhooks import services as webhook_services

from .conftest import shot, sign_in
from .test_accessibility import _urls, crawl_world

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# The first visible column of a table: what the row is (its name), or when it is due.
KEY_FIRST = {
    "Vendor", "Vendor group", "Lab", "Engagement", "Incident", "Filing", "Finding", "Group", "Name", "Code",
    "Column", "Target URL", "Due (UTC)", "Due", "When (UTC)", "Severity", "Question", "Domain",
}  # fmt: skip
# Lists ranked by a score lead with it (columns after the name).
LEADING = {
    "dashboard": [["Vendor", "Score", "Band"]],
    "vendor-list": [["Vendor", "Score", "Band"]],
    "lab-list": [["Lab", "HHI", "Band"]],
    "assessment-list": [["Vendor", "Score", "Rating"]],
    "network": [["Vendor", "Score", "Band"]],
    "deadlines": [["Due (UTC)", "Status"]],
    "register-critical-providers": [["Vendor group", "Concentration-risk score"]],
    "webhook-list": [["Target URL", "Status"]],
}

TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const row = t.tHead ? t.tHead.rows[0] : t.rows[0];
  const heads = row ? [...row.cells].filter(c => c.getBoundingClientRect().width > 0)
                                    .map(c => c.textContent.replace(/[▲▼]/g, '').trim()) : [];
  let box = t.parentElement, scrolls = false;
  while (box && box !== document.body) {
    const o = getComputedStyle(box).overflowX;
    if (o === 'auto' || o === 'scroll') { scrolls = true; break; }
    box = box.parentElement;
  }
  const fits = t.getBoundingClientRect().right <= window.innerWidth;
  return {heads, fits, scrolls, label: (t.closest('section') || {}).id || t.className || '?'};
})"""


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b, admin_user, settings):
    """The accessibility crawl's world, with a function and a webhook so those tables have rows."""
    world = crawl_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # a loopback target: nothing is sent during the test
    f.FunctionFactory(lab=world.lab_a, name="Model training data supply")
    webhook_services.webhook_create(
        actor=admin_user, url="http://127.0.0.1:9/vendor-risk", event_types=["incident.*"]
    )
    return world


def test_no_page_scrolls_sideways_on_a_phone_and_tables_lead_with_their_key_column(page, world, admin_user):
    sign_in(page, admin_user.username, PASSWORD)
    page.set_viewport_size(PHONE)
    problems, checked, tables = [], 0, 0
    for name, url in _urls(world):
        response = page.goto(url)
        if name == "not-found":
            assert response.status == 404
            page.watch.errors.clear()  # the browser logs the 404 itself
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            shot(page, f"phone-overflow-{name}")
            problems.append(f"{name}: the page scrolls sideways by {overflow}px")
        found = page.evaluate(TABLES)
        for table in found:
            tables += 1
            if not table["heads"]:
                continue
            if table["heads"][0] not in KEY_FIRST:
                problems.append(f"{name} {table['label']}: first visible column {table['heads'][0]!r}")
            if not (table["fits"] or table["scrolls"]):
                problems.append(
                    f"{name} {table['label']}: wider than the screen and not scrolling in its card"
                )
        for leading in LEADING.get(name, []):
            if not any(t["heads"][: len(leading)] == leading for t in found):
                problems.append(f"{name}: no table leads with {leading}: {[t['heads'][:4] for t in found]}")
        checked += 1
    assert checked == len(_urls(world)) >= 38 and tables >= 30, (checked, tables)
    assert not problems, "\n".join(problems)
