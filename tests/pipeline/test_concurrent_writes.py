"""Concurrent identical writes on PostgreSQL: one wins (201), the others get a 400 naming the field.

Every request runs in its own thread, so on its own database connection and transaction; a barrier
releases them together so they all pass validation before any of them commits. Before the fix the
losers' IntegrityError was a 500.
"""

import threading
from collections import Counter

import pytest
from django.db import connections
from rest_framework.test import APIClient

from incidents.models import LabResponse
from tests import factories as f
from vendors.models import Lab, Vendor, VendorDependency

pytestmark = [pytest.mark.postgres]

WRITERS = 8


def race(user, path: str, body, *, writers: int = WRITERS) -> list:
    """POST `body` (or body(i)) to `path` from `writers` threads at once; the responses."""
    barrier = threading.Barrier(writers)
    responses: list = [None] * writers

    def write(i: int) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(10)
            responses[i] = client.post(path, body(i) if callable(body) else body, format="json")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


def assert_one_wins(responses, field: str) -> None:
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 400: WRITERS - 1}, [(r.status_code, r.content[:200]) for r in responses]
    for response in responses:
        if response.status_code == 400:
            assert field in response.json(), response.json()


@pytest.fixture
def admin(postgres):
    return f.UserFactory(username="race-admin", role="admin")


def test_identical_dependencies_one_wins(admin):
    vendor, depends_on = f.VendorFactory(), f.VendorFactory()
    responses = race(admin, "/api/vendor-dependencies/", {"vendor": vendor.pk, "depends_on": depends_on.pk})
    assert_one_wins(responses, "depends_on")
    assert VendorDependency.objects.count() == 1


def test_one_response_per_lab_and_incident(admin):
    lab, vendor = f.LabFactory(), f.VendorFactory()
    f.EngagementFactory(lab=lab, vendor=vendor)
    incident = f.IncidentFactory(vendor=vendor)
    responses = race(
        admin,
        f"/api/incidents/{incident.pk}/responses/",
        {"lab": lab.pk, "decision": "halt", "reason": "Racing"},
    )
    assert_one_wins(responses, "lab")
    assert LabResponse.objects.filter(incident=incident, lab=lab).count() == 1


def test_vendor_names_are_unique_under_races(admin):
    # Differently cased names meet the case-insensitive constraint (an expression index).
    responses = race(
        admin,
        "/api/vendors/",
        lambda i: {"name": "RACING VENDOR" if i % 2 else "racing vendor", "category": "data_labeling"},
    )
    assert_one_wins(responses, "name")
    assert Vendor.objects.filter(name__iexact="racing vendor").count() == 1


def test_lab_names_are_unique_under_races(admin):
    responses = race(admin, "/api/labs/", {"name": "Racing Lab"})
    assert_one_wins(responses, "name")
    assert Lab.objects.filter(name__iexact="racing lab").count() == 1


def test_questionnaire_name_and_version_unique_under_races(admin):
    from assessments.models import Questionnaire

    responses = race(admin, "/api/questionnaires/", {"name": "Racing questionnaire", "version": "1.0"})
    assert_one_wins(responses, "version")
    assert Questionnaire.objects.filter(name="Racing questionnaire").count() == 1


def test_usernames_are_unique_under_races(admin):
    # Users are written outside the generic helper: the exception handler names the field.
    from django.contrib.auth import get_user_model

    responses = race(
        admin,
        "/api/users/",
        {"username": "racer", "password": "Orbital-Tangerine-42", "role": "viewer", "all_labs": True},
    )
    assert_one_wins(responses, "username")
    assert get_user_model().objects.filter(username="racer").count() == 1
