"""The planning page and the engagement form's "Preview the effect" (issue 14 item 4)."""

import json

import pytest

from assessments.models import WhatIfPlan
from vendors.models import Engagement


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def test_replacing_a_vendor_for_a_lab_shows_before_and_after_and_both_charts(
    world, procurement_lab_a, signed_in
):
    client = signed_in(procurement_lab_a)
    response = client.post(
        "/planning/",
        {"lab": world.lab_a.id, "changes": "", "vendor": world.meridian.id, "other_vendor": world.vendor_b.id,
         "action": "add_replace"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "Before → after" in page
    assert "Meridian Data" in page and "Vendor Beta" in page
    assert 'id="before-title"' in page and 'id="after-title"' in page  # the lab's share chart twice
    changes = json.loads(response.context["form"].initial["changes"])
    assert changes == [
        {
            "op": "update",
            "object": "engagement",
            "id": world.meridian_a.id,
            "fields": {"vendor": world.vendor_b.id},
        }
    ]
    assert "Secret Meridian work for B" not in page and "Lab B" not in page
    assert Engagement.objects.get(pk=world.meridian_a.id).vendor_id == world.meridian.id  # nothing written


def test_a_breach_tomorrow_is_added_as_a_new_incident_and_warns(world, viewer_lab_a, signed_in):
    client = signed_in(viewer_lab_a)
    response = client.post(
        "/planning/",
        {"lab": world.lab_a.id, "changes": "[]", "vendor": world.vendor_a.id, "action": "add_breach"},
    )
    changes = json.loads(response.context["form"].initial["changes"])
    assert changes[0]["op"] == "create" and changes[0]["ref"] == "new:1"
    assert changes[0]["fields"]["severity"] == "critical"
    assert response.context["answer"]["vendors"][0]["vendor"] == world.vendor_a.id


def test_an_invalid_change_is_named_in_plain_words(world, viewer_lab_a, signed_in):
    client = signed_in(viewer_lab_a)
    bad = json.dumps([{"op": "assess", "vendor": world.vendor_a.id, "rating": "superb"}])
    response = client.post("/planning/", {"lab": world.lab_a.id, "changes": bad, "action": "run"})
    assert response.status_code == 200
    assert response.context["errors"] and response.context["errors"][0].startswith("Change 1: rating:")
    broken = client.post("/planning/", {"lab": world.lab_a.id, "changes": "[{", "action": "run"})
    assert "not valid JSON" in broken.content.decode()


def test_a_saved_plan_is_shared_with_the_labs_users_and_reruns_on_current_data(
    world, procurement_lab_a, viewer_lab_a, viewer_lab_b, signed_in, client_for
):
    changes = json.dumps([{"op": "update", "object": "engagement", "id": world.meridian_a.id,
                           "fields": {"criticality": "low"}}])  # fmt: skip
    response = client_for(procurement_lab_a).post(
        "/planning/",
        {"lab": world.lab_a.id, "name": "Cheaper Meridian", "changes": changes, "action": "save"},
    )
    plan = WhatIfPlan.objects.get(name="Cheaper Meridian")
    assert response.status_code == 302 and response["Location"] == f"/planning/{plan.id}/"
    assert plan.created_by == procurement_lab_a and plan.lab == world.lab_a

    colleague = client_for(viewer_lab_a).get(f"/planning/{plan.id}/")
    assert colleague.status_code == 200
    assert colleague.context["answer"]["labs"][0]["lab"] == world.lab_a.id
    assert "Cheaper Meridian" in client_for(viewer_lab_a).get("/planning/").content.decode()

    assert client_for(viewer_lab_b).get(f"/planning/{plan.id}/").status_code == 404
    assert "Cheaper Meridian" not in client_for(viewer_lab_b).get("/planning/").content.decode()
    # a viewer may run plans but not save or delete them
    denied = client_for(viewer_lab_a).post(
        f"/planning/{plan.id}/", {"lab": world.lab_a.id, "changes": changes, "action": "delete"}
    )
    assert denied.status_code == 403
    assert WhatIfPlan.objects.filter(pk=plan.pk).exists()


def test_preview_the_effect_of_an_engagement_edit(world, procurement_lab_a, signed_in):
    client = signed_in(procurement_lab_a)
    form = client.get(f"/engagements/{world.meridian_a.id}/edit/").content.decode()
    assert "Preview the effect" in form and f'hx-post="/engagements/{world.meridian_a.id}/preview/"' in form
    data = {
        "lab": world.lab_a.id, "vendor": world.meridian.id, "title": "Meridian for A", "status": "ended",
        "criticality": "critical", "data_sensitivity": "restricted", "substitutability": "moderate",
        "start_date": "2025-01-01", "end_date": "2025-06-01", "data_disposed_on": "2025-06-02",
    }  # fmt: skip
    response = client.post(f"/engagements/{world.meridian_a.id}/preview/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Effect of this change" in body and "<html" not in body
    vendors = {row["vendor"]: row for row in response.context["answer"]["vendors"]}
    assert (
        vendors[world.meridian.id]["after"]["labs_exposed"]
        == vendors[world.meridian.id]["before"]["labs_exposed"] - 1
    )
    (lab_row,) = response.context["answer"]["labs"]
    assert lab_row["lab"] == world.lab_a.id
    assert Engagement.objects.get(pk=world.meridian_a.id).status == "active"


def test_preview_of_a_new_engagement_names_form_errors(world, procurement_lab_a, signed_in):
    client = signed_in(procurement_lab_a)
    response = client.post("/engagements/preview/", {"lab": world.lab_a.id, "title": "x"})
    assert response.status_code == 200
    assert "Correct the fields" in response.content.decode()
    ok = client.post(
        "/engagements/preview/",
        {"lab": world.lab_a.id, "vendor": world.vendor_b.id, "title": "New", "status": "active",
         "criticality": "high", "data_sensitivity": "internal", "substitutability": "easy",
         "start_date": "2025-01-01"},
    )  # fmt: skip
    assert {row["vendor"] for row in ok.context["answer"]["vendors"]} >= {world.vendor_b.id}
    assert client.post("/engagements/999999/preview/", {}).status_code == 404
