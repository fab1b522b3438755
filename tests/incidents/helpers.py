"""Small builders for the incident tests. Rows that arrange a state come from the factories; behaviour
(incidents, responses, engagement and lab changes) goes through the services, so the hooks run."""

import datetime as dt

from incidents import services as incident_services
from tests import factories as f
from vendors import services as vendor_services

UTC = dt.UTC


def at(*args) -> dt.datetime:
    """A UTC datetime: at(2025, 3, 1, 12) → 2025-03-01 12:00Z."""
    return dt.datetime(*args, tzinfo=UTC)


def chain(n: int, *, prefix: str = "Hop") -> list:
    """Vendors v0 ← v1 ← … ← vn: each v(i) depends on v(i-1), sharing data. v0 is where breaches happen."""
    vendors = [f.VendorFactory(name=f"{prefix} {i}") for i in range(n + 1)]
    for upstream, downstream in zip(vendors[1:], vendors, strict=False):
        f.VendorDependencyFactory(vendor=upstream, depends_on=downstream)
    return vendors


def incident(vendor, actor=None, **extra):
    """An incident recorded through the service (notification upkeep runs)."""
    data = {
        "vendor": vendor,
        "title": extra.pop("title", f"Breach at {vendor.name}"),
        "severity": "high",
        "status": "investigating",
        "data_exposure": "confirmed",
        "discovered_at": at(2025, 3, 1, 12),
    }
    data.update(extra)
    return incident_services.incident_create(actor=actor, **data)


def engagement(lab, vendor, actor=None, **extra):
    """An engagement created through the service (score marks and notification upkeep run)."""
    data = {
        "lab": lab,
        "vendor": vendor,
        "title": extra.pop("title", f"{lab.name} at {vendor.name}"),
        "status": "active",
        "criticality": "high",
        "data_sensitivity": "confidential",
        "substitutability": "difficult",
        "data_categories": ["training_data"],
        "start_date": dt.date(2024, 1, 1),
    }
    data.update(extra)
    return vendor_services.engagement_create(actor=actor, **data)
