"""Finding 9: JSON nesting is bounded before parsing, for the API (anonymous too) and the admin imports."""

import json

import pytest

from tests import factories as f
from vendorrisk.core import jsonguard

DEEP = "[" * 50_000 + "]" * 50_000


@pytest.mark.django_db
def test_deep_json_to_the_token_endpoint_is_a_400_not_a_500(api_client):
    response = api_client.post("/api/auth/token/", DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "JSON nested too deeply"


@pytest.mark.django_db
def test_deep_json_inside_an_object_is_refused_for_signed_in_writes(security_api, vendor_a):
    body = f'{{"vendor": {vendor_a.id}, "title": "t", "a": {"[" * 5000 + "]" * 5000}}}'

    response = security_api.post("/api/incidents/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == "JSON nested too deeply"


@pytest.mark.django_db
def test_json_under_the_limit_still_parses(api_client):
    user = f.UserFactory(username="depth-user")
    response = api_client.post(
        "/api/auth/token/",
        json.dumps({"username": user.username, "password": f.PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_api_takes_json_bodies_only(admin_api):
    response = admin_api.post("/api/labs/", "name=Lab+Z", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415


@pytest.mark.parametrize(
    "text, deep",
    [
        ("[" * 101 + "]" * 101, True),
        ("[" * 100 + "]" * 100, False),
        ('{"a": "' + "[" * 500 + '"}', False),  # brackets inside a string are text
        ('{"a": "\\"' + "[" * 500 + '"}', False),  # an escaped quote does not end the string
        ('["' + "[" * 500, False),  # an unterminated string: the decoder reports it
        ('{"a": ' * 101 + "1" + "}" * 101, True),
    ],
)
def test_check_depth_counts_structure_not_text(text, deep):
    if deep:
        with pytest.raises(jsonguard.JSONTooDeep):
            jsonguard.check_depth(text)
    else:
        jsonguard.check_depth(text)


def test_the_depth_error_is_a_json_decode_error_at_the_bracket():
    with pytest.raises(json.JSONDecodeError) as caught:
        jsonguard.loads("[" * 101 + "]" * 101)
    assert caught.value.pos == 100
    assert "nested too deeply" in caught.value.msg
