"""Ids beyond the 64-bit range in filters and paths are a clean 400/404, never a database error."""

import pytest

HUGE = "-289830981792980383125471232"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/api/engagements/?vendor={HUGE}",
        f"/api/engagements/?lab={HUGE}",
        f"/api/notifications/?lab={HUGE}",
        f"/api/assessments/?vendor={HUGE}",
        f"/api/findings/?vendor={HUGE}",
        f"/api/incidents/?vendor={HUGE}",
        f"/api/vendors/?parent={HUGE}",
        "/api/findings/?assessment=99999999999999999999999",
    ],
)
def test_out_of_range_ids_in_filters_are_invalid_choices(url):
    from rest_framework.test import APIClient

    from vendorrisk.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="huge", role="admin"))
    response = client.get(url)
    assert response.status_code == 400
    assert "valid choice" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/findings/?overdue=maybe",
        "/api/incidents/?open=perhaps",
        "/api/vendor-dependencies/?shares_data=x",
    ],
)
def test_an_invalid_true_false_filter_is_a_400(url):
    from rest_framework.test import APIClient

    from vendorrisk.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="bool", role="admin"))
    response = client.get(url)
    assert response.status_code == 400
    assert "true or false" in response.content.decode()


@pytest.mark.django_db
def test_related_names_are_present_and_null_in_patch_responses(vendor_a):
    from rest_framework.test import APIClient

    from vendorrisk.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="patcher", role="admin"))
    body = client.patch(f"/api/vendors/{vendor_a.id}/", {"description": "x"}).json()
    assert "parent_name" in body and body["parent_name"] is None


@pytest.mark.django_db
def test_a_nul_byte_in_search_is_a_400_with_an_object_body():
    from rest_framework.test import APIClient

    from vendorrisk.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="nul", role="admin"))
    response = client.get("/api/assessments/?search=a%00b")
    assert response.status_code == 400
    assert isinstance(response.json(), dict)


@pytest.mark.django_db
def test_datetime_filters_accept_any_utc_offset():
    from rest_framework.test import APIClient

    from vendorrisk.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="tz", role="admin"))
    response = client.get("/api/incidents/?occurred_at_before=2025-07-02T14%3A08%3A12.16%2B22%3A00")
    assert response.status_code == 200
