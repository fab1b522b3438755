"""Notification rows kept by the system: created, re-timed and retired (never deleted) as things change."""

import datetime as dt

import pytest

from incidents import services as incident_services
from incidents.models import Notification
from tests import factories as f
from vendors import services as vendor_services

from .helpers import at, engagement, incident

pytestmark = pytest.mark.django_db

ALL_REGIMES = ["gdpr", "nis2", "dora", "sec", "hipaa"]


def rows(inc, lab=None) -> dict[tuple[str, str], Notification]:
    qs = Notification.objects.filter(incident=inc)
    if lab is not None:
        qs = qs.filter(lab=lab)
    return {(n.regime, n.stage): n for n in qs}


def due(inc, lab=None) -> dict[tuple[str, str], dt.datetime]:
    return {k: n.due_at for k, n in rows(inc, lab).items()}


def statuses(inc, lab=None) -> dict[tuple[str, str], str]:
    return {k: n.status for k, n in rows(inc, lab).items()}


@pytest.fixture
def vendor():
    return f.VendorFactory(name="Notified vendor")


@pytest.fixture
def lab():
    return f.LabFactory(name="Regulated lab", regimes=ALL_REGIMES)


def test_every_stage_of_every_regime_of_an_exposed_lab_with_personal_data(vendor, lab):
    engagement(lab, vendor, data_categories=["training_data", "personal_data"])
    inc = incident(vendor, discovered_at=at(2025, 3, 7, 15))  # a Friday

    assert due(inc, lab) == {
        ("gdpr", "report"): at(2025, 3, 10, 15),
        ("nis2", "early_warning"): at(2025, 3, 8, 15),
        ("nis2", "notification"): at(2025, 3, 10, 15),
        ("nis2", "final_report"): at(2025, 4, 10, 15),
        ("dora", "initial"): at(2025, 3, 8, 15),
        ("dora", "intermediate"): at(2025, 3, 11, 15),
        ("dora", "final"): at(2025, 4, 11, 15),
        # Mon 10, Tue 11, Wed 12, Thu 13 at 23:59:59 EDT (summer time began on March 9)
        ("sec", "form_8k"): at(2025, 3, 14, 3, 59, 59),
        ("hipaa", "notice"): at(2025, 5, 6, 15),
    }
    assert set(statuses(inc, lab).values()) == {"overdue"}  # all in the past


def test_gdpr_and_hipaa_only_when_an_exposed_engagement_holds_personal_data(vendor, lab):
    engagement(lab, vendor, data_categories=["training_data"])
    inc = incident(vendor)

    assert {regime for regime, _ in rows(inc, lab)} == {"nis2", "dora", "sec"}

    other = f.VendorFactory()
    engagement(lab, other, data_categories=["personal_data"])  # personal data, but elsewhere
    incident_services.incident_update(actor=None, instance=inc, title="Renamed")
    assert {regime for regime, _ in rows(inc, lab)} == {"nis2", "dora", "sec"}


def test_no_rows_while_no_data_is_exposed_and_not_required_instead_of_deletion(vendor, lab):
    engagement(lab, vendor, data_categories=["personal_data"])
    inc = incident(vendor, data_exposure="none")
    assert rows(inc) == {}

    inc = incident_services.incident_update(actor=None, instance=inc, data_exposure="suspected")
    created = rows(inc, lab)
    assert len(created) == 9 and all(n.required for n in created.values())

    inc = incident_services.incident_update(actor=None, instance=inc, data_exposure="none")
    after = rows(inc, lab)
    assert {n.pk for n in after.values()} == {n.pk for n in created.values()}
    assert set(statuses(inc, lab).values()) == {"not_required"}

    incident_services.incident_update(actor=None, instance=inc, data_exposure="confirmed")
    assert set(statuses(inc, lab).values()) == {"overdue"}
    assert Notification.objects.filter(incident=inc).count() == 9


def test_a_submitted_row_stays_submitted_when_it_no_longer_applies(vendor, lab):
    engagement(lab, vendor, data_categories=["personal_data"])
    inc = incident(vendor)
    report = rows(inc, lab)[("gdpr", "report")]
    incident_services.notification_update(actor=None, instance=report, submitted_at=at(2025, 3, 2, 9))
    incident_services.incident_update(actor=None, instance=inc, data_exposure="none")
    report.refresh_from_db()
    assert report.required is False and report.status == "submitted"


def test_awareness_is_the_labs_own_then_the_vendors_confirmation_then_discovery(vendor, lab):
    engagement(lab, vendor, data_categories=["personal_data"])
    inc = incident(vendor, discovered_at=at(2025, 3, 1, 12))
    assert due(inc, lab)[("gdpr", "report")] == at(2025, 3, 4, 12)

    inc = incident_services.incident_update(actor=None, instance=inc, vendor_confirmed_at=at(2025, 3, 2, 8))
    assert due(inc, lab)[("gdpr", "report")] == at(2025, 3, 5, 8)

    response = incident_services.lab_response_create(
        actor=None,
        incident=inc,
        lab=lab,
        decision="investigating",
        reason="Checking",
        aware_at=at(2025, 3, 3, 1),
    )
    assert due(inc, lab)[("gdpr", "report")] == at(2025, 3, 6, 1)
    assert due(inc, lab)[("hipaa", "notice")] == at(2025, 5, 2, 1)

    incident_services.lab_response_update(actor=None, instance=response, aware_at=None)
    assert due(inc, lab)[("gdpr", "report")] == at(2025, 3, 5, 8)


def test_each_lab_has_its_own_clock_and_regimes(vendor, lab):
    other = f.LabFactory(name="SEC-only lab", regimes=["sec"])
    engagement(lab, vendor, data_categories=["personal_data"])
    engagement(other, vendor)
    inc = incident(vendor, discovered_at=at(2025, 3, 1, 12))
    incident_services.lab_response_create(
        actor=None, incident=inc, lab=other, decision="halt", reason="Stop", aware_at=at(2025, 3, 4, 12)
    )
    assert set(rows(inc, other)) == {("sec", "form_8k")}
    assert due(inc, other)[("sec", "form_8k")] == at(2025, 3, 11, 3, 59, 59)  # Tue 4 → Mon 10 EDT
    assert due(inc, lab)[("sec", "form_8k")] == at(2025, 3, 7, 4, 59, 59)  # Sat 1 → Thu 6 EST


def test_recording_a_submission_moves_the_chained_stages(vendor, lab, security_api):
    engagement(lab, vendor)
    inc = incident(vendor, discovered_at=at(2025, 3, 1, 12))
    initial = rows(inc, lab)[("dora", "initial")]
    notification = rows(inc, lab)[("nis2", "notification")]

    response = security_api.patch(
        f"/api/notifications/{initial.pk}/", {"submitted_at": "2025-03-01T20:00:00Z", "reference": "DORA-1"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert due(inc, lab)[("dora", "intermediate")] == at(2025, 3, 4, 20)
    assert due(inc, lab)[("dora", "final")] == at(2025, 4, 4, 20)

    security_api.patch(f"/api/notifications/{notification.pk}/", {"submitted_at": "2025-03-03T07:30:00Z"})
    assert due(inc, lab)[("nis2", "final_report")] == at(2025, 4, 3, 7, 30)

    security_api.patch(f"/api/notifications/{initial.pk}/", {"submitted_at": None})
    assert due(inc, lab)[("dora", "intermediate")] == at(2025, 3, 5, 12)


def test_a_lab_losing_a_regime_retires_its_rows_and_gaining_one_adds_them(vendor, lab):
    engagement(lab, vendor, data_categories=["personal_data"])
    inc = incident(vendor, discovered_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))

    vendor_services.lab_update(actor=None, instance=lab, regimes=["gdpr", "nis2", "dora", "hipaa"])
    assert statuses(inc, lab)[("sec", "form_8k")] == "not_required"
    assert rows(inc, lab)[("gdpr", "report")].required

    vendor_services.lab_update(actor=None, instance=lab, regimes=["gdpr"])
    assert {k for k, s in statuses(inc, lab).items() if s != "not_required"} == {("gdpr", "report")}

    vendor_services.lab_update(actor=None, instance=lab, regimes=["gdpr", "sec"])
    assert rows(inc, lab)[("sec", "form_8k")].required
    assert Notification.objects.filter(incident=inc).count() == 9


def test_engagement_changes_create_and_retire_rows(vendor):
    lab = f.LabFactory(name="Late lab", regimes=["gdpr", "nis2"])
    upstream = f.VendorFactory(name="Reseller")
    f.VendorDependencyFactory(vendor=upstream, depends_on=vendor)
    inc = incident(vendor, discovered_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    assert rows(inc) == {}

    e = engagement(lab, upstream, start_date=dt.date(2024, 5, 1))  # exposed through the reseller
    assert set(rows(inc, lab)) == {
        ("nis2", "early_warning"),
        ("nis2", "notification"),
        ("nis2", "final_report"),
    }

    vendor_services.engagement_update(actor=None, instance=e, data_categories=["personal_data"])
    assert rows(inc, lab)[("gdpr", "report")].required

    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    vendor_services.engagement_update(actor=None, instance=e, start_date=tomorrow)  # after the incident
    assert set(statuses(inc, lab).values()) == {"not_required"}

    vendor_services.engagement_update(actor=None, instance=e, start_date=dt.date(2024, 5, 1))
    assert set(statuses(inc, lab).values()) == {"pending"}

    vendor_services.engagement_delete(actor=None, instance=e)
    assert set(statuses(inc, lab).values()) == {"not_required"}
    assert Notification.objects.filter(incident=inc).count() == 4


def test_notification_list_filters_work_on_system_rows(vendor, lab, security_api):
    engagement(lab, vendor, data_categories=["personal_data"])
    inc = incident(vendor, discovered_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=30))
    gdpr = rows(inc, lab)[("gdpr", "report")]
    vendor_services.lab_update(actor=None, instance=lab, regimes=["gdpr", "nis2"])

    def ids(**params):
        body = security_api.get("/api/notifications/", params).json()
        return {(r["regime"], r["stage"]) for r in body["results"]}

    assert ids(incident=inc.pk, regime="gdpr") == {("gdpr", "report")}
    assert ids(incident=inc.pk, stage="form_8k") == {("sec", "form_8k")}
    assert ids(incident=inc.pk, status="not_required") == {
        ("sec", "form_8k"),
        ("dora", "initial"),
        ("dora", "intermediate"),
        ("dora", "final"),
        ("hipaa", "notice"),
    }
    assert ids(incident=inc.pk, status="overdue") == {("nis2", "early_warning")}
    assert ids(incident=inc.pk, status="pending") == {
        ("gdpr", "report"),
        ("nis2", "notification"),
        ("nis2", "final_report"),
    }
    assert ids(lab=lab.pk, regime="nis2", stage="notification") == {("nis2", "notification")}
    row = security_api.get(f"/api/notifications/{gdpr.pk}/").json()
    assert (
        row["lab_name"] == "Regulated lab"
        and row["incident_title"] == inc.title
        and row["status"] == "pending"
    )


def test_lab_limited_users_see_only_their_labs_notifications(lab_a, lab_b, vendor_a, viewer_lab_a_api):
    engagement(lab_a, vendor_a)  # Lab A: gdpr + nis2, no personal data → nis2 only
    engagement(lab_b, vendor_a)  # Lab B: sec
    inc = incident(vendor_a)

    response = viewer_lab_a_api.get("/api/notifications/", {"incident": inc.pk})

    assert {r["regime"] for r in response.json()["results"]} == {"nis2"}
    assert "Lab B" not in response.content.decode()
    assert Notification.objects.filter(incident=inc, lab=lab_b, regime="sec").exists()


@pytest.mark.django_db
def test_a_new_data_sharing_edge_brings_a_fourth_party_incident_into_a_labs_notifications():
    from django.utils import timezone

    from incidents import services as incident_services
    from incidents.models import Notification
    from vendors import services as vendor_services
    from vendors.models import Lab, Vendor

    lab = vendor_services.lab_create(actor=None, name="Edge Lab", regimes=["nis2"])
    direct = vendor_services.vendor_create(actor=None, name="Direct Co", category="software")
    fourth = vendor_services.vendor_create(actor=None, name="Fourth Co", category="compute")
    vendor_services.engagement_create(
        actor=None,
        lab=lab,
        vendor=direct,
        title="t",
        status="active",
        criticality="high",
        data_sensitivity="restricted",
        substitutability="easy",
        start_date=timezone.now().date().replace(year=2024),
    )
    incident_services.incident_create(
        actor=None,
        vendor=fourth,
        title="Breach",
        severity="high",
        data_exposure="confirmed",
        discovered_at=timezone.now(),
    )
    assert not Notification.objects.filter(lab=lab).exists()
    edge = vendor_services.dependency_create(actor=None, vendor=direct, depends_on=fourth)
    assert set(Notification.objects.filter(lab=lab, required=True).values_list("stage", flat=True)) == {
        "early_warning",
        "notification",
        "final_report",
    }
    vendor_services.dependency_delete(actor=None, instance=edge)
    assert not Notification.objects.filter(lab=lab, required=True).exists()
    assert Lab.objects.count() == 1 and Vendor.objects.count() == 2
