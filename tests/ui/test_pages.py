"""Every page: who may open it (status per role), signed-out visitors sent to sign in, and markup the
strict CSP allows (no inline scripts or styles, nothing loaded from elsewhere)."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders

from .pages import PAGES

ROLES = ("viewer", "procurement", "security", "admin")


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_each_role_gets_the_page_or_403(page, world, role_users, client_for):
    for role in ROLES:
        response = client_for(role_users[role]).get(page.url(world))
        expected = 200 if role in page.roles else 403
        assert response.status_code == expected, f"{role} on {page.name}: {response.status_code}"


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_signed_out_visitors_are_sent_to_sign_in(page, world, client_for):
    url = page.url(world)
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_login_page_is_where_signed_out_visitors_land(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/accounts/login/?next=/", 302)]
    assert "Sign in" in response.content.decode()


def test_signing_in_through_the_form_opens_the_dashboard(world, viewer_lab_a, client):
    from tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": "viewer_lab_a", "password": PASSWORD, "next": "/"}, follow=True
    )
    assert response.redirect_chain[-1] == ("/", 302)
    assert "<h1>Dashboard</h1>" in response.content.decode()


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.style_elements = 0
        self.style_attributes: list[str] = []
        self.event_handlers: list[str] = []
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = "src" not in attrs
        if tag == "style":
            self.style_elements += 1
        if "style" in attrs:
            self.style_attributes.append(tag)
        self.event_handlers += [name for name in attrs if name.startswith("on")]
        for name in ("src", "href"):
            if attrs.get(name):
                self.urls.append(attrs[name])

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_pages_have_no_inline_code_or_styles_and_load_only_local_assets(page, world, admin_user, client_for):
    response = client_for(admin_user).get(page.url(world))
    if not response["Content-Type"].startswith("text/html"):
        return
    markup = _Markup()
    markup.feed(body(response))
    assert markup.inline_scripts == 0
    assert markup.style_elements == 0
    assert markup.style_attributes == []
    assert markup.event_handlers == []
    assets = [u for u in markup.urls if u.startswith("/static/")]
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a shipped static file"
    # Links out (a vendor's website) are fine; nothing the page loads may come from elsewhere.
    loaded = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', body(response))
    assert loaded == []


def test_htmx_is_the_packaged_copy_with_injected_styles_and_eval_off(world, admin_user, client_for):
    html = body(client_for(admin_user).get("/"))
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert finders.find("django_htmx/htmx-2.min.js")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles":false' in config
    assert '"allowEval":false' in config


def test_the_csp_header_allows_only_this_site(world, admin_user, client_for):
    policy = client_for(admin_user).get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_every_post_form_carries_a_csrf_token(world, admin_user, client_for):
    client = client_for(admin_user)
    pages = ["/", f"/vendors/{world.meridian.id}/", f"/incidents/{world.incident.id}/", "/engagements/new/",
             f"/engagements/{world.meridian_a.id}/edit/", "/engagements/import/"]  # fmt: skip
    for url in pages:
        html = body(client.get(url))
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, url


def test_unknown_pages_and_objects_are_404_pages_not_errors(world, admin_user, client_for):
    client = client_for(admin_user)
    for url in ("/vendors/999999/", "/labs/999999/", "/engagements/999999/", "/incidents/999999/",
                "/assessments/999999/", "/vendors/999999/score/", "/no-such-page/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert "text/html" in response["Content-Type"]


def test_an_invalid_filter_shows_its_error_and_lists_nothing(world, admin_user, client_for):
    response = client_for(admin_user).get("/vendors/", {"category": "not-a-category"})
    assert response.status_code == 200
    html = body(response)
    assert "Some filters are not valid" in html
    assert "No vendors match." in html


def test_the_navigation_follows_the_role(world, role_users, client_for):
    nav = {}
    for role in ROLES:
        html = body(client_for(role_users[role]).get("/engagements/"))
        nav[role] = ("Log an engagement" in html, "Import CSV" in html, 'href="/admin/"' in html)
    assert nav == {
        "viewer": (False, False, False),
        "procurement": (True, True, False),
        "security": (False, False, False),
        "admin": (True, True, True),
    }
