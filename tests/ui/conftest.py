"""Fixtures of the web interface tests: the world of tests/ui/world.py and signed-in clients."""

import pytest
from django.test import Client

from vendorrisk.core.scoping import forget_scope

from .world import build_world


@pytest.fixture
def world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b):
    return build_world(lab_a, lab_b, vendor_a, vendor_b, engagement_a, engagement_b)


@pytest.fixture
def client_for():
    """`client_for(user)` → a Django test client signed in as `user` (None: signed out)."""

    def make(user):
        client = Client()
        if user is not None:
            forget_scope(user)
            client.force_login(user)
        return client

    return make
