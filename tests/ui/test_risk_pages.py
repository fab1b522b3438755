"""What the dashboard, vendor, lab and network pages say: the numbers, their words and their links."""

import re

import pytest
from django.utils import timezone

from assessments import recompute
from assessments.models import LabConcentration, VendorScore
from assessments.selectors import lab_concentration_dict, score_band_of
from incidents.impact import incident_impact
from incidents.selectors import lab_incident_exposure
from tests import factories as f
from vendorrisk.core import charts
from vendors.models import ScoreMark

from .test_pages import body


def test_the_breakdown_of_the_reference_case_reads_in_plain_words(db, admin_user, client_for):
    m = f.VendorFactory(name="Vendor M")
    for _ in range(3):
        f.EngagementFactory(
            vendor=m, criticality="critical", data_sensitivity="restricted", substitutability="difficult"
        )
    f.IncidentFactory(vendor=m, severity="critical", status="investigating", discovered_at=timezone.now())
    recompute.rebuild_all()
    html = body(client_for(admin_user).get(f"/vendors/{m.id}/"))
    assert '<span class="score-big band-text-critical" data-score>87.2</span>' in html
    assert (
        "impact 0.89: 3 labs exposed, 2.25 lab-equivalents; "
        "likelihood 0.95: critical incident investigating, no current assessment"
    ) in html


def test_the_dashboard_ranks_vendors_by_score_with_band_colours(world, viewer_all, client_for):
    html = body(client_for(viewer_all).get("/"))
    ranked = VendorScore.objects.order_by("-score", "vendor_id")[:10]
    rows = re.findall(r'<tr data-vendor="(\d+)">', html)
    assert [int(r) for r in rows] == [s.vendor_id for s in ranked]
    top = ranked[0]
    assert top.vendor == world.meridian
    assert f'<a href="/vendors/{top.vendor_id}/#score">{top.score}</a>' in html
    assert f'<span class="band band-{top.band}">{top.band}</span>' in html
    assert "recalculating" not in html


def test_a_stale_score_shows_recalculating_and_the_panel_polls_until_fresh(world, viewer_all, client_for):
    client = client_for(viewer_all)
    ScoreMark.objects.create(kind="vendor", object_id=world.meridian.id, cause="test")
    html = body(client.get("/"))
    assert 'hx-get="/dashboard/ranked-vendors/" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert 'Meridian Data</a> <span class="badge recalculating">recalculating</span>' in html
    recompute.drain_all()
    fragment = body(client.get("/dashboard/ranked-vendors/"))
    assert "recalculating" not in fragment and "hx-trigger" not in fragment


def test_each_heat_map_count_links_to_exactly_its_vendors(world, viewer_all, client_for):
    client = client_for(viewer_all)
    html = body(client.get("/"))
    links = re.findall(r'<a href="(/vendors/\?impact_min=[^"]+)">\s*<title>(\d+) vendor', html)
    assert links
    assert sum(int(n) for _, n in links) == VendorScore.objects.count()
    for href, n in links:
        listed = body(client.get(href.replace("&amp;", "&")))
        assert f"{n} result{'s' if n != '1' else ''}" in listed, href


def test_dashboard_panels_link_every_number(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get("/"))
    # Labs by HHI: only Lab A, with its band and top group.
    conc = LabConcentration.objects.get(lab=world.lab_a)
    assert f'<a href="/labs/{world.lab_a.id}/">{conc.hhi:,.0f}</a>' in html
    # Open incidents: Lab A's next deadline (Lab B's SEC filing is not Lab A's business).
    assert "GDPR breach report — 72 h</a> · Lab A" in html
    assert "SEC" not in html
    assert re.search(r'<span class="due">\d+ d \d+ h left</span>', html)
    # Overdue reviews and findings, each count a link to its list.
    assert '<a href="/assessments/?overdue=true">1 assessment expired</a>' in html
    assert '<a href="/findings/?overdue=true">1 finding overdue</a>' in html
    # Shared fourth parties: Platform Pi, reached by both labs through Meridian.
    assert f'<a href="/vendors/{world.pi.id}/#impact">2</a>' in html
    assert f'<a href="/vendors/{world.meridian.id}/">Meridian Data</a>' in html
    # Totals, in words that agree with their number ("1 lab", never "1 labs").
    assert '<a href="/labs/"><span class="num">1</span> lab</a>' in html
    for label, href in (
        ("vendors", "/vendors/"),
        ("open incident", "/incidents/?open=true"),
    ):
        assert re.search(rf'<a href="{re.escape(href)}"><span class="num">\d+</span> {label}s?</a>', html), (
            label
        )


def test_the_overdue_lists_behind_the_dashboard_links(world, viewer_all, client_for):
    client = client_for(viewer_all)
    assessments = body(client.get("/assessments/?overdue=true"))
    assert "1 result" in assessments and "Vendor Alpha" in assessments
    findings = body(client.get("/findings/?overdue=true"))
    assert "No subprocessor list" in findings and "1 result" in findings


def test_the_vendor_page_shows_exposure_history_dependencies_and_links(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get(f"/vendors/{world.meridian.id}/"))
    assert f'<a href="/labs/{world.lab_a.id}/">Lab A</a>' in html
    assert "Meridian for A" in html
    assert 'class="history-point"' in html  # the rebuild wrote a first history row
    assert 'class="node node-focus"' in html and "Platform Pi" in html  # the data-sharing neighbour
    assert f'<a href="/incidents/{world.incident.id}/">Meridian workspace breach</a>' in html
    assert "critical incident, investigating" in html


@pytest.mark.parametrize("role", ["viewer", "procurement", "security", "admin"])
def test_the_halt_work_button_is_only_for_security(role, world, role_users, client_for):
    html = body(client_for(role_users[role]).get(f"/vendors/{world.meridian.id}/"))
    assert ("Halt work</button>" in html) == (role in ("security", "admin"))


def test_halting_work_suspends_only_the_users_labs_engagements(
    world, security_lab_a, viewer_lab_a, client_for
):
    response = client_for(viewer_lab_a).post(f"/vendors/{world.meridian.id}/suspend/", {"reason": "breach"})
    assert response.status_code == 403
    client = client_for(security_lab_a)
    response = client.post(f"/vendors/{world.meridian.id}/suspend/", {"reason": ""}, follow=True)
    assert "This field is required." in body(response)
    world.meridian_a.refresh_from_db()
    assert world.meridian_a.status == "active"
    response = client.post(
        f"/vendors/{world.meridian.id}/suspend/", {"reason": "Breach under investigation"}, follow=True
    )
    assert "Work halted: 1 engagement suspended." in body(response)
    world.meridian_a.refresh_from_db()
    world.meridian_b.refresh_from_db()
    assert (world.meridian_a.status, world.meridian_b.status) == ("suspended", "active")
    assert world.incident.updates.filter(body__contains="Breach under investigation").exists()
    response = client.post(f"/vendors/{world.meridian.id}/resume/", {"reason": "Contained"}, follow=True)
    assert "Work resumed: 1 engagement active again." in body(response)


def test_the_lab_page_matches_the_concentration_api_and_charts_each_group(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get(f"/labs/{world.lab_a.id}/"))
    row = LabConcentration.objects.get(lab=world.lab_a)
    data = lab_concentration_dict(world.lab_a.id, row, stale=False)
    assert f'<span class="value" data-hhi>{data["hhi"]:,.0f}</span>' in html
    assert (
        f'{data["hhi_look_through"]:,.0f}</span><span class="label"><a class="term" href="/glossary/#look-through"'
        in html
    )
    assert html.count('class="bar-share"') == len(data["groups"])
    spof = data["single_point_of_failure"]
    assert f'<a href="/vendors/{spof["vendor"]}/">' in html
    for view in data["vendors"]:
        assert f'<a href="/vendors/{view["vendor"]}/">' in html
    assert "Meridian workspace breach" in html  # exposure to open incidents
    assert "Lab A → Meridian Data" in html


def test_a_labs_open_incident_exposure_agrees_with_the_incident_impact(world, admin_user):
    f.VendorDependencyFactory(vendor=world.vendor_a, depends_on=world.meridian)  # a second, longer path
    old = f.EngagementFactory(lab=world.lab_a, vendor=world.meridian, title="Disposed before", status="ended",
                              end_date="2024-06-01", data_disposed_on="2024-06-02")  # fmt: skip
    exposure = lab_incident_exposure(lab=world.lab_a)
    impact = incident_impact(world.incident, user=admin_user)
    expected = {
        (e["engagement"], e["path_text"])
        for lab in impact["labs"]
        if lab["lab"] == world.lab_a.id
        for e in lab["engagements"]
    }
    got = {(r["engagement"].id, r["path_text"]) for item in exposure for r in item["engagements"]}
    assert got == expected
    assert old.id not in {e for e, _ in got}
    assert (world.engagement_a.id, "Lab A → Vendor Alpha → Meridian Data") in got


def test_the_network_draws_labs_vendors_and_fourth_parties(world, viewer_lab_a, client_for):
    client = client_for(viewer_lab_a)
    html = body(client.get("/network/"))
    assert "<title>Lab A</title>" in html and "<title>Meridian Data: score " in html
    assert re.search(r'class="node node-fourth node-band-\w+">\s*<title>Platform Pi: score ', html)
    assert "1 lab, 2 vendors engaged, 1 fourth party reached only through them." in html
    assert html.count('class="edge edge-engagement') == 2 and html.count('class="edge edge-data"') == 1
    one = body(client.get("/network/", {"lab": world.lab_a.id}))
    assert f'<option value="{world.lab_a.id}" selected>Lab A</option>' in one


def test_layered_graph_terminates_on_cycles_and_keeps_columns():
    graph = charts.Graph()
    for key, column in (("a", 0), ("b", 1), ("c", 1)):
        graph.add(charts.Node(key=key, label=key.upper(), column=column))
    graph.add(charts.Node(key="b", label="B", column=2))  # a later, deeper sighting keeps the first column
    graph.edges += [("a", "b", ""), ("b", "c", ""), ("c", "b", "")]
    drawn = charts.layered_graph(graph)
    columns = {b["node"].key: b["x"] for b in drawn["boxes"]}
    assert columns["a"] < columns["b"] == columns["c"]
    assert len(drawn["edges"]) == 3


def test_heat_map_bins_put_one_in_the_top_cell():
    assert [charts.bin_of(v) for v in (0, 0.19, 0.2, 0.99, 1.0)] == [0, 0, 1, 4, 4]
    heat = charts.heat_map({(4, 4): 3}, band_of=score_band_of)
    top = next(c for c in heat["cells"] if c["count"])
    assert top["impact"] == ("0.8", None) and top["band"] == "critical"


def test_the_lab_list_shows_each_labs_concentration_terms(world, viewer_all, client_for):
    html = body(client_for(viewer_all).get("/labs/", {"sort": "name"}))
    row = LabConcentration.objects.get(lab=world.lab_a)
    assert f'<a href="/labs/{world.lab_a.id}/#concentration">{row.hhi:,.0f}</a>' in html
    assert f'<a href="/vendors/{row.spof_vendor_id}/">' in html
    assert f"{row.effective_providers:,.1f}</td>" in html
    assert html.index("Lab A") < html.index("Lab B")
