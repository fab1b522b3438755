"""`Engagement.objects.exposing()` / `.exposing_on(day)` agree row for row with the pure `is_exposing`."""

import datetime as dt

import pytest

from tests.factories import EngagementFactory, VendorFactory
from vendors.models import Engagement, Vendor
from vendors.rules import is_exposing

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 6, 1)


@pytest.fixture
def engagements():
    rows = {
        "proposed": EngagementFactory(status="proposed"),
        "active": EngagementFactory(status="active"),
        "active_later": EngagementFactory(status="active", start_date=dt.date(2024, 7, 1)),
        "suspended": EngagementFactory(status="suspended"),
        "ended_kept": EngagementFactory(status="ended", end_date=dt.date(2024, 3, 1)),
        "ended_disposed_on_day": EngagementFactory(
            status="ended", end_date=dt.date(2024, 3, 1), data_disposed_on=DAY
        ),
        "ended_disposed_before": EngagementFactory(
            status="ended", end_date=dt.date(2024, 3, 1), data_disposed_on=dt.date(2024, 4, 1)
        ),
    }
    return {name: row.id for name, row in rows.items()}


def test_exposing_now_is_the_property_and_the_pure_rule(engagements):
    ids = set(Engagement.objects.exposing().values_list("id", flat=True))
    assert ids == {engagements[n] for n in ("active", "active_later", "suspended", "ended_kept")}
    for row in Engagement.objects.all():
        assert row.is_exposing is (row.id in ids) is is_exposing(row.status, row.data_disposed_on)


def test_exposing_on_a_day_is_the_pure_rule_on_that_day(engagements):
    ids = set(Engagement.objects.exposing_on(DAY).values_list("id", flat=True))
    assert ids == {engagements[n] for n in ("active", "suspended", "ended_kept", "ended_disposed_on_day")}
    for row in Engagement.objects.all():
        on_day = is_exposing(row.status, row.data_disposed_on, start_date=row.start_date, on=DAY)
        assert on_day is (row.id in ids)


def test_a_vendor_root_is_its_ultimate_parent():
    group = VendorFactory()
    brand = VendorFactory(parent=group)
    sub = VendorFactory(parent=brand)
    assert sub.root_id() == brand.root_id() == group.root_id() == group.id
    sub.parent = None  # in memory only: the root follows the unsaved parent
    assert sub.root_id() == sub.id
    assert Vendor.objects.get(pk=sub.pk).root_id() == group.id
