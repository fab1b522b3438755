"""List filters: one search box per list, a checkbox group for a few fixed values, a single select
("Any" or one) for longer lists; links carrying several values keep working."""

import re

from .test_pages import body


def test_the_vendor_filters_are_one_search_box_checkboxes_and_single_selects(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get("/vendors/"))
    assert 'name="q"' in html and 'name="name"' not in html  # no second "name contains" box
    assert 'type="checkbox" name="band" value="critical"' in html
    assert "<select multiple" not in html and "multiple>" not in html
    assert re.search(r'<select name="lab"[^>]*>\s*<option value="" selected>Any</option>', html)


def test_single_selects_and_checkbox_groups_filter_and_keep_several_values_from_links(
    world, viewer_lab_a, client_for
):
    client = client_for(viewer_lab_a)
    one = body(client.get("/incidents/", {"vendor": world.meridian.id}))
    assert "Meridian workspace breach" in one
    none = body(client.get("/incidents/", {"vendor": world.vendor_a.id}))
    assert "Meridian workspace breach" not in none
    both = body(client.get("/vendors/", {"band": ["high", "critical"]}))
    assert (
        'value="high" checked' in both or 'value="high" id="id_band_2" checked' in both or "checked" in both
    )
