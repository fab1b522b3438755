"""The linter: every blocking rule provoked and reported with its location and the object to fix; field
checks; completeness; the critical-provider endpoint."""

import pytest

from register.build import build
from register.lint import Linter, lint
from tests import factories as f
from vendors.models import Engagement, Lab

from .conftest import REFERENCE, complete

pytestmark = pytest.mark.django_db


def lint_url(lab) -> str:
    return f"/api/labs/{lab.id}/register-of-information/lint/?reference_date={REFERENCE.isoformat()}"


def findings(client, lab, **match) -> list[dict]:
    body = client.get(lint_url(lab)).json()
    return [x for x in body["findings"] if all(x[k] == v for k, v in match.items())]


def test_the_complete_register_is_ready_with_full_completeness(api_client_for, viewer_lab_a, reg, lab_a):
    body = api_client_for(viewer_lab_a).get(lint_url(lab_a)).json()
    assert body["ready"] is True
    assert body["completeness"] == 100.0
    assert {x["severity"] for x in body["findings"]} <= {"warning"}


def test_an_empty_primary_key_names_template_row_column_and_the_engagement(
    api_client_for, viewer_lab_a, reg, lab_a, engagement_a
):
    Engagement.objects.filter(pk=engagement_a.pk).update(contract_reference="")
    [hit] = findings(api_client_for(viewer_lab_a), lab_a, rule="empty_primary_key", template="B_02.01")
    assert (hit["severity"], hit["row"], hit["column"]) == ("blocking", 1, "c0010")
    assert (hit["object_type"], hit["object_id"]) == ("engagement", engagement_a.id)
    assert hit["url"] == f"/engagements/{engagement_a.id}/edit/"
    assert hit["api_url"] == f"/api/engagements/{engagement_a.id}/"


def test_an_arrangement_without_a_function_has_an_empty_function_key(
    api_client_for, viewer_lab_a, reg, lab_a, engagement_a
):
    Engagement.objects.filter(pk=engagement_a.pk).update(functions=[])
    hits = findings(api_client_for(viewer_lab_a), lab_a, rule="empty_primary_key", template="B_02.02")
    assert {(x["column"], x["object_id"]) for x in hits} == {("c0050", engagement_a.id)}
    assert api_client_for(viewer_lab_a).get(lint_url(lab_a)).json()["completeness"] == 0.0


def test_a_duplicate_primary_key_points_at_the_second_row(api_client_for, admin_user, reg, lab_a, vendor_a):
    twin = f.VendorFactory(
        identifier=vendor_a.identifier, identifier_type="lei", country="US", person_type="legal"
    )
    complete(f.EngagementFactory(lab=lab_a, vendor=twin), "CTR-A-2", [reg["fa"]])
    [hit] = findings(api_client_for(admin_user), lab_a, rule="duplicate_primary_key", template="B_05.01")
    # rows by vendor id: vendor_a, its two subcontractors, then the twin
    assert hit["severity"] == "blocking" and hit["row"] == 4 and hit["column"] == "c0010"
    assert (hit["object_type"], hit["object_id"]) == ("vendor", twin.id)
    assert hit["url"] == f"/vendors/{hit['object_id']}/"


def test_a_foreign_key_pointing_nowhere_is_blocking(api_client_for, viewer_lab_a, reg, lab_a, engagement_a):
    engagement_a.arrangement_type, engagement_a.overarching_reference = "subsequent", "CTR-NOWHERE"
    engagement_a.save()
    [hit] = findings(api_client_for(viewer_lab_a), lab_a, rule="foreign_key")
    assert (hit["template"], hit["row"], hit["column"], hit["object_id"]) == (
        "B_02.01",
        1,
        "c0030",
        engagement_a.id,
    )
    assert "CTR-NOWHERE" in hit["message"]


def test_filing_indicators_that_do_not_match_the_files_are_blocking(reg, lab_a, admin_user):
    register = build(lab_a, admin_user, REFERENCE)
    register.filing_indicators = lambda: {"B_01.03": True}  # claims a branch list; says nothing of the rest
    hits = [x for x in Linter(register).run() if x.rule == "filing_indicator"]
    assert {x.template for x in hits if x.severity == "blocking"} >= {"B_01.03", "B_02.01", "B_06.01"}
    assert all(x.object_type == "lab" for x in hits)


def test_field_checks_lei_country_and_closed_list(api_client_for, admin_user, reg, lab_a, vendor_a):
    Lab.objects.filter(pk=lab_a.pk).update(lei="9845001A2B3C4D5E6F99", entity_type="martian")
    type(vendor_a).objects.filter(pk=vendor_a.pk).update(country="ZZ")
    client = api_client_for(admin_user)
    assert findings(client, lab_a, rule="lei", template="B_01.01", column="c0010")
    assert findings(client, lab_a, rule="closed", template="B_01.01", column="c0040")
    assert findings(client, lab_a, rule="country", template="B_05.01", column="c0080")
    assert findings(client, lab_a, rule="mandatory", template="B_01.01", column="c0040") == []


def test_completeness_counts_ready_arrangements(reg, lab_a, admin_user, vendor_b):
    f.EngagementFactory(lab=lab_a, vendor=vendor_b)  # no reference, no function: not ready
    answer = lint(build(lab_a, admin_user, REFERENCE))
    assert answer["completeness"] == 50.0
    assert answer["ready"] is False


def test_critical_providers_share_by_count_and_assets_with_thresholds(
    api_client_for, viewer_lab_a, reg, lab_a, lab_b
):
    f.LabFactory(name="Lab C")  # relies on nobody: counts in the total
    body = api_client_for(viewer_lab_a).get("/api/risk/critical-providers/").json()
    rows = {r["vendor"]: r for r in body["results"]}
    alpha = rows[reg["group"].id]  # vendor_a's group root
    assert alpha["labs_relying"] == 1 and alpha["labs_total"] == 3
    assert alpha["share_by_count"] == pytest.approx(1 / 3, abs=1e-4)
    assert alpha["share_by_assets"] == pytest.approx(0.5, abs=1e-4)  # Lab C reports no assets
    assert alpha["over_threshold"] is True
    text = str(body)
    assert lab_b.name not in text and "Lab C" not in text


def test_a_non_critical_function_does_not_count(api_client_for, viewer_lab_a, reg):
    reg["fa"].critical_or_important = "no"
    reg["fa"].save()
    reg["fb"].critical_or_important = "not_assessed"
    reg["fb"].save()
    assert api_client_for(viewer_lab_a).get("/api/risk/critical-providers/").json()["results"] == []
