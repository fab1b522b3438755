"""Users (issue 9): role changes apply, the last admin stays, password changes revoke, owners are in scope.

Findings 1 (demoting an admin), 16 (last admin, self-deactivation), 18 (password change revokes tokens
and sessions) and 14 (owner/assessor choices and names), through the API and the Django admin.
"""

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories as f
from tests.factories import PASSWORD
from vendorrisk.models import User

USERS = "/api/users/"
NEW_PASSWORD = "Another-long-passphrase-42"


def token_for(user) -> APIClient:
    _, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def admin_change_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "role": user.role,
        "labs": [lab.pk for lab in user.labs.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "00:00:00",
    }
    if user.all_labs:
        data["all_labs"] = "on"
    if user.is_active:
        data["is_active"] = "on"
    for key, value in changes.items():
        if value is False:
            data.pop(key, None)
        elif value is True:
            data[key] = "on"
        else:
            data[key] = value
    return data


# --- finding 1: a demotion sticks ------------------------------------------------------------------


def test_demoting_an_admin_through_the_api_sticks_and_its_token_loses_admin_powers(
    admin_api, admin_user, lab_b
):
    other = f.UserFactory(username="second_admin", role="admin")
    token = token_for(other)
    assert token.get(USERS).status_code == 200

    response = admin_api.patch(
        f"{USERS}{other.id}/", {"role": "viewer", "all_labs": False, "labs": [lab_b.id]}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["role"], response.json()["all_labs"]) == ("viewer", False)
    other.refresh_from_db()
    assert (other.role, other.is_superuser, other.is_staff, other.all_labs) == ("viewer", False, False, False)
    assert token.get(USERS).status_code == 403
    assert token.get("/api/vendors/").status_code == 200


def test_demoting_an_admin_in_the_django_admin_sticks(admin_client, admin_user, lab_b):
    other = f.UserFactory(username="second_admin", role="admin")
    url = f"/admin/vendorrisk/user/{other.id}/change/"
    response = admin_client.post(
        url, admin_change_data(other, role="viewer", all_labs=False, labs=[lab_b.id])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    other.refresh_from_db()
    assert (other.role, other.is_superuser, other.is_staff) == ("viewer", False, False)
    client = Client()
    client.force_login(other)
    assert client.get("/admin/").status_code == 302  # no longer staff: sent to the admin's login


def test_createsuperuser_makes_an_admin(db):
    user = User.objects.create_superuser("root", "root@example.test", PASSWORD)
    user.refresh_from_db()
    assert (user.role, user.is_superuser, user.is_staff, user.all_labs) == ("admin", True, True, True)


# --- finding 16: the last active admin, and nobody deactivates themselves ---------------------------


def test_an_admin_cannot_deactivate_itself(admin_api, admin_user):
    f.UserFactory(username="second_admin", role="admin")
    response = admin_api.patch(f"{USERS}{admin_user.id}/", {"is_active": False}, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_active": ["You cannot deactivate your own account."]}
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_last_active_admin_cannot_demote_itself(admin_api, admin_user, lab_a):
    f.UserFactory(username="former_admin", role="admin", is_active=False)  # an inactive admin does not count
    response = admin_api.patch(
        f"{USERS}{admin_user.id}/", {"role": "viewer", "labs": [lab_a.id]}, format="json"
    )
    assert response.status_code == 400
    assert "last active admin" in response.json()["role"][0]
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_superuser) == ("admin", True)


def test_an_admin_may_demote_itself_while_another_admin_remains(admin_api, admin_user, lab_a):
    f.UserFactory(username="second_admin", role="admin")
    response = admin_api.patch(
        f"{USERS}{admin_user.id}/", {"role": "viewer", "labs": [lab_a.id]}, format="json"
    )
    assert response.status_code == 200, response.json()
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_superuser) == ("viewer", False)


def test_the_django_admin_refuses_to_demote_or_deactivate_the_last_admin(admin_client, admin_user, lab_a):
    url = f"/admin/vendorrisk/user/{admin_user.id}/change/"
    response = admin_client.post(url, admin_change_data(admin_user, role="viewer", labs=[lab_a.id]))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "last active admin" in errors["role"][0]
    response = admin_client.post(url, admin_change_data(admin_user, is_active=False))
    assert response.context["adminform"].form.errors["is_active"] == [
        "You cannot deactivate your own account."
    ]
    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_active, admin_user.is_superuser) == ("admin", True, True)


def test_the_django_admin_refuses_to_deactivate_the_last_admin_by_another_route(admin_client, admin_user):
    # Another admin signs in, the first is demoted; the second then cannot leave no admin behind.
    second = f.UserFactory(username="second_admin", role="admin")
    client = Client()
    client.force_login(second)
    response = client.post(
        f"/admin/vendorrisk/user/{admin_user.id}/change/", admin_change_data(admin_user, is_active=False)
    )
    assert response.status_code == 302  # another active admin (second) remains
    admin_user.refresh_from_db()
    assert not admin_user.is_active
    response = client.post(
        f"/admin/vendorrisk/user/{second.id}/change/", admin_change_data(second, is_active=False)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_active"] == [
        "You cannot deactivate your own account."
    ]


# --- finding 18: a password change revokes tokens and other sessions -------------------------------


def test_a_password_change_through_the_api_revokes_tokens_and_sessions(admin_api, viewer_all):
    token = token_for(viewer_all)
    browser = signed_in(viewer_all)
    assert token.get("/api/vendors/").status_code == 200
    assert browser.get("/").status_code == 200

    response = admin_api.patch(f"{USERS}{viewer_all.id}/", {"password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200, response.json()
    assert not AuthToken.objects.filter(user=viewer_all).exists()
    assert token.get("/api/vendors/").status_code == 401
    assert browser.get("/").status_code == 302  # sent to sign in again


def test_a_password_change_in_the_django_admin_revokes_the_users_tokens(admin_client, viewer_all):
    token = token_for(viewer_all)
    response = admin_client.post(
        f"/admin/vendorrisk/user/{viewer_all.id}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert token.get("/api/vendors/").status_code == 401


def test_changing_ones_own_password_keeps_the_current_session_and_ends_the_others(admin_user):
    here, elsewhere = signed_in(admin_user), signed_in(admin_user)
    token = token_for(admin_user)
    response = here.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert token.get("/api/vendors/").status_code == 401


def test_a_password_hash_upgrade_at_sign_in_is_not_a_change(viewer_all, settings):
    token = token_for(viewer_all)
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    signed_in(viewer_all)
    viewer_all.refresh_from_db()
    assert viewer_all.password.startswith("pbkdf2_")  # rehashed ...
    assert token.get("/api/vendors/").status_code == 200  # ... and the token still works


# --- finding 14: owner and assessor among the users the caller may see ------------------------------


@pytest.fixture
def lab_b_user(lab_b):
    return f.UserFactory(username="secret_lab_b_person", role="procurement", labs=[lab_b])


def invalid(pk) -> list[str]:
    return [f'Invalid pk "{pk}" - object does not exist.']


def test_an_engagement_owner_from_another_lab_reads_like_an_unknown_id(
    procurement_lab_a_api, engagement_a, lab_b_user
):
    url = f"/api/engagements/{engagement_a.id}/"
    other_lab = procurement_lab_a_api.patch(url, {"owner": lab_b_user.id}, format="json")
    unknown = procurement_lab_a_api.patch(url, {"owner": 999_999}, format="json")
    assert (other_lab.status_code, unknown.status_code) == (400, 400)
    assert other_lab.json()["owner"] == invalid(lab_b_user.id)
    assert unknown.json()["owner"] == invalid(999_999)
    engagement_a.refresh_from_db()
    assert engagement_a.owner_id != lab_b_user.id


def test_an_owner_who_cannot_see_the_engagements_lab_is_refused_even_by_an_admin(
    admin_api, engagement_a, lab_b_user, viewer_lab_a, viewer_all
):
    url = f"/api/engagements/{engagement_a.id}/"
    response = admin_api.patch(url, {"owner": lab_b_user.id}, format="json")
    assert response.status_code == 400
    assert response.json()["owner"] == invalid(lab_b_user.id)
    for allowed in (viewer_lab_a, viewer_all):
        response = admin_api.patch(url, {"owner": allowed.id}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["owner_name"] == allowed.username


def test_moving_an_engagement_to_a_lab_its_owner_cannot_see_is_refused(
    admin_api, engagement_a, lab_b, viewer_lab_a
):
    engagement_a.owner = viewer_lab_a
    engagement_a.save()
    response = admin_api.patch(f"/api/engagements/{engagement_a.id}/", {"lab": lab_b.id}, format="json")
    assert response.status_code == 400
    assert response.json()["owner"] == invalid(viewer_lab_a.id)


def test_owner_name_hides_users_the_caller_may_not_see(viewer_lab_a_api, engagement_a, lab_b_user, admin_api):
    engagement_a.owner = lab_b_user  # set by a past rule, or the owner lost the lab since
    engagement_a.save()
    body = viewer_lab_a_api.get(f"/api/engagements/{engagement_a.id}/").json()
    assert body["owner_name"] is None
    listed = viewer_lab_a_api.get("/api/engagements/").json()["results"]
    assert "secret_lab_b_person" not in str(listed)
    assert admin_api.get(f"/api/engagements/{engagement_a.id}/").json()["owner_name"] == "secret_lab_b_person"


def test_finding_owner_and_assessor_accept_only_visible_users(
    security_lab_a_api, lab_b_user, viewer_lab_a, vendor_a
):
    questionnaire = f.QuestionnaireFactory()
    response = security_lab_a_api.post(
        "/api/assessments/",
        {"vendor": vendor_a.id, "questionnaire": questionnaire.id, "assessor": lab_b_user.id},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["assessor"] == invalid(lab_b_user.id)
    response = security_lab_a_api.post(
        "/api/assessments/",
        {"vendor": vendor_a.id, "questionnaire": questionnaire.id, "assessor": viewer_lab_a.id},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["assessor_name"] == "viewer_lab_a"
    assessment = response.json()["id"]
    base = {"assessment": assessment, "title": "Weak MFA", "severity": "high"}
    hidden = security_lab_a_api.post("/api/findings/", {**base, "owner": lab_b_user.id}, format="json")
    unknown = security_lab_a_api.post("/api/findings/", {**base, "owner": 999_999}, format="json")
    assert hidden.json()["owner"] == invalid(lab_b_user.id)
    assert unknown.json()["owner"] == invalid(999_999)


def test_finding_owner_name_of_another_labs_user_is_hidden(security_lab_a_api, lab_b_user, vendor_a):
    finding = f.FindingFactory(assessment=f.AssessmentFactory(vendor=vendor_a), owner=lab_b_user)
    body = security_lab_a_api.get(f"/api/findings/{finding.id}/").json()
    assert (body["owner"], body["owner_name"]) == (lab_b_user.id, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_demoting_each_other_at_once_leave_one_admin(lab_a):
    """PostgreSQL: the last-admin check locks the admins, so the second demotion waits and is refused."""
    import threading
    import time

    from django.core.exceptions import ValidationError
    from django.db import connection, transaction

    from vendorrisk.core import accounts

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (set DATABASE_URL=postgres://…)")
    first = f.UserFactory(username="first_admin", role="admin")
    second = f.UserFactory(username="second_admin", role="admin")
    outcome = {}

    def demote(actor, target, hold: float, name: str):
        try:
            with transaction.atomic():
                accounts.user_update(
                    actor=actor, instance=User.objects.get(pk=target.pk), role="viewer", labs=[lab_a]
                )
                time.sleep(hold)  # still inside the transaction: the other demotion overlaps it
            outcome[name] = "ok"
        except ValidationError as exc:
            outcome[name] = exc.message_dict
        finally:
            connection.close()

    one = threading.Thread(target=demote, args=(first, second, 1.0, "one"))
    two = threading.Thread(target=demote, args=(second, first, 0.0, "two"))
    one.start()
    time.sleep(0.3)
    two.start()
    one.join(10)
    two.join(10)
    assert outcome["one"] == "ok"
    assert "last active admin" in outcome["two"]["role"][0]
    assert list(User.objects.filter(role="admin", is_active=True).values_list("username", flat=True)) == [
        "first_admin"
    ]
