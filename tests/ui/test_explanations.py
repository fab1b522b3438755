"""Numbers explain themselves: defined words link to the glossary with their definition on hover/focus,
an assumed likelihood says so (and the heat map marks it apart), and the history chart fits its data."""

import datetime as dt
import re

from django.utils import timezone

from assessments.models import VendorScore
from vendorrisk.core import charts
from vendorrisk.core.glossary import TERMS

from .test_pages import body


def test_the_glossary_defines_every_term_with_an_anchor(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get("/glossary/"))
    for t in TERMS:
        assert f'<dt id="{t.key}">' in html
    assert "Herfindahl–Hirschman index" in html and "10,000 ÷ HHI" in html


def test_defined_words_link_to_their_entry_with_the_definition(world, viewer_lab_a, client_for):
    client = client_for(viewer_lab_a)
    lab = body(client.get(f"/labs/{world.lab_a.id}/"))
    assert re.search(
        r'<a class="term" href="/glossary/#hhi" data-tip="[^"]*10,000[^"]*"><abbr title="Herfindahl', lab
    )
    assert 'href="/glossary/#effective-providers"' in lab
    vendor = body(client.get(f"/vendors/{world.meridian.id}/"))
    for key in ("lab-equivalents", "harm", "weight", "impact", "likelihood", "own-view"):
        assert f'href="/glossary/#{key}"' in vendor, key


def test_a_default_likelihood_is_labelled_and_the_heat_map_marks_it_apart(world, viewer_lab_a, client_for):
    defaults = [s for s in VendorScore.objects.all() if s.likelihood_is_default]
    measured = [s for s in VendorScore.objects.all() if not s.likelihood_is_default]
    assert defaults and measured
    client = client_for(viewer_lab_a)
    html = body(client.get("/"))
    ranked = {m.group(1): m.group(2) for m in re.finditer(r'<tr data-vendor="(\d+)">(.*?)</tr>', html, re.S)}
    for s in defaults:
        assert "default — no current assessment" in ranked[str(s.vendor_id)]
    for s in measured:
        assert "default — no current assessment" not in ranked[str(s.vendor_id)]
    assert "heat-default" in html and "of them with the default likelihood" in html
    one = defaults[0]
    assert "default — no current assessment" in body(client.get(f"/vendors/{one.vendor_id}/"))


def test_the_history_axis_fits_the_data_with_only_the_bands_it_shows():
    now = timezone.now()
    points = [(now - dt.timedelta(days=2), 31.0, "moderate"), (now, 34.5, "moderate")]
    chart = charts.score_history(
        points, bands=[("low", 25), ("moderate", 50), ("high", 75), ("critical", 100)]
    )
    assert (chart["low"], chart["high"]) == (20.0, 45.0)
    assert [s["band"] for s in chart["stripes"]] == ["low", "moderate"]
    assert [g["value"] for g in chart["grid"]] == [20, 25, 30, 35, 40, 45]
    ys = [m["y"] for m in chart["marks"]]
    assert ys[1] < ys[0] and ys[0] - ys[1] > 20  # a 3.5-point rise is visible, not a flat line
    assert charts.history_range([1.0]) == (0.0, 25.0) and charts.history_range([99.0]) == (75.0, 100.0)


def test_history_causes_name_what_the_reader_may_see_and_keep_bare_ids_otherwise(
    world, viewer_lab_a, procurement_lab_a, client_for
):
    from assessments import recompute
    from vendors import services as vendor_services

    actor = procurement_lab_a
    made = vendor_services.engagement_create(
        actor=actor, lab=world.lab_a, vendor=world.pi, title="Pi labelling pilot", status="active",
        criticality="high", data_sensitivity="confidential", substitutability="difficult",
        data_categories=["training_data"], start_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    recompute.drain_all()
    gone = vendor_services.engagement_create(
        actor=actor, lab=world.lab_a, vendor=world.pi, title="Short-lived trial", status="active",
        criticality="low", data_sensitivity="internal", substitutability="easy", start_date=dt.date(2025, 1, 1),
    )  # fmt: skip
    recompute.drain_all()
    gone_id = gone.id
    vendor_services.engagement_delete(actor=actor, instance=gone)
    recompute.drain_all()
    html = body(client_for(viewer_lab_a).get(f"/vendors/{world.pi.id}/"))
    assert f'engagement <a href="/engagements/{made.id}/">“Pi labelling pilot”</a> created' in html
    assert f"engagement {gone_id} deleted" in html  # it no longer exists: only its id is left
    assert f"engagement {made.id} created" not in html
