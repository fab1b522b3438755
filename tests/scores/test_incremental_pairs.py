"""The incremental path for engagement changes: it touches only the pairs the change reaches, and its
result equals a full rebuild (also where a lab enters a vendor's top labs, and where the graph changed)."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import incremental, recompute
from assessments.models import VendorLabScore, VendorScore
from vendors import services as vendor_services
from vendors.models import ScoreMark

from .helpers import engagement, lab, vendor
from .snapshot import stored_scores

pytestmark = pytest.mark.django_db(transaction=True)


def rebuild():
    call_command("recompute_scores", "--all", stdout=open("/dev/null", "w"))  # noqa: SIM115


def assert_equal_to_rebuild():
    drained = stored_scores()
    rebuild()
    rebuilt = stored_scores()
    for kind in ("vendors", "labs", "shared", "pairs"):
        assert drained[kind] == rebuilt[kind], kind


def pair_ids() -> dict[tuple[int, int], int]:
    return {
        (v, lab_id): pk for pk, v, lab_id in VendorLabScore.objects.values_list("id", "vendor_id", "lab_id")
    }


def computed_at(*vendors):
    return dict(VendorScore.objects.filter(vendor__in=vendors).values_list("vendor_id", "computed_at"))


def test_an_engagement_change_rewrites_only_the_pairs_it_reaches():
    a, b, c, d = (vendor(name) for name in ("Alpha", "Beta", "Gamma", "Delta"))
    vendor_services.dependency_create(actor=None, vendor=a, depends_on=b, shares_data=True)
    vendor_services.dependency_create(actor=None, vendor=c, depends_on=b, shares_data=True)
    l1, l2 = lab("Lab one"), lab("Lab two")
    changed = engagement(l1, a)
    engagement(l2, a)
    engagement(l2, c)
    engagement(l2, d)
    rebuild()
    before = pair_ids()
    untouched = computed_at(c, d)
    assert set(before) == {
        (a.id, l1.id),
        (b.id, l1.id),
        (a.id, l2.id),
        (b.id, l2.id),
        (c.id, l2.id),
        (d.id, l2.id),
    }

    with mock.patch("vendors.dirty._send_drain"):
        vendor_services.engagement_update(actor=None, instance=changed, criticality="low")
    assert set(ScoreMark.objects.filter(kind="vendor").values_list("object_id", "pair_lab_id")) == {
        (a.id, l1.id),
        (b.id, l1.id),
    }
    with CaptureQueriesContext(connection) as queries:
        result = recompute.drain()
    assert (result.vendors, result.labs) == (2, 1)
    after = pair_ids()
    rewritten = {pair for pair in after if after[pair] != before.get(pair)}
    assert rewritten == {(a.id, l1.id), (b.id, l1.id)}
    assert {pair: after[pair] for pair in after if pair[1] == l2.id} == {
        pair: before[pair] for pair in before if pair[1] == l2.id
    }
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    pair_inserts = [sql for sql in inserts if "vendorlabscore" in sql]
    assert len(pair_inserts) == 1, "the two rewritten pairs in one INSERT"
    # Gamma and Delta (not reached by Lab one's engagement) keep their rows as they were.
    assert computed_at(c, d) == untouched
    assert VendorScore.objects.get(vendor=a).labs_exposed == 2
    assert_equal_to_rebuild()


def test_a_lab_entering_the_top_labs_brings_its_terms():
    target = vendor("Popular")
    labs = [lab(f"Lab {i:02d}") for i in range(12)]
    levels = ["critical", "high", "medium", "low"]
    engagements = [
        engagement(lab_obj, target, criticality=levels[min(i // 3, 3)]) for i, lab_obj in enumerate(labs)
    ]
    rebuild()
    top_before = [t["lab"] for t in VendorScore.objects.get(vendor=target).components["labs"]]
    # critical ×3, high ×3, medium ×3, then the lowest id of the low ones
    assert top_before == [x.id for x in labs[:10]]
    calls = []
    original = incremental.update_pairs

    def counting(*args):
        calls.append(args[0])
        return original(*args)

    with mock.patch.object(incremental, "update_pairs", counting):
        vendor_services.engagement_delete(actor=None, instance=engagements[0])
        vendor_services.engagement_update(actor=None, instance=engagements[1], criticality="low")
    assert calls == [{target.id: {labs[0].id}}, {target.id: {labs[1].id}}]
    terms = VendorScore.objects.get(vendor=target).components["labs"]
    # Lab 00 left, Lab 01 fell to low: Lab 10 enters the top ten, with its engagement term.
    assert [t["lab"] for t in terms] == [x.id for x in labs[1:11]]
    assert terms[-1]["engagements"][0]["engagement"] == engagements[10].id
    assert_equal_to_rebuild()


def test_the_cached_graph_follows_graph_writes():
    a, b = vendor("Upstream"), vendor("Downstream")
    l1 = lab("Lab")
    e = engagement(l1, a)
    first = incremental.cached_graph()
    vendor_services.dependency_create(actor=None, vendor=a, depends_on=b, shares_data=True)
    second = incremental.cached_graph()
    assert second.version != first.version and second.downstream == {a.id: [b.id]}
    assert incremental.cached_graph() is second, "unchanged version: the cached copy is reused"
    vendor_services.engagement_update(actor=None, instance=e, criticality="medium")
    assert VendorLabScore.objects.filter(vendor=b, lab=l1).exists()
    assert_equal_to_rebuild()
