"""Sign-in (DESIGN.md section 4): API tokens, lock-out, logout, throttling, browser sessions and CSRF."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import PASSWORD
from vendors.models import Vendor

TOKEN_URL = "/api/auth/token/"
LOGOUT_URL = "/api/auth/logout/"
LOGIN_URL = "/accounts/login/"


def get_token(client, user, password=PASSWORD):
    return client.post(TOKEN_URL, {"username": user.username, "password": password})


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_lasts_ten_hours_and_works(api_client, viewer_all):
    response = get_token(api_client, viewer_all)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert abs(expiry - (timezone.now() + dt.timedelta(hours=10))) < dt.timedelta(minutes=1)
    assert token_client(body["token"]).get("/api/vendors/").status_code == 200


def test_tokens_are_stored_hashed(api_client, viewer_all):
    token = get_token(api_client, viewer_all).json()["token"]
    stored = AuthToken.objects.get(user=viewer_all)
    assert token not in (stored.digest, stored.token_key)
    assert token.startswith(stored.token_key)


@pytest.mark.parametrize(
    ("username", "password"),
    [("viewer_all", "wrong-password"), ("nobody", PASSWORD), ("viewer_all", "")],
)
def test_bad_credentials_are_401_or_400(api_client, viewer_all, username, password):
    response = api_client.post(TOKEN_URL, {"username": username, "password": password})
    if password:
        assert response.status_code == 401
        assert response.json() == {"detail": "Wrong username or password."}
    else:
        assert response.status_code == 400
        assert "password" in response.json()
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(api_client, viewer_all):
    viewer_all.is_active = False
    viewer_all.save()
    assert get_token(api_client, viewer_all).status_code == 401


def test_repeated_failures_lock_the_token_endpoint_out_with_retry_after(api_client, viewer_all):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert get_token(api_client, viewer_all, "wrong-password").status_code == 401
    last = get_token(api_client, viewer_all, "wrong-password")
    assert last.status_code in (401, 429)
    locked = get_token(api_client, viewer_all)  # even the right password, now
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in locked.json()["detail"]
    assert not AuthToken.objects.exists()


def test_repeated_failures_lock_the_login_page_out_with_retry_after(viewer_all):
    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(LOGIN_URL, {"username": viewer_all.username, "password": "wrong-password"})
    locked = browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in browser.session


def test_logout_revokes_the_token(api_client, viewer_all):
    token = get_token(api_client, viewer_all).json()["token"]
    client = token_client(token)
    assert client.post(LOGOUT_URL).status_code == 204
    assert client.get("/api/vendors/").status_code == 401
    assert not AuthToken.objects.exists()


def test_logout_without_a_token_is_401(api_client):
    assert api_client.post(LOGOUT_URL).status_code == 401


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Bearer abc", "Token "])
def test_a_bad_token_is_401_with_a_challenge(api_client, viewer_all, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/vendors/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_an_expired_token_is_401(viewer_all):
    _, token = AuthToken.objects.create(viewer_all, expiry=dt.timedelta(seconds=-1))
    assert token_client(token).get("/api/vendors/").status_code == 401


def test_the_token_endpoint_is_throttled(api_client, viewer_all, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/min", "anon": None, "user": None})
    statuses = [get_token(api_client, viewer_all).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = get_token(api_client, viewer_all)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_the_browser_signs_in_with_a_session(viewer_all):
    browser = Client()
    page = browser.get(LOGIN_URL)
    assert page.status_code == 200
    response = browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    assert browser.get("/api/vendors/").status_code == 200
    assert browser.get("/").status_code == 200


def test_a_wrong_password_on_the_login_page_says_so(viewer_all):
    response = Client().post(LOGIN_URL, {"username": viewer_all.username, "password": "nope"})
    assert response.status_code == 200
    assert "Wrong username or password." in response.content.decode()


def test_session_writes_need_the_csrf_token(procurement_all):
    client = APIClient(enforce_csrf_checks=True)
    client.get(LOGIN_URL)  # sets the CSRF cookie, as the browser's first page would
    csrf = client.cookies["csrftoken"].value
    client.force_login(procurement_all)
    body = {"name": "Csrf Vendor", "category": "other"}
    refused = client.post("/api/vendors/", body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Vendor.objects.filter(name="Csrf Vendor").exists()
    accepted = client.post("/api/vendors/", body, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.content


def test_token_writes_need_no_csrf_token(api_client, procurement_all):
    token = get_token(api_client, procurement_all).json()["token"]
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/vendors/", {"name": "Token Vendor", "category": "other"}).status_code == 201


def test_the_browser_login_page_rejects_a_post_without_csrf(viewer_all):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session
