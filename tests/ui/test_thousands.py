"""Counts and amounts are shown with thousands separators; ids, inputs and CSV cells are not."""

from tests import factories as f
from vendors.models import Vendor

from .test_pages import body


def test_counts_of_a_thousand_and_more_are_grouped_but_ids_and_csv_are_not(world, viewer_all, client_for):
    Vendor.objects.bulk_create(Vendor(name=f"Bulk vendor {k:04d}", slug=f"bulk-{k:04d}") for k in range(1200))
    total = Vendor.objects.count()
    assert total >= 1200
    shown = f"{total:,}"
    client = client_for(viewer_all)
    dashboard = body(client.get("/"))
    assert f'<span class="num">{shown}</span> vendors' in dashboard
    vendors = body(client.get("/vendors/"))
    assert f"{shown} results" in vendors
    f.EngagementFactory(annual_value=1234567, currency="EUR", lab=world.lab_a, vendor=world.pi, title="Big")
    engagement = world.meridian_a
    engagement.annual_value = 2500000
    engagement.currency = "EUR"
    engagement.save()
    detail = body(client.get(f"/engagements/{engagement.id}/"))
    assert "2,500,000" in detail
    # An id in a link is never grouped, nor a value in a form field or a CSV cell.
    big = Vendor.objects.order_by("-id").first()
    assert f'href="/vendors/{big.id}/"' in body(client.get("/vendors/", {"sort": "-name", "q": big.name}))
    csv = b"".join(client.get("/engagements/export.csv").streaming_content).decode()
    assert "1234567" in csv and "1,234,567" not in csv
