"""The derived impact of an incident: who is exposed, through which path, judged at the incident's time."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.impact import incident_impact
from tests import factories as f

from .helpers import at, chain

pytestmark = pytest.mark.django_db


def impact_url(incident) -> str:
    return f"/api/incidents/{incident.pk}/impact/"


def exposed(body) -> dict[str, int]:
    """lab name → hops of its (first) exposed engagement."""
    return {lab["lab_name"]: lab["engagements"][0]["hops"] for lab in body["labs"]}


def test_impact_reaches_one_two_and_three_hops_but_not_four(admin_user):
    v = chain(4)
    labs = [f.LabFactory(name=f"Chain lab {i}") for i in range(5)]
    for i, lab in enumerate(labs):
        f.EngagementFactory(lab=lab, vendor=v[i], title=f"Work {i}")
    inc = f.IncidentFactory(vendor=v[0])

    body = incident_impact(inc, user=admin_user)

    assert exposed(body) == {"Chain lab 0": 0, "Chain lab 1": 1, "Chain lab 2": 2, "Chain lab 3": 3}
    assert body["labs_exposed_total"] == 4
    assert body["engagements_total"] == 4
    three = next(lab for lab in body["labs"] if lab["lab_name"] == "Chain lab 3")["engagements"][0]
    assert three["path"] == [{"vendor": v[i].id, "name": f"Hop {i}"} for i in (3, 2, 1, 0)]
    assert three["path_text"] == "Chain lab 3 → Hop 3 → Hop 2 → Hop 1 → Hop 0"
    assert three["vendor"] == v[3].id and three["vendor_name"] == "Hop 3"


def test_impact_takes_the_shortest_path_and_terminates_on_cycles(admin_user):
    v = chain(2, prefix="Ring")  # Ring 2 → Ring 1 → Ring 0
    f.VendorDependencyFactory(vendor=v[0], depends_on=v[2])  # the breached vendor feeds Ring 2: a cycle
    f.VendorDependencyFactory(vendor=v[1], depends_on=v[2])  # and Ring 1 ↔ Ring 2
    f.VendorDependencyFactory(vendor=v[2], depends_on=v[0])  # a shortcut: Ring 2 → Ring 0 directly
    lab = f.LabFactory(name="Cycle lab")
    f.EngagementFactory(lab=lab, vendor=v[2])
    inc = f.IncidentFactory(vendor=v[0])

    row = incident_impact(inc, user=admin_user)["labs"][0]["engagements"][0]

    assert row["hops"] == 1
    assert row["path_text"] == "Cycle lab → Ring 2 → Ring 0"


def test_dependencies_that_share_no_data_are_ignored(admin_user):
    breached = f.VendorFactory(name="Breached")
    tooling = f.VendorFactory(name="Tooling only")
    f.VendorDependencyFactory(vendor=tooling, depends_on=breached, shares_data=False)
    f.EngagementFactory(lab=f.LabFactory(), vendor=tooling)
    inc = f.IncidentFactory(vendor=breached)

    body = incident_impact(inc, user=admin_user)

    assert body["labs"] == [] and body["labs_exposed_total"] == 0 and body["engagements_total"] == 0


def test_exposure_is_judged_at_the_time_the_incident_occurred(admin_user):
    vendor = f.VendorFactory(name="Timed vendor")
    lab = f.LabFactory(name="Timed lab")
    inc = f.IncidentFactory(vendor=vendor, occurred_at=at(2025, 2, 20, 8), discovered_at=at(2025, 3, 1, 12))

    def make(title, **kw):
        return f.EngagementFactory(lab=lab, vendor=vendor, title=title, **kw)

    same_day = make("Started that day", start_date=dt.date(2025, 2, 20))
    make("Started after", start_date=dt.date(2025, 2, 21))
    make("Only proposed", status="proposed")
    make(
        "Disposed before",
        status="ended",
        end_date=dt.date(2025, 1, 31),
        data_disposed_on=dt.date(2025, 2, 19),
    )
    disposed_after = make(
        "Disposed after", status="suspended", data_disposed_on=dt.date(2025, 2, 25)
    )  # confirming disposal after a breach does not make the lab unexposed to it
    ended_kept = make("Ended, data kept", status="ended", end_date=dt.date(2024, 6, 30))

    body = incident_impact(inc, user=admin_user)

    assert body["reference_time"] == at(2025, 2, 20, 8)
    ids = [e["engagement"] for e in body["labs"][0]["engagements"]]
    assert sorted(ids) == sorted([same_day.id, disposed_after.id, ended_kept.id])


def test_without_occurred_at_the_discovery_time_is_used(admin_user):
    vendor = f.VendorFactory()
    lab = f.LabFactory()
    before = f.EngagementFactory(lab=lab, vendor=vendor, start_date=dt.date(2025, 3, 1))
    f.EngagementFactory(lab=lab, vendor=vendor, start_date=dt.date(2025, 3, 2))
    inc = f.IncidentFactory(vendor=vendor, occurred_at=None, discovered_at=at(2025, 3, 1, 23))

    body = incident_impact(inc, user=admin_user)

    assert [e["engagement"] for e in body["labs"][0]["engagements"]] == [before.id]


def test_data_categories_and_their_overlap_with_what_was_exposed(admin_user):
    vendor = f.VendorFactory()
    lab = f.LabFactory()
    f.EngagementFactory(
        lab=lab, vendor=vendor, data_categories=["training_data", "personal_data", "source_code"]
    )
    inc = f.IncidentFactory(
        vendor=vendor, data_categories_exposed=["credentials", "source_code", "personal_data"]
    )

    row = incident_impact(inc, user=admin_user)["labs"][0]["engagements"][0]

    assert row["data_categories"] == ["training_data", "personal_data", "source_code"]
    assert row["overlap"] == ["source_code", "personal_data"]  # in the order the categories are defined


def test_a_lab_limited_user_sees_their_lab_and_other_labs_only_as_counts(
    lab_a, lab_b, vendor_a, viewer_lab_a_api, viewer_api
):
    behind = f.VendorFactory(name="Fourth party")
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=behind)
    mine = f.EngagementFactory(lab=lab_a, vendor=vendor_a, title="Alpha labeling for A")
    f.EngagementFactory(lab=lab_b, vendor=behind, title="Secret project of B")
    f.EngagementFactory(lab=lab_b, vendor=vendor_a, title="Second secret of B")
    inc = f.IncidentFactory(vendor=behind)

    response = viewer_lab_a_api.get(impact_url(inc))

    assert response.status_code == 200
    body = response.json()
    assert [lab["lab"] for lab in body["labs"]] == [lab_a.id]
    assert [e["engagement"] for e in body["labs"][0]["engagements"]] == [mine.id]
    assert body["labs"][0]["engagements"][0]["path_text"] == "Lab A → Vendor Alpha → Fourth party"
    assert body["labs_exposed_total"] == 2
    assert body["engagements_total"] == 3
    text = response.content.decode()
    assert "Lab B" not in text and "secret" not in text.lower() and f'"lab": {lab_b.id}' not in text

    everyone = viewer_api.get(impact_url(inc)).json()
    assert [lab["lab_name"] for lab in everyone["labs"]] == ["Lab A", "Lab B"]
    assert everyone["reference_time"] == "2025-03-01T12:00:00Z"


def test_impact_of_an_unknown_incident_is_404(viewer_api):
    assert viewer_api.get("/api/incidents/999999/impact/").status_code == 404


def test_impact_query_count_does_not_grow_with_the_engagements(viewer_lab_a_api, lab_a, lab_b):
    v = chain(3, prefix="Counted")
    inc = f.IncidentFactory(vendor=v[0])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert viewer_lab_a_api.get(impact_url(inc)).status_code == 200
        return len(ctx.captured_queries)

    f.EngagementFactory(lab=lab_a, vendor=v[3])
    few = queries()
    for i in range(12):
        f.EngagementFactory(lab=lab_a if i % 2 else lab_b, vendor=v[i % 4])
    f.EngagementFactory(lab=f.LabFactory(), vendor=v[1])

    assert queries() == few
    # lab ids of the user, the incident, three hops of edges, the engagements, the vendor names
    assert few == 7
