"""A large backlog of marks (an import reaching many labs) is drained by the vectorised rebuild: the stored
values are the rebuild's, the history keeps the marks' causes, band changes still announce themselves."""

from datetime import date
from unittest import mock

import pytest

from assessments import rebuild as rebuild_module
from assessments.models import VendorScore, VendorScoreHistory
from vendorrisk.models import Event
from vendors import services as vendor_services
from vendors.models import ScoreMark

from .helpers import lab, vendor
from .test_incremental_pairs import assert_equal_to_rebuild

pytestmark = pytest.mark.django_db(transaction=True)


def _import(labs, vendors):
    rows = [
        {
            "lab_id": lab_obj.id,
            "vendor_id": vendor_obj.id,
            "title": f"Import {lab_obj.name} {vendor_obj.name}",
            "status": "active",
            "criticality": "critical",
            "data_sensitivity": "restricted",
            "substitutability": "difficult",
            "start_date": date(2025, 1, 1),
        }
        for lab_obj in labs
        for vendor_obj in vendors
    ]
    with mock.patch.object(rebuild_module, "rebuild_all", wraps=rebuild_module.rebuild_all) as spy:
        vendor_services.engagement_bulk_create(actor=None, rows=rows)
    return spy


def _world():
    labs = [lab(f"Lab {i}") for i in range(4)]
    alpha, beta = vendor("Alpha"), vendor("Beta")
    vendor_services.dependency_create(actor=None, vendor=alpha, depends_on=beta, shares_data=True)
    return labs, alpha, beta


def test_a_backlog_over_many_labs_is_rebuilt_with_the_marks_causes(settings):
    settings.VENDORRISK_REBUILD_BACKLOG_LABS = 3
    labs, alpha, beta = _world()
    band_before = VendorScore.objects.get(vendor=alpha).band
    spy = _import(labs, [alpha])
    assert spy.call_args_list == [mock.call(drain_backlog=True)]
    assert not ScoreMark.objects.exists()
    latest = VendorScoreHistory.objects.filter(vendor=alpha).order_by("-computed_at", "-id").first()
    causes = {c["cause"] for c in latest.causes}
    assert causes and "full rebuild" not in causes
    assert all("imported" in c for c in causes), causes
    assert {c["lab"] for c in latest.causes} <= {lab_obj.id for lab_obj in labs}
    band_after = VendorScore.objects.get(vendor=alpha).band
    changed = Event.objects.filter(type="vendor.score_band_changed", object_id=alpha.id)
    assert changed.count() == (1 if band_after != band_before else 0)
    if band_after != band_before:
        assert changed.get().data["changes"] == {"band": [band_before, band_after]}
    assert_equal_to_rebuild()


def test_a_backlog_below_the_threshold_is_drained_pair_by_pair(settings):
    settings.VENDORRISK_REBUILD_BACKLOG_LABS = 5  # four labs touched: under it
    labs, alpha, _ = _world()
    spy = _import(labs, [alpha])
    assert spy.call_count == 0
    assert not ScoreMark.objects.exists()
    assert_equal_to_rebuild()


def test_a_quarter_of_all_labs_is_also_required(settings):
    settings.VENDORRISK_REBUILD_BACKLOG_LABS = 1
    labs, alpha, _ = _world()
    spare = [lab(f"Spare {i}") for i in range(10)]  # 14 labs: one touched is under a quarter
    assert len(labs) + len(spare) == 14
    spy = _import(labs[:1], [alpha])
    assert spy.call_count == 0
