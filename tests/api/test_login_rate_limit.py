"""Sign-in is limited per IP across usernames too (issue 9 finding 17), for the login page and the API."""

from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"
TOKEN_URL = "/api/auth/token/"


def test_forty_usernames_from_one_ip_are_locked_out_after_the_ip_limit(viewer_all):
    browser = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [
        browser.post(LOGIN_URL, {"username": f"guess{n}", "password": "wrong-password"}).status_code
        for n in range(40)
    ]
    limit = settings.AXES_IP_FAILURE_LIMIT
    assert limit < 40
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, with its error
    assert statuses[limit:] == [429] * (40 - limit)
    # the IP is locked for every username, a right password included
    locked = browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "_auth_user_id" not in browser.session
    # the API's token endpoint shares the lockout
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    assert api.post(TOKEN_URL, {"username": viewer_all.username, "password": PASSWORD}).status_code == 429
    # another IP is not affected
    other = Client(REMOTE_ADDR="198.51.100.9")
    response = other.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_few_failures_per_username_stay_below_the_ip_limit(viewer_all):
    browser = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        browser.post(LOGIN_URL, {"username": f"typo{n}", "password": "wrong-password"})
    response = browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_successful_sign_in_does_not_clear_the_ips_other_failures(viewer_all):
    browser = Client(REMOTE_ADDR="203.0.113.9")
    limit = settings.AXES_IP_FAILURE_LIMIT
    for n in range(limit - 2):
        browser.post(LOGIN_URL, {"username": f"guess{n}", "password": "wrong-password"})
    assert browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD}).status_code == 302
    browser.logout()
    for n in range(2):
        browser.post(LOGIN_URL, {"username": f"more{n}", "password": "wrong-password"})
    assert browser.post(LOGIN_URL, {"username": viewer_all.username, "password": PASSWORD}).status_code == 429
