"""Procurement's forms: the same services and rules as the API, field messages where they belong, and
the affected scores shown as recalculating until the drain has run, then refreshed by the fragment."""

import datetime as dt

import pytest

from assessments import recompute
from assessments.models import VendorScore
from tests.api.base import row_counts
from vendors.models import Engagement, ScoreMark

from .test_pages import body


def form_data(world, **overrides) -> dict:
    data = {
        "lab": world.lab_a.id, "vendor": world.vendor_b.id, "title": "Benchmark authoring",
        "status": "active", "criticality": "critical", "data_sensitivity": "restricted",
        "substitutability": "difficult", "data_categories": ["evaluation_benchmarks"],
        "annual_value": "", "currency": "", "start_date": "2025-03-01", "end_date": "",
        "data_disposed_on": "", "notes": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_logging_an_engagement_shows_its_scores_recalculating_then_refreshed(
    world, procurement_lab_a, client_for
):
    client = client_for(procurement_lab_a)
    response = client.post("/engagements/new/", form_data(world), follow=True)
    engagement = Engagement.objects.get(title="Benchmark authoring")
    [(url, status)] = response.redirect_chain
    assert status == 302 and url.startswith(f"/engagements/{engagement.id}/?changed=")
    assert engagement.lab == world.lab_a and engagement.owner == procurement_lab_a
    assert engagement.data_categories == ["evaluation_benchmarks"]
    html = body(response)
    assert "Engagement “Benchmark authoring” logged." in html
    assert '<section id="score-change" class="card score-change"' in html and "updating…" in html
    assert html.count('<span class="badge recalculating">recalculating</span>') == 2  # vendor and lab
    assert f'hx-get="/vendors/{world.vendor_b.id}/score/?compact=1" hx-trigger="every 2s"' in html
    assert ScoreMark.objects.filter(kind="vendor", object_id=world.vendor_b.id).exists()

    recompute.drain_all()  # what the worker does after the commit
    fragment = body(client.get(f"/vendors/{world.vendor_b.id}/score/", {"compact": "1"}))
    assert "recalculating" not in fragment and "hx-trigger" not in fragment
    # Lab B's engagement was alone; now Lab A's critical one is there too: 100·(1 − e^−(h_B + 1))·0.75.
    new_score = VendorScore.objects.get(vendor=world.vendor_b).score
    assert f"<strong data-score>{new_score}</strong>" in fragment
    assert new_score > 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"status": "ended"}, "end_date", "An ended engagement needs an end date."),
        ({"end_date": "2025-01-01"}, "end_date", "The end date must be on or after the start date."),
        ({"data_disposed_on": "2025-04-01"}, "data_disposed_on", "Data disposal can be recorded only on a suspended or ended engagement."),
        ({"status": "suspended", "data_disposed_on": (dt.date.today() + dt.timedelta(days=5)).isoformat()}, "data_disposed_on", "Data disposal cannot be in the future."),
        ({"annual_value": "5000"}, "currency", "Give the currency of the annual value."),
        ({"currency": "XYZ", "annual_value": "5"}, "currency", None),
        ({"title": ""}, "title", "This field is required."),
        ({"criticality": "extreme"}, "criticality", "Select a valid choice. extreme is not one of the available choices."),
    ],
    ids=["ended-no-end", "end-before-start", "disposal-while-active", "disposal-future", "value-no-currency", "bad-currency", "no-title", "bad-choice"],
)  # fmt: skip
def test_invalid_input_shows_the_models_message_at_its_field_and_saves_nothing(
    world, procurement_lab_a, client_for, procurement_lab_a_api, overrides, field, message
):
    before = row_counts()
    response = client_for(procurement_lab_a).post("/engagements/new/", form_data(world, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    if message:
        assert message in form.errors[field]
        # The API says the same for the same input (one set of rules, in the model and services).
        sent = {k: v for k, v in form_data(world, **overrides).items() if v != "" or k == "title"}
        api = procurement_lab_a_api.post("/api/engagements/", sent)
        assert api.status_code == 400
        if field not in ("title", "criticality"):  # DRF words its own field-type errors differently
            assert api.json()[field] == [message]
    html = body(response)
    assert f'id="id_{field}_error"' in html and "Please correct the fields marked below." in html
    assert row_counts() == before


def test_another_labs_id_is_refused_like_an_unknown_one(world, procurement_lab_a, client_for):
    response = client_for(procurement_lab_a).post("/engagements/new/", form_data(world, lab=world.lab_b.id))
    assert "Select a valid choice" in response.context["form"].errors["lab"][0]
    assert not Engagement.objects.filter(title="Benchmark authoring").exists()


def test_editing_a_score_input_marks_the_scores_and_an_unchanged_save_does_not(
    world, procurement_lab_a, client_for
):
    client = client_for(procurement_lab_a)
    engagement = world.meridian_a
    ScoreMark.objects.all().delete()
    current = form_data(
        world, vendor=engagement.vendor_id, title=engagement.title, criticality=engagement.criticality,
        data_sensitivity=engagement.data_sensitivity, substitutability=engagement.substitutability,
        data_categories=engagement.data_categories, start_date=engagement.start_date.isoformat(),
    )  # fmt: skip
    assert client.post(f"/engagements/{engagement.id}/edit/", current).status_code == 302
    assert not ScoreMark.objects.exists()
    response = client.post(
        f"/engagements/{engagement.id}/edit/", {**current, "criticality": "low"}, follow=True
    )
    engagement.refresh_from_db()
    assert engagement.criticality == "low"
    assert ScoreMark.objects.filter(kind="lab", object_id=world.lab_a.id).exists()
    assert ScoreMark.objects.filter(kind="vendor", object_id=world.meridian.id).exists()
    assert "Engagement “Meridian for A” saved." in body(response)


def test_the_form_offers_only_the_users_labs_and_preselects_from_the_link(
    world, procurement_lab_a, client_for
):
    html = body(
        client_for(procurement_lab_a).get("/engagements/new/", {"vendor": world.pi.id, "lab": world.lab_b.id})
    )
    assert f'<option value="{world.lab_a.id}">Lab A</option>' in html
    assert "Lab B" not in html
    assert f'<option value="{world.pi.id}" selected>Platform Pi</option>' in html


def test_inputs_are_labelled(world, procurement_lab_a, client_for):
    html = body(client_for(procurement_lab_a).get("/engagements/new/"))
    for name in ("lab", "vendor", "title", "status", "criticality", "start_date", "end_date", "notes"):
        assert f'<label for="id_{name}">' in html, name
    assert "<legend>Data categories</legend>" in html
    assert 'type="date" name="start_date"' in html


def test_viewers_and_security_cannot_post_the_form(world, viewer_lab_a, security_lab_a, client_for):
    before = row_counts()
    for user in (viewer_lab_a, security_lab_a):
        assert client_for(user).post("/engagements/new/", form_data(world)).status_code == 403
        assert (
            client_for(user).post(f"/engagements/{world.meridian_a.id}/edit/", form_data(world)).status_code
            == 403
        )
    assert row_counts() == before
