"""OpenAPI (DESIGN.md section 4): the schema lists every path of the contract that exists, with exactly
its methods, and every operation documents the error statuses it can answer; the docs page is local-only."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from rest_framework.test import APIClient

from .resources import RESOURCES

# DESIGN.md section 4, path → methods. Resources' list and detail routes come from RESOURCES; these are
# the rest of the table and the actions its notes name.
EXTRA_OPERATIONS = {
    "/api/auth/token/": {"POST"},
    "/api/auth/logout/": {"POST"},
    "/api/engagements/import/": {"POST"},
    "/api/incidents/{id}/impact/": {"GET"},
    "/api/assessments/{id}/answers/": {"GET", "PUT"},
    "/api/assessments/{id}/complete/": {"POST"},
    "/api/assessments/{id}/evidence/": {"GET", "POST"},
    "/api/vendors/{id}/suspend/": {"POST"},
    "/api/vendors/{id}/resume/": {"POST"},
    "/api/vendors/{id}/risk/": {"GET"},
    "/api/vendors/{id}/risk/history/": {"GET"},
    "/api/labs/{id}/concentration/": {"GET"},
    "/api/risk/vendors/": {"GET"},
    "/api/risk/shared-dependencies/": {"GET"},
    "/api/what-if/": {"POST"},
    "/api/risk/critical-providers/": {"GET"},
    "/api/labs/{id}/register-of-information/": {"GET"},
    "/api/labs/{id}/register-of-information/lint/": {"GET"},
    "/api/labs/{id}/register-of-information/workbook/": {"GET"},
    "/api/events/": {"GET"},
    "/api/webhooks/": {"GET", "POST"},
    "/api/webhooks/{id}/": {"GET", "PATCH", "DELETE"},
    "/api/webhooks/{id}/deliveries/": {"GET"},
    "/api/webhooks/{id}/deliveries/{id}/redeliver/": {"POST"},
    "/api/webhooks/{id}/test/": {"POST"},
}
PUBLIC = {"/api/auth/token/"}
User = get_user_model()


def design_operations() -> dict[str, set[str]]:
    operations = dict(EXTRA_OPERATIONS)
    for r in RESOURCES:
        operations[r.path] = set(r.methods) & {"GET", "POST"}
        detail = set(r.methods) & {"PUT", "PATCH", "DELETE"}
        if r.has_detail:
            operations[f"{r.path}{{id}}/"] = {"GET"} | detail
    return operations


def normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{id}", path)


def exists(path: str) -> bool:
    """The path is routed to its own view (not, say, read as an object id by a detail route)."""
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        return False
    return all(str(v) == "1" for v in match.kwargs.values())


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    """The schema as a signed-in viewer gets it (built once: generating it takes seconds)."""
    client = APIClient()
    client.force_authenticate(User(username="schema_reader", role="viewer", all_labs=True))
    with django_db_blocker.unblock():
        response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    return {normalise(p): ops for p, ops in response.json()["paths"].items()}


def test_every_existing_contract_path_is_in_the_schema_with_its_methods(schema):
    wanted = {p: m for p, m in design_operations().items() if exists(p)}
    assert len(wanted) >= 2 * len(RESOURCES)  # the foundation's resources at least
    missing = sorted(set(wanted) - set(schema))
    assert not missing, f"not in the schema: {missing}"
    wrong = {
        p: (sorted(m), sorted(k.upper() for k in schema[p] if k in ("get", "post", "put", "patch", "delete")))
        for p, m in wanted.items()
        if {k.upper() for k in schema[p]} & {"GET", "POST", "PUT", "PATCH", "DELETE"} != m
    }
    assert not wrong, f"methods differ (design, schema): {wrong}"


def test_every_operation_documents_its_error_statuses(schema):
    problems = []
    for path, operations in schema.items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = set(operation["responses"])
            need = {"429", "414"}  # 414: gunicorn refuses an over-long request line
            if path not in PUBLIC:
                need |= {"401", "403"}
            else:
                need |= {"400", "401"}
            if "{" in path:
                need.add("404")
            if method in ("post", "put", "patch"):
                need.add("400")
            query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if query - {"page", "page_size", "ordering", "search"}:
                need.add("400")  # a filter value can be invalid
            if "page" in query:
                need.add("404")  # a page past the end
            if method == "delete":
                need.add("409")
            if not need <= codes:
                problems.append(f"{method.upper()} {path}: missing {sorted(need - codes)}")
    assert not problems, "\n".join(problems)


class _AssetParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_the_docs_page_loads_nothing_from_elsewhere(viewer_api):
    response = viewer_api.get("/api/docs/")
    assert response.status_code == 200
    parser = _AssetParser()
    parser.feed(response.content.decode())
    assert parser.urls, "the page references its assets"
    external = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
    assert not external
    for url in parser.urls:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), f"{url} is not a shipped static file"
    script = viewer_api.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert not re.search(r"https?://", script.content.decode())


def test_the_docs_page_leads_back_to_the_app_without_inline_styles(viewer_api):
    html = viewer_api.get("/api/docs/").content.decode()
    assert '<a href="/" data-back-to-app>← Back to the vendor risk register</a>' in html
    assert "<style" not in html and " style=" not in html  # nothing the strict CSP would refuse
    assert '<link rel="stylesheet" href="/static/css/api-docs.css">' in html
    assert html.count('id="swagger-ui"') == 1  # the package's page is still there, once
