"""Playwright driving Debian's Chromium against pytest-django's live server (127.0.0.1 only).

Every page a test opens is watched: a request to anything but the live server is aborted and fails the
test, and so does any console error or uncaught page error (a CSP violation is one). Screenshots go to
tests/screenshots/ (git-ignored) for review.

Skipped, with the reason, when /usr/bin/chromium or Playwright is missing; REQUIRE_SERVICES=1 (CI)
turns the skip into a failure.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
LAPTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


def _missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _missing(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the browser tests need Playwright (pip install playwright)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """What a page did that it must not: requests elsewhere, console errors, uncaught errors."""

    def __init__(self, origin: str):
        self.origin = origin
        self.outside: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser, live_server, request):
    assert urlsplit(live_server.url).hostname == "127.0.0.1", live_server.url
    watch = Watch(live_server.url)
    context = browser.new_context(viewport=LAPTOP, base_url=live_server.url, service_workers="block")
    context.set_default_timeout(8000)
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("console", lambda m: watch.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(f"page error: {e}"))
    page.watch = watch
    yield page
    context.close()
    assert watch.outside == [], f"requests left 127.0.0.1: {watch.outside}"
    assert watch.errors == [], "\n".join(watch.errors)


def shot(page, name: str, *, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def sign_in(page, username: str, password: str) -> None:
    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
