"""B_07.01 c0060, the reason a vendor is not or hardly substitutable (Implementing Regulation (EU) 2024/2956,
Annex: closed list eba_ZZ:x963 lack of real alternatives, x964 difficulties in migrating or reintegrating,
x965 both; expected when c0050 is "not substitutable" (x959) or "highly complex" (x960)). An arrangement
attribute: Engagement.non_substitutable_reason, through the API, the CSV, the form, the export and the lint."""

import pytest

from register.build import build
from register.lint import lint
from tests import factories as f
from vendors import csv_import
from vendors.forms import EngagementForm
from vendors.models import Engagement

from .conftest import REFERENCE
from .test_export import rows, unzip, url

pytestmark = pytest.mark.django_db


def b0701(client, lab) -> dict:
    _, tables, _ = unzip(client.get(url(lab, draft="true")))
    return {r["c0010"]: r for r in rows(tables, "B_07.01")}


@pytest.mark.parametrize(
    ("substitutability", "reason", "c0050", "c0060"),
    [
        ("none", "both", "eba_ZZ:x959", "eba_ZZ:x965"),
        ("difficult", "no_alternatives", "eba_ZZ:x960", "eba_ZZ:x963"),
        ("difficult", "migration", "eba_ZZ:x960", "eba_ZZ:x964"),
        ("easy", "migration", "eba_ZZ:x962", ""),  # substitutable: no reason is reported
    ],
)
def test_the_export_reports_the_reason_as_its_closed_list_member(
    api_client_for, admin_user, reg, lab_a, engagement_a, substitutability, reason, c0050, c0060
):
    Engagement.objects.filter(pk=engagement_a.pk).update(
        substitutability=substitutability, non_substitutable_reason=reason
    )
    row = b0701(api_client_for(admin_user), lab_a)["CTR-A-1"]
    assert (row["c0050"], row["c0060"]) == (c0050, c0060)


def test_a_hard_to_substitute_vendor_without_a_reason_is_an_error_on_the_arrangement(
    reg, lab_a, admin_user, engagement_a
):
    Engagement.objects.filter(pk=engagement_a.pk).update(substitutability="none", non_substitutable_reason="")
    answer = lint(build(lab_a, admin_user, REFERENCE))
    [hit] = [x for x in answer["findings"] if x["template"] == "B_07.01" and x["column"] == "c0060"]
    assert (hit["severity"], hit["rule"], hit["object_type"], hit["object_id"]) == (
        "error", "mandatory", "engagement", engagement_a.id,
    )  # fmt: skip
    assert "non_substitutable_reason" in hit["message"]
    assert answer["completeness"] == 0.0  # the lab's one arrangement is no longer ready


def test_a_reason_for_a_substitutable_vendor_is_a_warning_not_an_error(reg, lab_a, admin_user, engagement_a):
    Engagement.objects.filter(pk=engagement_a.pk).update(
        substitutability="moderate", non_substitutable_reason="both"
    )
    answer = lint(build(lab_a, admin_user, REFERENCE))
    hits = [x for x in answer["findings"] if x["template"] == "B_07.01" and x["column"] == "c0060"]
    assert [(x["severity"], x["object_id"]) for x in hits] == [("warning", engagement_a.id)]
    assert answer["completeness"] == 100.0


def test_the_api_takes_the_reason_and_refuses_an_unknown_one(api_client_for, procurement_all, engagement_a):
    client = api_client_for(procurement_all)
    ok = client.patch(
        f"/api/engagements/{engagement_a.id}/", {"non_substitutable_reason": "both"}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["non_substitutable_reason"] == "both"
    bad = client.patch(
        f"/api/engagements/{engagement_a.id}/", {"non_substitutable_reason": "lazy"}, format="json"
    )
    assert bad.status_code == 400 and list(bad.json()) == ["non_substitutable_reason"]
    engagement_a.refresh_from_db()
    assert engagement_a.non_substitutable_reason == "both"


def test_the_csv_takes_the_reason_by_value_or_label_and_writes_it_back(procurement_all, lab_a, vendor_a):
    header = ",".join(csv_import.COLUMNS)
    values = {
        "lab": lab_a.name, "vendor": vendor_a.name, "title": "Hard to replace", "status": "active",
        "criticality": "high", "data_sensitivity": "confidential", "substitutability": "none",
        "start_date": "2025-01-01", "non_substitutable_reason": "Lack of real alternatives",
    }  # fmt: skip
    line = ",".join(values.get(c, "") for c in csv_import.COLUMNS)
    result = csv_import.run_import(f"{header}\r\n{line}\r\n", user=procurement_all)
    assert result.ok, result.errors
    engagement = lab_a.engagements.get(title="Hard to replace")
    assert engagement.non_substitutable_reason == "no_alternatives"
    cells = dict(
        zip(
            csv_import.EXPORT_COLUMNS,
            csv_import.export_row(engagement, csv_import.export_lookups(procurement_all)),
            strict=True,
        )
    )
    assert cells["non_substitutable_reason"] == "no_alternatives"
    bad = line.replace("Lack of real alternatives", "laziness").replace("Hard to replace", "Other")
    refused = csv_import.run_import(f"{header}\r\n{bad}\r\n", user=procurement_all)
    assert not refused.ok and {e["column"] for e in refused.errors} == {"non_substitutable_reason"}


def test_the_engagement_form_has_the_reason(procurement_all, lab_a, vendor_a):
    form = EngagementForm(user=procurement_all)
    assert [v for v, _ in form.fields["non_substitutable_reason"].choices if v] == [
        "no_alternatives", "migration", "both",
    ]  # fmt: skip
    engagement = f.EngagementFactory(lab=lab_a, vendor=vendor_a)
    data = {name: getattr(engagement, name) for name in ("lab", "vendor", "title", "status", "criticality",
                                                         "data_sensitivity", "substitutability", "start_date")}  # fmt: skip
    data |= {"lab": lab_a.id, "vendor": vendor_a.id, "non_substitutable_reason": "whim"}
    form = EngagementForm(data, user=procurement_all, instance=engagement)
    assert not form.is_valid() and "non_substitutable_reason" in form.errors
