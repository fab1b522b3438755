"""Fixtures of the API tests: the whole conftest world in one object, and helpers to compare bodies."""

import pytest

from .resources import World


@pytest.fixture
def world(
    lab_a,
    lab_b,
    vendor_a,
    vendor_b,
    engagement_a,
    engagement_b,
    admin_user,
    viewer_all,
    procurement_all,
    security_all,
    viewer_lab_a,
    procurement_lab_a,
    security_lab_a,
) -> World:
    return World(
        lab_a=lab_a,
        lab_b=lab_b,
        vendor_a=vendor_a,
        vendor_b=vendor_b,
        engagement_a=engagement_a,
        engagement_b=engagement_b,
        admin_user=admin_user,
        viewer_all=viewer_all,
        procurement_all=procurement_all,
        security_all=security_all,
        viewer_lab_a=viewer_lab_a,
        procurement_lab_a=procurement_lab_a,
        security_lab_a=security_lab_a,
    )
