"""The main journeys in a real browser: sign in, read the dashboard, log an engagement and watch its
vendor recalculate, import a CSV with a bad row, open an incident's impact.

Every test also asserts (in the `page` fixture) that nothing was requested from outside 127.0.0.1 and
that the console stayed free of errors, CSP violations included.
"""

import re

import pytest
from playwright.sync_api import expect

from assessments import recompute
from assessments.models import VendorScore
from tests.factories import PASSWORD, UserFactory
from tests.ui.world import build_world
from vendors import dirty
from vendors.models import Engagement

from .conftest import TABLET, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    return build_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)


@pytest.fixture
def worker_later(monkeypatch):
    """The drain is requested after commit but runs when the test says (as a Celery worker would, later)."""
    monkeypatch.setattr(dirty, "_send_drain", lambda: None)
    return recompute.drain_all


def test_sign_in_and_the_dashboard_shows_ranked_vendors_and_charts(page, world, security_all):
    sign_in(page, security_all.username, PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    ranked = page.locator("#ranked-vendors tbody tr")
    expect(ranked).to_have_count(VendorScore.objects.count())
    top = VendorScore.objects.order_by("-score", "vendor_id").first()
    expect(ranked.first).to_contain_text("Meridian Data")
    expect(ranked.first.locator(".score")).to_have_text(str(top.score))
    expect(ranked.first.locator(f".band-{top.band}")).to_be_visible()
    heat = page.get_by_role("group", name="Vendors by impact and likelihood")
    expect(heat).to_be_visible()
    expect(heat.locator("a")).not_to_have_count(0)
    expect(page.get_by_role("region", name="Open incidents")).to_contain_text("Meridian workspace breach")
    expect(page.get_by_role("region", name="Shared fourth parties")).to_contain_text("Platform Pi")
    shot(page, "dashboard-laptop")
    page.set_viewport_size(TABLET)
    shot(page, "dashboard-tablet")
    # A heat-map count opens the vendors in that cell.
    heat.locator("a").first.click()
    expect(page.get_by_role("heading", name="Vendors", level=1)).to_be_visible()
    assert "impact_min=" in page.url


def test_procurement_logs_an_engagement_and_sees_the_vendor_recalculate(
    page, world, procurement_lab_a, worker_later
):
    sign_in(page, procurement_lab_a.username, PASSWORD)
    page.get_by_role("link", name="Engagements", exact=True).click()
    page.get_by_role("link", name="Log an engagement").click()
    page.get_by_label("Lab").select_option(label="Lab A")
    page.get_by_label("Vendor").select_option(label="Vendor Beta")
    page.get_by_label("Title").fill("Benchmark authoring")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Criticality").select_option("critical")
    page.get_by_label("Data sensitivity").select_option("restricted")
    page.get_by_label("Substitutability").select_option("difficult")
    page.get_by_label("Evaluation benchmarks").check()
    page.get_by_label("Start date").fill("2025-03-01")
    shot(page, "engagement-form")
    page.get_by_role("button", name="Log engagement").click()

    expect(page.get_by_role("heading", name="Benchmark authoring", level=1)).to_be_visible()
    vendor = world.vendor_b
    before = VendorScore.objects.get(vendor=vendor)
    change = page.locator("#score-change")
    expect(change).to_have_attribute("data-state", "pending")
    expect(change).to_contain_text("updating…")
    badge = page.locator(f"#vendor-score-{vendor.id} .recalculating")
    expect(badge).to_be_visible()
    expect(page.locator(f"#lab-concentration-{world.lab_a.id} .recalculating")).to_be_visible()
    shot(page, "engagement-saved-recalculating")

    worker_later()  # the worker drains the marks; the page's 2 s poll picks the new score up
    new_score = VendorScore.objects.get(vendor=vendor).score
    expect(badge).to_have_count(0, timeout=6000)
    expect(page.locator(f"#vendor-score-{vendor.id} [data-score]")).to_have_text(str(new_score))
    expect(page.locator(f"#lab-concentration-{world.lab_a.id} .recalculating")).to_have_count(0, timeout=6000)
    # The before → after panel has polled its fragment too: the vendor's move, with its cause by name.
    expect(change).to_have_attribute("data-state", "done", timeout=6000)
    vendor_move = change.locator('[data-move="vendor"]')
    expect(vendor_move.locator("[data-before]")).to_have_text(str(before.score))
    expect(vendor_move.locator("[data-after]")).to_have_text(str(new_score))
    expect(vendor_move).to_contain_text("engagement “Benchmark authoring” created")
    expect(change.locator('[data-move="lab"]')).to_contain_text("Lab A")
    assert Engagement.objects.filter(title="Benchmark authoring", lab=world.lab_a).exists()
    shot(page, "engagement-saved-refreshed")


def test_a_csv_with_one_bad_row_shows_that_row_and_imports_nothing(page, world, procurement_lab_a):
    from vendors.csv_import import COLUMNS

    header = ",".join(COLUMNS)
    good = "Lab A,Meridian Data,Imported one,active,high,confidential,moderate,training_data,,,2025-02-01,,,"
    bad = "Lab A,Meridian Data,Imported two,active,extreme,confidential,moderate,,,,2025-02-01,,,"
    before = Engagement.objects.count()
    sign_in(page, procurement_lab_a.username, PASSWORD)
    page.goto("/engagements/import/")
    page.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "engagements.csv",
                "mimeType": "text/csv",
                "buffer": f"{header}\n{good}\n{bad}\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was imported")
    problem = page.locator("table.import-errors tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td")).to_have_text(["3", "criticality", re.compile("“extreme” is not one of")])
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    shot(page, "import-bad-row")
    assert Engagement.objects.count() == before


def test_a_security_user_opens_an_incident_and_its_impact(page, world, security_lab_a):
    sign_in(page, security_lab_a.username, PASSWORD)
    page.get_by_role("region", name="Open incidents").get_by_role(
        "link", name="Meridian workspace breach"
    ).click()
    expect(page.get_by_role("heading", name="Meridian workspace breach", level=1)).to_be_visible()
    impact = page.get_by_role("region", name="Impact")
    expect(impact).to_contain_text("2 labs exposed through 2 engagements")
    expect(impact).to_contain_text("Lab A → Meridian Data")
    expect(impact).not_to_contain_text("Lab B")
    shot(page, "incident-impact")
    page.get_by_label("Update").fill("Forensics engaged; credentials rotated.")
    page.get_by_role("button", name="Add update").click()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "Forensics engaged; credentials rotated."
    )


def test_every_main_page_renders_cleanly_and_is_keyboard_reachable(page, world, viewer_lab_a):
    sign_in(page, viewer_lab_a.username, PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    pages = {
        "vendors": "/vendors/",
        "vendor-detail": f"/vendors/{world.meridian.id}/",
        "labs": "/labs/",
        "lab-detail": f"/labs/{world.lab_a.id}/",
        "engagements": "/engagements/",
        "incidents": "/incidents/",
        "assessments": "/assessments/",
        "assessment-detail": f"/assessments/{world.assessment.id}/",
        "network": "/network/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        expect(page.locator("h1")).to_be_visible()
        shot(page, f"page-{name}")
    expect(page.get_by_role("group", name=re.compile("^Labs, the vendors they engage"))).to_be_visible()


def test_a_user_without_a_role_for_it_gets_no_button_and_a_403(page, world):
    viewer = UserFactory(username="plain-viewer", role="viewer", labs=[world.lab_a])
    sign_in(page, viewer.username, PASSWORD)
    page.goto("/engagements/")
    expect(page.get_by_role("link", name="Log an engagement")).to_have_count(0)
    page.on("console", lambda m: None)
    response = page.goto("/engagements/new/")
    assert response.status == 403
    page.watch.errors.clear()  # the browser logs the 403 itself


def test_the_api_docs_lead_back_to_the_app(page, world, viewer_lab_a):
    sign_in(page, viewer_lab_a.username, PASSWORD)
    page.get_by_role("link", name="API", exact=True).click()
    page.wait_for_url("**/api/docs/")
    back = page.get_by_role("link", name="← Back to the vendor risk register")
    expect(back).to_be_visible()
    # Swagger UI itself still loads under the strict CSP (a violation would fail the test as a console error).
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Vendor risk register API", timeout=15000
    )
    shot(page, "api-docs", full_page=False)
    back.click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
