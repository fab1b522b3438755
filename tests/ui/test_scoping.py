"""A lab-limited user sees only their labs, everywhere: pages, fragments, filters, exports, errors.

Vendor knowledge and aggregates (score, labs exposed) stay whole; other labs appear only as counts.
"""

import pytest

from assessments.models import VendorScore

from .pages import PAGES
from .test_pages import body

LAB_B_SECRETS = ("Lab B", "Secret Meridian work for B", "Beta benchmarks for B", "Bravo halts everything")


@pytest.mark.parametrize("role", ["viewer", "procurement", "security"])
def test_no_page_shows_another_labs_name_or_records(role, world, role_users, client_for):
    client = client_for(role_users[role])  # limited to Lab A
    for page in PAGES:
        if role not in page.roles:
            continue
        html = body(client.get(page.url(world)))
        for secret in LAB_B_SECRETS:
            assert secret not in html, f"{page.name} shows {secret!r} to a Lab A {role}"


def test_another_labs_objects_are_404_for_every_method(world, procurement_lab_a, security_lab_a, client_for):
    procurement, security = client_for(procurement_lab_a), client_for(security_lab_a)
    for url in (f"/labs/{world.lab_b.id}/", f"/labs/{world.lab_b.id}/concentration/",
                f"/engagements/{world.engagement_b.id}/", f"/engagements/{world.engagement_b.id}/edit/"):  # fmt: skip
        assert procurement.get(url).status_code == 404, url
    assert procurement.post(f"/engagements/{world.engagement_b.id}/edit/", {"title": "x"}).status_code == 404
    response = security.get("/network/", {"lab": world.lab_b.id})
    assert response.status_code == 200
    assert "Choose one of your labs." in body(response)
    assert "Lab B" not in body(response)


def test_filter_choices_offer_only_the_users_labs(world, viewer_lab_a, client_for):
    html = body(client_for(viewer_lab_a).get("/engagements/"))
    assert f'<option value="{world.lab_a.id}">Lab A</option>' in html
    assert "Lab B" not in html
    response = client_for(viewer_lab_a).get("/engagements/", {"lab": world.lab_b.id})
    assert "Some filters are not valid" in body(response)
    assert "Beta benchmarks for B" not in body(response)


def test_the_export_holds_only_the_users_labs(world, viewer_lab_a, client_for):
    csv_text = body(client_for(viewer_lab_a).get("/engagements/export.csv"))
    assert "Meridian for A" in csv_text and "Alpha labeling for A" in csv_text
    assert "Lab B" not in csv_text and "for B" not in csv_text


def test_a_shared_vendor_shows_the_whole_score_and_other_labs_only_as_a_count(
    world, viewer_lab_a, viewer_all, client_for
):
    limited = body(client_for(viewer_lab_a).get(f"/vendors/{world.meridian.id}/"))
    everyone = body(client_for(viewer_all).get(f"/vendors/{world.meridian.id}/"))
    score = VendorScore.objects.get(vendor=world.meridian).score
    assert f">{score}<" in limited and f">{score}<" in everyone
    assert "2 labs exposed" in limited
    assert "1 of them is outside your labs and not shown." in limited
    assert "Lab B" in everyone and "Lab B" not in limited


def test_the_incident_impact_counts_other_labs_without_naming_them(world, security_lab_a, client_for):
    html = body(client_for(security_lab_a).get(f"/incidents/{world.incident.id}/"))
    assert "2 labs exposed through 2 engagements" in html
    assert "1 of the labs is outside yours and not shown." in html
    assert "Lab A → Meridian Data" in html
    assert "Lab B" not in html


def test_a_user_whose_labs_are_all_gone_sees_no_lab(world, client_for):
    from tests.factories import UserFactory

    orphan = UserFactory(username="orphan", role="viewer")
    html = body(client_for(orphan).get("/labs/"))
    assert "No labs match." in html
    assert "Lab A" not in html and "Lab B" not in html
