"""/health/ (issue 9 finding 20): a bare status for everyone, components and timings only for admins."""

import pytest
from django.test import Client
from health_check.checks import Cache
from health_check.exceptions import ServiceUnavailable


@pytest.fixture
def broken_cache(monkeypatch):
    async def run(self):
        raise ServiceUnavailable("cache is down")

    monkeypatch.setattr(Cache, "run", run)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("accept", ["application/json", "text/html", "text/plain"])
def test_anonymous_callers_get_a_bare_status(accept):
    response = Client().get("/health/", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert Client().get("/health/?format=text").json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_a_failing_component_is_a_bare_503_for_non_admins(broken_cache, viewer_all):
    response = Client().get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    client = Client()
    client.force_login(viewer_all)
    response = client.get("/health/?format=json")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})
    assert b"cache is down" not in response.content


@pytest.mark.django_db(transaction=True)
def test_admins_get_the_components(admin_user, broken_cache):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/health/?format=json")
    assert response.status_code == 503
    body = response.json()
    assert any("Database" in key for key in body) and any("cache is down" in v for v in body.values())
    page = client.get("/health/", HTTP_ACCEPT="text/html")
    assert page.status_code == 503
    assert b"Database" in page.content
