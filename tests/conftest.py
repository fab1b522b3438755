"""Shared fixtures: two labs with engagements, a user per role (all labs or limited to Lab A), API clients.

The world every API test starts from (each piece is its own fixture; ask only for what you need):

    lab_a "Lab A" ──engagement_a──▶ vendor_a "Vendor Alpha"
    lab_b "Lab B" ──engagement_b──▶ vendor_b "Vendor Beta"

Users (password ``tests.factories.PASSWORD``):
    admin_user                                   role admin (never lab-limited; overrides pytest-django's)
    viewer_all, procurement_all, security_all    role …, all_labs=True
    viewer_lab_a, procurement_lab_a, security_lab_a   role …, limited to Lab A
    viewer_lab_b                                 role viewer, limited to Lab B

Clients:
    api_client                 anonymous ``ScopedAPIClient``
    api_client_for(user)       a client signed in as ``user`` (force_authenticate, no CSRF)
    admin_api, viewer_api, procurement_api, security_api          all-labs users' clients
    viewer_lab_a_api, procurement_lab_a_api, security_lab_a_api   Lab A users' clients
    role_users                 {"viewer": viewer_lab_a, …, "admin": admin_user} for role matrices

Any test that needs the database gets it through these fixtures; mark others with ``pytest.mark.django_db``.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from vendorrisk.core.scoping import forget_scope

from . import factories as f


class ScopedAPIClient(APIClient):
    """An APIClient that forgets the forced user's cached lab ids before every request.

    A real request loads the user afresh; a forced user is the same Python object across requests,
    and `visible_lab_ids` caches on it. Forgetting keeps lab-membership changes made mid-test visible
    and makes query counts match production (one lab-ids query per request for a limited user).
    """

    def request(self, **kwargs):
        user = getattr(self.handler, "_force_user", None)
        if user is not None:
            forget_scope(user)
        return super().request(**kwargs)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters live in the cache: every test starts with none. The recompute's cached graph
    goes too: factories write edges and parents without the services, so no graph version moves."""
    from assessments import incremental

    cache.clear()
    incremental.clear_cache()
    yield
    cache.clear()
    incremental.clear_cache()


# --- labs, vendors, engagements -------------------------------------------------------------------


@pytest.fixture
def lab_a(db):
    return f.LabFactory(name="Lab A", slug="lab-a", regimes=["gdpr", "nis2"])


@pytest.fixture
def lab_b(db):
    return f.LabFactory(name="Lab B", slug="lab-b", regimes=["sec"])


@pytest.fixture
def vendor_a(db):
    return f.VendorFactory(name="Vendor Alpha", slug="vendor-alpha")


@pytest.fixture
def vendor_b(db):
    return f.VendorFactory(name="Vendor Beta", slug="vendor-beta", category="evaluation")


@pytest.fixture
def engagement_a(lab_a, vendor_a):
    return f.EngagementFactory(lab=lab_a, vendor=vendor_a, title="Alpha labeling for A")


@pytest.fixture
def engagement_b(lab_b, vendor_b):
    return f.EngagementFactory(lab=lab_b, vendor=vendor_b, title="Beta benchmarks for B")


# --- users ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    return f.UserFactory(username="admin", role="admin")


@pytest.fixture
def viewer_all(db):
    return f.UserFactory(username="viewer_all", role="viewer", all_labs=True)


@pytest.fixture
def procurement_all(db):
    return f.UserFactory(username="procurement_all", role="procurement", all_labs=True)


@pytest.fixture
def security_all(db):
    return f.UserFactory(username="security_all", role="security", all_labs=True)


@pytest.fixture
def viewer_lab_a(lab_a):
    return f.UserFactory(username="viewer_lab_a", role="viewer", labs=[lab_a])


@pytest.fixture
def procurement_lab_a(lab_a):
    return f.UserFactory(username="procurement_lab_a", role="procurement", labs=[lab_a])


@pytest.fixture
def security_lab_a(lab_a):
    return f.UserFactory(username="security_lab_a", role="security", labs=[lab_a])


@pytest.fixture
def viewer_lab_b(lab_b):
    return f.UserFactory(username="viewer_lab_b", role="viewer", labs=[lab_b])


@pytest.fixture
def role_users(admin_user, viewer_lab_a, procurement_lab_a, security_lab_a):
    """One user per role for permission matrices: non-admins are limited to Lab A (admins never are)."""
    return {
        "viewer": viewer_lab_a,
        "procurement": procurement_lab_a,
        "security": security_lab_a,
        "admin": admin_user,
    }


# --- clients --------------------------------------------------------------------------------------


@pytest.fixture
def api_client():
    """An anonymous API client."""
    return ScopedAPIClient()


@pytest.fixture
def api_client_for():
    """``api_client_for(user)`` → a client authenticated as ``user`` (None → anonymous)."""

    def make(user):
        client = ScopedAPIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def admin_api(api_client_for, admin_user):
    return api_client_for(admin_user)


@pytest.fixture
def viewer_api(api_client_for, viewer_all):
    return api_client_for(viewer_all)


@pytest.fixture
def procurement_api(api_client_for, procurement_all):
    return api_client_for(procurement_all)


@pytest.fixture
def security_api(api_client_for, security_all):
    return api_client_for(security_all)


@pytest.fixture
def viewer_lab_a_api(api_client_for, viewer_lab_a):
    return api_client_for(viewer_lab_a)


@pytest.fixture
def procurement_lab_a_api(api_client_for, procurement_lab_a):
    return api_client_for(procurement_lab_a)


@pytest.fixture
def security_lab_a_api(api_client_for, security_lab_a):
    return api_client_for(security_lab_a)
