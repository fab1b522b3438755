"""Running an incident in a real browser: a lab's halt decision with its confirmed suspension, filing a
notification until it leaves the overdue list, the dashboard's first screen, and the 390-px phone layout."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f
from tests.factories import PASSWORD
from tests.ui.world import build_world
from vendors.models import Engagement

from .conftest import shot, sign_in

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    world = build_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)
    world["overdue"] = f.NotificationFactory(
        incident=world.incident, lab=lab_a, regime="nis2", stage="early_warning",
        due_at=timezone.now() - dt.timedelta(hours=30),
    )  # fmt: skip
    return world


def test_a_security_user_records_a_halt_for_one_lab_and_sees_the_suspension(page, world, security_all):
    sign_in(page, security_all.username, PASSWORD)
    page.goto(f"/incidents/{world.incident.id}/")
    lab_a = page.locator(f'[data-lab-response="{world.lab_a.id}"]')
    lab_a.get_by_text("Change the decision").click()
    lab_a.get_by_label("Halt work").check()
    lab_a.get_by_label("Data confirmed exposed").select_option("yes")
    lab_a.get_by_label("Reason (read only by this lab's users)").fill("Counsel advises a full stop.")
    lab_a.get_by_label("Also suspend this lab's active engagements with the vendor").check()
    lab_a.get_by_label("Note for the incident timeline (every lab's users read it)").fill("Work paused.")
    lab_a.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("heading", name="Halt Lab A’s work with Meridian Data?", level=1)).to_be_visible()
    to_halt = page.locator("[data-to-halt] li")
    expect(to_halt).to_have_count(1)
    expect(to_halt.first).to_contain_text("Meridian for A")
    shot(page, "halt-confirmation")
    page.get_by_role("button", name="Record halt and suspend 1 engagement").click()

    expect(page.get_by_text("Lab A: halt work recorded. 1 engagement suspended")).to_be_visible()
    expect(lab_a.locator("[data-decision]")).to_have_text("Halt work")
    expect(lab_a).to_contain_text("Counsel advises a full stop.")
    expect(page.locator("#impact")).to_contain_text("suspended")
    expect(page.locator("#timeline")).to_contain_text("Work halted on 1 engagement by")
    assert Engagement.objects.get(pk=world.meridian_a.pk).status == "suspended"
    assert Engagement.objects.get(pk=world.meridian_b.pk).status == "active"


def test_filing_a_notification_takes_it_off_the_overdue_list(page, world, security_lab_a):
    sign_in(page, security_lab_a.username, PASSWORD)
    page.goto("/deadlines/?status=overdue")
    row = page.locator(f'[data-notification="{world.overdue.id}"]')
    expect(row).to_contain_text("NIS2 early warning — 24 h")
    expect(row.locator(".overdue")).to_contain_text("overdue by")
    row.get_by_text("Mark filed").click()
    row.get_by_label("Reference").fill("CSIRT-7781")
    row.get_by_role("button", name="Save as filed").click()
    expect(page.get_by_text("NIS2 early warning — 24 h for Lab A marked as filed.")).to_be_visible()
    expect(page.locator(f'[data-notification="{world.overdue.id}"]')).to_have_count(0)
    world.overdue.refresh_from_db()
    assert world.overdue.reference == "CSIRT-7781" and world.overdue.submitted_at is not None


def test_the_dashboards_first_screen_shows_the_overdue_filings(page, world, security_lab_a):
    page.set_viewport_size(DESKTOP)
    sign_in(page, security_lab_a.username, PASSWORD)
    overdue = page.locator('[data-count="overdue-filings"]')
    expect(overdue).to_be_in_viewport()
    expect(overdue).to_contain_text("1 regulator filing overdue")
    shot(page, "dashboard-1440", full_page=False)


def test_phone_width_pages_do_not_overflow_sideways(page, world, security_lab_a):
    page.set_viewport_size(PHONE)
    sign_in(page, security_lab_a.username, PASSWORD)
    for url in ("/", "/vendors/", f"/incidents/{world.incident.id}/", "/deadlines/"):
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shot(page, f"phone{url}")
        assert overflow <= 0, f"{url} overflows by {overflow}px at 390 px"
