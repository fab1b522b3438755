"""B_03.03 (entities signing the arrangements for providing ICT services: ICT intra-group service
providers). A vendor whose LEI is the LEI of a lab of the same lab group is an intra-group provider: its
arrangements are listed there (arrangement reference, provider LEI, link "true"), and nothing else of the
sister lab reaches the register."""

import pytest

from register.build import build, group_leis
from register.lint import lint
from tests import factories as f
from vendors.models import Lab

from .conftest import LAB_A_LEI, REFERENCE, complete
from .test_export import rows, unzip, url

pytestmark = pytest.mark.django_db

SISTER_LEI = "98450055AA11BB22CC29"  # fictional, valid ISO 17442 check digits


def test_the_sister_lei_is_valid():
    from stdnum import lei

    assert lei.is_valid(SISTER_LEI)


def test_group_leis_follow_the_parent_chain():
    labs = [(1, None, "ROOT"), (2, 1, "A"), (3, 2, "B"), (4, None, "OTHER"), (5, 4, ""), (6, 6, "LOOP")]
    assert group_leis(3, labs) == {"ROOT", "A", "B"}
    assert group_leis(4, labs) == {"OTHER"}
    assert group_leis(6, labs) == {"LOOP"}  # a bad self-parent ends the walk


@pytest.fixture
def sister(reg, lab_a, vendor_a, admin_user):
    """Lab A and a sister lab under one group; the sister is also a vendor (same LEI) Lab A contracts with."""
    group = f.LabFactory(name="Group Holding")
    Lab.objects.filter(pk=lab_a.pk).update(parent=group)
    sister_lab = f.LabFactory(name="Sister Services Lab")
    Lab.objects.filter(pk=sister_lab.pk).update(parent=group, lei=SISTER_LEI)
    provider = f.VendorFactory(
        name="Sister Services",
        identifier=SISTER_LEI,
        identifier_type="lei",
        person_type="legal",
        country="DE",
    )
    engagement = f.EngagementFactory(lab=lab_a, vendor=provider, title="Shared platform")
    complete(engagement, "CTR-IG-1", [reg["fa"]], substitutability="moderate")
    return provider, engagement


def test_an_intra_group_provider_is_listed_in_b_03_03(api_client_for, viewer_lab_a, sister, lab_a):
    response = api_client_for(viewer_lab_a).get(url(lab_a, draft="true"))
    _, tables, _ = unzip(response)
    assert rows(tables, "B_03.03") == [{"c0010": "CTR-IG-1", "c0020": SISTER_LEI, "c0031": "true"}]
    indicators = dict(tables["reports/FilingIndicators.csv"][1:])
    assert indicators["B_03.03"] == "true"
    everything = response.content.decode("latin-1")
    assert "Sister Services Lab" not in everything and "Group Holding" not in everything
    assert LAB_A_LEI in {r["c0020"] for r in rows(tables, "B_03.01")}


def test_an_outside_provider_is_not_intra_group(reg, lab_a, admin_user):
    register = build(lab_a, admin_user, REFERENCE)
    assert register.tables["B_03.03"] == []  # vendor_a's LEI belongs to no lab


def test_the_intra_group_rows_lint_clean(sister, lab_a, admin_user):
    answer = lint(build(lab_a, admin_user, REFERENCE))
    assert [x for x in answer["findings"] if x["template"] == "B_03.03"] == []
    assert answer["ready"] is True
