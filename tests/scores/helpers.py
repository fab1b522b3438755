"""Small builders for score tests, writing through the services like the API does."""

from datetime import date

from django.utils import timezone

from incidents import services as incident_services
from vendorrisk.models import User
from vendors import services as vendor_services


def admin_user(username: str = "score-admin") -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"role": "admin"})
    return user


def lab(name: str, actor=None):
    return vendor_services.lab_create(actor=actor, name=name)


def vendor(name: str, actor=None, **extra):
    return vendor_services.vendor_create(
        actor=actor, name=name, category=extra.pop("category", "data_labeling"), **extra
    )


def engagement(lab_obj, vendor_obj, actor=None, **extra):
    data = {
        "lab": lab_obj,
        "vendor": vendor_obj,
        "title": extra.pop("title", f"{lab_obj.name} at {vendor_obj.name}"),
        "status": "active",
        "criticality": "critical",
        "data_sensitivity": "restricted",
        "substitutability": "difficult",
        "start_date": date(2025, 1, 1),
    }
    data.update(extra)
    return vendor_services.engagement_create(actor=actor, **data)


def incident(vendor_obj, actor=None, **extra):
    data = {
        "vendor": vendor_obj,
        "title": extra.pop("title", f"Breach at {vendor_obj.name}"),
        "severity": "critical",
        "status": "investigating",
        "data_exposure": "confirmed",
        "discovered_at": timezone.now() - timezone.timedelta(days=1),
    }
    data.update(extra)
    return incident_services.incident_create(actor=actor, **data)
