"""The network page: columns by hop distance from the labs' vendors (an engaged vendor always first), nodes
coloured by band with a legend, open incidents marked, full names on hover/focus, and a table view."""

import re

from assessments.models import VendorScore
from tests import factories as f
from vendors.graph import hop_distances_many

from .test_pages import body


def _table(html: str) -> dict[str, list[str]]:
    table = html[html.index('id="network-table"') :]
    rows = re.findall(r'<tr data-vendor="(\d+)">(.*?)</tr>', table, re.S)
    return {vid: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for vid, row in rows}


def test_an_engaged_vendor_stays_in_the_first_vendor_column_even_when_others_pass_it_data(
    world, viewer_lab_a, client_for
):
    f.VendorDependencyFactory(
        vendor=world.vendor_a, depends_on=world.meridian
    )  # Alpha passes data to Meridian
    html = body(client_for(viewer_lab_a).get("/network/"))
    rows = _table(html)
    assert rows[str(world.meridian.id)][3] == "0" and rows[str(world.vendor_a.id)][3] == "0"
    assert rows[str(world.pi.id)][3] == "1"
    boxes = dict(
        re.findall(
            r'<a href="/vendors/(\d+)/" class="node [^"]*">\s*<title>[^<]*</title>\s*<rect x="([\d.]+)"', html
        )
    )
    assert boxes[str(world.meridian.id)] == boxes[str(world.vendor_a.id)] < boxes[str(world.pi.id)]


def test_nodes_carry_band_and_open_incident_and_the_table_repeats_them(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get("/network/"))
    meridian = VendorScore.objects.get(vendor=world.meridian)
    assert f'class="node node-direct node-band-{meridian.band} node-incident"' in html
    assert f"<title>Meridian Data: score {meridian.score} ({meridian.band}), open incident</title>" in html
    assert 'id="network-legend"' in html and "key-incident" in html
    row = _table(html)[str(world.meridian.id)]
    assert str(meridian.score) in row[1] and "yes" in row[4] and row[5] == "Lab A"
    assert "Lab B" not in html  # Meridian is also Lab B's vendor: never named to a Lab A reader


def test_a_long_name_is_cut_in_the_box_and_shown_whole_on_hover_and_focus(world, viewer_lab_a, client_for):
    long = f.VendorFactory(name="Extraordinarily Long Annotation Services International Holdings")
    f.EngagementFactory(lab=world.lab_a, vendor=long)
    html = body(client_for(viewer_lab_a).get("/network/"))
    assert (
        'class="node-full" aria-hidden="true">Extraordinarily Long Annotation Services International Holdings<'
        in html
    )


def test_hop_distances_from_many_starts_take_the_nearest():
    edges = {1: {2}, 2: {3}, 3: {4}, 5: {3}}
    assert hop_distances_many([1, 5], edges) == {1: 0, 5: 0, 2: 1, 3: 1, 4: 2}
    assert hop_distances_many([1, 3], edges) == {1: 0, 3: 0, 2: 1, 4: 1}
