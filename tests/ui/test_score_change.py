"""After logging or editing an engagement, the page it lands on says what the write did to the scores it
feeds: the vendor's score and the lab's concentration before → after, with the causes in names the user
may see; "updating…" (polled) until the recompute after commit has run."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessments import recompute
from assessments.models import LabConcentration, VendorScore
from vendorrisk.core.dates import instant_token
from vendors.models import Engagement

from .test_engagement_forms import form_data
from .test_pages import body

FRAGMENT_QUERIES_PENDING = 5  # session, user, user's labs, engagement, dirty marks
FRAGMENT_QUERIES_DONE = 12  # + scores now and before, history since (vendor, lab), cause names


def _moves(html: str) -> dict[str, str]:
    found = re.findall(r'<li data-move="(vendor|lab)">(.*?)</li>', html, flags=re.S)
    return {kind: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip() for kind, text in found}


def test_logging_an_engagement_lands_on_its_vendor_and_lab_moving_before_to_after(
    world, procurement_lab_a, client_for, django_capture_on_commit_callbacks
):
    vendor_before = VendorScore.objects.get(vendor=world.vendor_b)
    lab_before = LabConcentration.objects.get(lab=world.lab_a)
    client = client_for(procurement_lab_a)
    with django_capture_on_commit_callbacks(execute=True):  # the in-process recompute, as in the demo
        response = client.post("/engagements/new/", form_data(world))
    response = client.get(response["Location"])
    vendor_after = VendorScore.objects.get(vendor=world.vendor_b)
    lab_after = LabConcentration.objects.get(lab=world.lab_a)
    assert vendor_after.score > vendor_before.score and lab_after.hhi != lab_before.hhi
    html = body(response)
    assert (
        'data-state="done"' in html
        and "hx-trigger" not in html.split('id="score-change"')[1].split("</section>")[0]
    )
    moves = _moves(html)
    assert moves["vendor"].startswith(
        f"Vendor Vendor Beta score {vendor_before.score} → {vendor_after.score}"
    )
    assert f"{lab_before.hhi:,.0f} → {lab_after.hhi:,.0f}" in moves["lab"]
    assert moves["lab"].startswith("Lab Lab A HHI")
    # The cause in a name the user may see, linked: not "engagement 61 created".
    engagement = Engagement.objects.get(title="Benchmark authoring")
    assert f'engagement <a href="/engagements/{engagement.id}/">“Benchmark authoring”</a> created' in html
    assert f"engagement {engagement.id} created" not in html


def test_a_band_change_is_shown_in_words(
    world, procurement_lab_a, client_for, django_capture_on_commit_callbacks
):
    engagement = world.meridian_a
    before = VendorScore.objects.get(vendor=world.meridian)
    client = client_for(procurement_lab_a)
    edit = form_data(
        world, vendor=engagement.vendor_id, title=engagement.title, criticality="low", data_sensitivity="public",
        substitutability="easy", data_categories=[], start_date=engagement.start_date.isoformat(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/engagements/{engagement.id}/edit/", edit)
    response = client.get(response["Location"])
    after = VendorScore.objects.get(vendor=world.meridian)
    assert after.score < before.score
    moves = _moves(body(response))
    assert f"score {before.score} → {after.score}" in moves["vendor"]
    if after.band != before.band:
        assert f"({before.band} → {after.band})" in moves["vendor"]
    else:
        assert f"({after.band})" in moves["vendor"]
    assert f"engagement “{engagement.title}” updated" in moves["vendor"]


def test_until_the_recompute_has_run_the_panel_says_updating_and_polls_a_small_fragment(
    world, procurement_lab_a, client_for, django_assert_num_queries
):
    client = client_for(procurement_lab_a)
    response = client.post("/engagements/new/", form_data(world))  # the drain is not run: marks stay
    url = response["Location"]
    engagement = Engagement.objects.get(title="Benchmark authoring")
    token = url.split("?changed=")[1]
    page = body(client.get(url))
    assert 'data-state="pending"' in page and "updating…" in page
    fragment_url = f"/engagements/{engagement.id}/score-change/?changed={token}"
    assert f'hx-get="{fragment_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in page

    with django_assert_num_queries(FRAGMENT_QUERIES_PENDING):
        pending = client.get(fragment_url, HTTP_HX_REQUEST="true")
    assert 'data-state="pending"' in body(pending) and "<html" not in body(pending)

    recompute.drain_all()  # what the worker does after the commit
    with django_assert_num_queries(FRAGMENT_QUERIES_DONE):
        done = client.get(fragment_url, HTTP_HX_REQUEST="true")
    html = body(done)
    assert 'data-state="done"' in html and "hx-get" not in html
    new_score = VendorScore.objects.get(vendor=world.vendor_b).score
    assert f"<strong data-after>{new_score}</strong>" in html


def test_an_unchanged_score_says_so(world, viewer_lab_a, client_for):
    since = timezone.now()  # after the world's scoring: nothing moved since
    score = VendorScore.objects.get(vendor=world.meridian).score
    html = body(
        client_for(viewer_lab_a).get(
            f"/engagements/{world.meridian_a.id}/", {"changed": instant_token(since)}
        )
    )
    moves = _moves(html)
    assert f"score {score} → {score}" in moves["vendor"] and "unchanged" in moves["vendor"]


@pytest.mark.parametrize("value", ["", "abc", "12.5", "-5", "99999999999999999", "0"])
def test_a_bad_changed_instant_is_a_400(world, viewer_lab_a, client_for, value):
    client = client_for(viewer_lab_a)
    assert client.get(f"/engagements/{world.meridian_a.id}/", {"changed": value}).status_code == 400
    fragment = f"/engagements/{world.meridian_a.id}/score-change/"
    assert client.get(fragment, {"changed": value}).status_code == 400


def test_the_fragment_needs_the_instant_and_a_visible_engagement(world, viewer_lab_a, client_for):
    client = client_for(viewer_lab_a)
    token = instant_token(timezone.now() - dt.timedelta(minutes=1))
    assert client.get(f"/engagements/{world.meridian_a.id}/score-change/").status_code == 400
    assert (
        client.get(f"/engagements/{world.meridian_b.id}/score-change/", {"changed": token}).status_code == 404
    )
    future = instant_token(timezone.now() + dt.timedelta(hours=1))
    assert client.get(f"/engagements/{world.meridian_a.id}/", {"changed": future}).status_code == 400


def test_another_labs_causes_are_left_out_for_a_lab_limited_reader(
    world, viewer_lab_a, viewer_all, client_for
):
    from assessments.models import VendorScoreHistory

    since = timezone.now() - dt.timedelta(seconds=5)
    current = VendorScore.objects.get(vendor=world.meridian)
    VendorScoreHistory.objects.create(
        vendor=world.meridian, score=current.score, band=current.band, impact=current.impact,
        likelihood=current.likelihood, lab_equivalents=current.lab_equivalents,
        labs_exposed=current.labs_exposed, computed_at=timezone.now(), cause_count=2,
        causes=[
            {"cause": f"engagement {world.meridian_b.id} updated", "lab": world.lab_b.id},
            {"cause": f"engagement {world.meridian_a.id} updated", "lab": world.lab_a.id},
        ],
    )  # fmt: skip
    url = f"/engagements/{world.meridian_a.id}/"
    mine = _moves(body(client_for(viewer_lab_a).get(url, {"changed": instant_token(since)})))["vendor"]
    assert "engagement “Meridian for A” updated" in mine
    assert "Secret Meridian work for B" not in mine and f"engagement {world.meridian_b.id}" not in mine
    everyone = _moves(body(client_for(viewer_all).get(url, {"changed": instant_token(since)})))["vendor"]
    assert "engagement “Secret Meridian work for B” updated" in everyone


def test_moving_an_engagement_to_another_vendor_shows_both_vendors_moving(
    world, procurement_lab_a, client_for, django_capture_on_commit_callbacks, django_assert_num_queries
):
    engagement = world.meridian_a
    meridian_before = VendorScore.objects.get(vendor=world.meridian).score
    beta_before = VendorScore.objects.get(vendor=world.vendor_b).score
    client = client_for(procurement_lab_a)
    edit = form_data(
        world, vendor=world.vendor_b.id, title=engagement.title, criticality=engagement.criticality,
        data_sensitivity=engagement.data_sensitivity, substitutability=engagement.substitutability,
        data_categories=engagement.data_categories, start_date=engagement.start_date.isoformat(),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/engagements/{engagement.id}/edit/", edit)
    url = response["Location"]
    assert f"&from_vendor={world.meridian.id}" in url and "from_lab" not in url
    moves = _moves(body(client.get(url)))
    meridian_after = VendorScore.objects.get(vendor=world.meridian).score
    beta_after = VendorScore.objects.get(vendor=world.vendor_b).score
    assert meridian_after < meridian_before and beta_after > beta_before
    assert moves["vendor"].startswith(f"Vendor Vendor Beta score {beta_before} → {beta_after}")
    html = body(client.get(url))
    previous = re.search(r'<li data-move="previous-vendor">(.*?)</li>', html, flags=re.S).group(1)
    previous = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", previous)).strip()
    assert previous.startswith(f"Previous vendor Meridian Data score {meridian_before} → {meridian_after}")
    fragment = url.replace(f"/engagements/{engagement.id}/?", f"/engagements/{engagement.id}/score-change/?")
    with django_assert_num_queries(FRAGMENT_QUERIES_DONE + 4):  # + the previous vendor's name and 3 reads
        assert "previous-vendor" in body(client.get(fragment, HTTP_HX_REQUEST="true"))
    for bad in ("", "x", "-1"):
        assert client.get(f"{url}&from_lab={bad}").status_code == 400


def test_a_previous_lab_outside_the_readers_labs_is_left_out_unnamed(world, viewer_lab_a, client_for):
    token = instant_token(timezone.now() - dt.timedelta(minutes=1))
    url = f"/engagements/{world.meridian_a.id}/?changed={token}&from_lab={world.lab_b.id}"
    response = client_for(viewer_lab_a).get(url)
    assert response.status_code == 200
    html = body(response)
    assert 'data-move="previous-lab"' not in html and "Lab B" not in html
