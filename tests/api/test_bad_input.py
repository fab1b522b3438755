"""Bad input to every writable resource: a 400 naming the field, never a 500, and nothing saved.

The cases come from each resource's declaration (tests/api/resources.py): a required field left out,
text over its max_length, a NUL byte, an unknown foreign-key id, an unknown choice, a wrong type,
malformed JSON, and — for lab foreign keys — another lab's id, which must read exactly like an unknown id.
"""

import json

import pytest

from .base import row_counts
from .resources import RESOURCES, WRITABLE, Resource

UNKNOWN_ID = 987654321


def limited_writer(world, roles):
    """A Lab A–limited user who may write (admins for admin-only resources)."""
    if "procurement" in roles:
        return world.procurement_lab_a
    if "security" in roles:
        return world.security_lab_a
    return world.admin_user


def cases(resource: type[Resource]) -> list[str]:
    found = ["malformed_json"]
    if resource.required and resource.allows("POST"):
        found.append("missing_required")
    for attr in ("long_text", "nul_text", "unknown_fk", "unknown_choice", "wrong_type", "scoped_fk"):
        if getattr(resource, attr):
            found.append(attr)
    return found


def broken(resource: Resource, case: str, payload: dict, lab_b) -> tuple[dict, str]:
    """(the payload with one field broken, the field the 400 must name)."""
    payload = dict(payload)
    if case == "missing_required":
        del payload[resource.required]
        return payload, resource.required
    if case == "long_text":
        field, limit = resource.long_text
        payload[field] = "x" * (limit + 1)
        return payload, field
    if case == "nul_text":
        payload[resource.nul_text] = "before\x00after"
        return payload, resource.nul_text
    if case == "unknown_fk":
        field = resource.unknown_fk
        payload[field] = [UNKNOWN_ID] if isinstance(payload.get(field), list) else UNKNOWN_ID
        return payload, field
    if case in ("unknown_choice", "wrong_type"):
        bad = getattr(resource, case)
        payload[bad.field] = bad.value
        return payload, bad.field
    if case == "scoped_fk":
        payload[resource.scoped_fk] = lab_b.id
        return payload, resource.scoped_fk
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("resource", "case"),
    [pytest.param(r, c, id=f"{r.name}-{c}") for r in WRITABLE for c in cases(r)],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(world, api_client_for, resource, case):
    r = resource(world)
    client = api_client_for(limited_writer(world, r.write_roles))
    method, url, payload = r.bad_input_request(world.lab_a)
    if case == "malformed_json":
        before = row_counts()
        response = getattr(client, method)(url, '{"title": "unterminated', content_type="application/json")
        assert response.status_code == 400, response.content
        assert "JSON parse error" in response.json()["detail"]
        assert row_counts() == before
        return
    body, field = broken(r, case, payload, world.lab_b)
    before = row_counts()
    response = getattr(client, method)(url, body)
    assert response.status_code == 400, f"{case}: {response.status_code} {response.content[:500]}"
    errors = response.json()
    assert field in errors, errors
    assert errors[field], errors
    assert row_counts() == before
    if case == "scoped_fk":
        # Another lab's id reads exactly like an id that does not exist.
        unknown = dict(body, **{field: UNKNOWN_ID})
        unknown_errors = getattr(client, method)(url, unknown).json()
        same = json.dumps(unknown_errors[field]).replace(str(UNKNOWN_ID), "<id>")
        assert json.dumps(errors[field]).replace(str(world.lab_b.id), "<id>") == same
        assert "Lab B" not in response.content.decode()


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in WRITABLE if r.allows("POST")])
def test_a_non_object_body_is_a_400(world, api_client_for, resource):
    r = resource(world)
    client = api_client_for(limited_writer(world, r.write_roles))
    before = row_counts()
    response = client.post(r.list_url(), "[1, 2, 3]", content_type="application/json")
    assert response.status_code == 400, response.content
    assert row_counts() == before


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in WRITABLE if r.allows("POST")])
def test_an_empty_body_names_every_required_field(world, api_client_for, resource):
    r = resource(world)
    client = api_client_for(limited_writer(world, r.write_roles))
    before = row_counts()
    response = client.post(r.list_url(), {})
    assert response.status_code == 400, response.content
    if r.required:
        assert r.required in response.json()
    assert row_counts() == before


BAD_QUERIES = [
    {"page": "abc"},
    {"page": "999"},
    {"page_size": "abc"},
    {"page_size": "-3"},
    {"ordering": "no_such_field,-password"},
    {"search": "nul\x00byte"},
    {"search": "%' OR 1=1 --"},
    {"lab": "not-an-id"},
    {"vendor": "\x00"},
    {"status": "\x00"},
    {"created_at_after": "garbage"},
    {"discovered_at_before": "9999-99-99"},
    {"object_id": "1e99"},
]


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in RESOURCES])
def test_bad_query_parameters_never_cause_a_server_error(world, api_client_for, resource):
    r = resource(world)
    r.make(world.lab_a)
    client = api_client_for(world.admin_user)
    for query in BAD_QUERIES:
        response = client.get(r.list_url(), query)
        assert response.status_code in (200, 400, 404), f"{query}: {response.status_code}"
        assert response["Content-Type"] == "application/json"
    past_the_end = client.get(r.list_url(), {"page": 999})
    assert past_the_end.status_code == 404
    assert past_the_end.json() == {"detail": "Invalid page."}
    bad_size = client.get(r.list_url(), {"page_size": "abc"})
    assert bad_size.status_code == 400
    assert "page_size" in bad_size.json()


@pytest.mark.parametrize("resource", [pytest.param(r, id=r.name) for r in RESOURCES if r.has_detail])
def test_a_malformed_id_in_the_path_is_a_json_404(world, admin_api, resource):
    r = resource(world)
    base = r.detail_url(r.make(world.lab_a)).rsplit("/", 2)[0]
    for bad_id in ("abc", "1.5", "99999999999999999999", "-1"):
        for method in ("get", "patch", "delete"):
            response = getattr(admin_api, method)(f"{base}/{bad_id}/", {})
            assert response.status_code in (404, 405), f"{method} {bad_id}: {response.status_code}"
            assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("name", ["incident-updates", "incident-responses"])
def test_a_child_of_an_unknown_incident_is_404(world, security_api, name):
    r = next(res for res in RESOURCES if res.name == name)(world)
    url = r.list_url().replace(f"/{r.incident.pk}/", "/987654321/")
    before = row_counts()
    assert security_api.get(url).status_code == 404
    assert security_api.post(url, r.create_payload(world.lab_a)).status_code == 404
    assert row_counts() == before
