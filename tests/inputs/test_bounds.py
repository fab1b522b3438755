"""Findings 8, 10, 11: one year bound for every date, range-checked filters, deadlines that cannot overflow."""

import datetime as dt

import pytest

from incidents import notifications
from incidents.forms import IncidentForm
from incidents.models import Incident, Notification
from tests import factories as f

FAR = "9999-12-31T23:59:59Z"


def incident_payload(vendor, **extra):
    return {
        "vendor": vendor.id,
        "title": "Far future",
        "severity": "high",
        "status": "investigating",
        "data_exposure": "confirmed",
        "discovered_at": "2025-03-01T12:00:00Z",
        **extra,
    }


# --- finding 8: the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("discovered_at", FAR),
        ("discovered_at", "1899-12-31T23:59:59Z"),
        ("discovered_at", "0001-01-01T00:00:00+14:00"),  # overflows on the way to UTC
        ("discovered_at", "2200-12-31T23:00:00-14:00"),  # 2201 in UTC
        ("occurred_at", "2201-01-01T00:00:00Z"),
        ("vendor_confirmed_at", FAR),
    ],
)
def test_an_incident_datetime_outside_1900_2200_is_a_400_naming_the_field(
    security_api, vendor_a, field, value
):
    response = security_api.post(
        "/api/incidents/", incident_payload(vendor_a, **{field: value}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.filter(title="Far future").exists()


def test_the_bounds_themselves_are_accepted(security_api, vendor_a):
    response = security_api.post(
        "/api/incidents/",
        incident_payload(vendor_a, occurred_at="1900-01-01T00:00:00Z", discovered_at="2200-12-31T23:59:59Z"),
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("field", ["start_date", "end_date", "data_disposed_on"])
def test_an_engagement_date_outside_the_bound_is_a_400(procurement_api, lab_a, vendor_a, field):
    payload = {
        "lab": lab_a.id,
        "vendor": vendor_a.id,
        "title": "Far engagement",
        "status": "ended",
        "criticality": "low",
        "data_sensitivity": "public",
        "substitutability": "easy",
        "start_date": "2024-01-01",
        field: "9999-12-31",
    }
    response = procurement_api.post("/api/engagements/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_every_writable_date_of_the_api_is_bounded():
    """Walks every serializer the API's views use: no writable DateField/DateTimeField escapes the bound."""
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework import serializers

    from vendorrisk.core.api_base import BoundedDateField, BoundedDateTimeField

    def walk(serializer, seen):
        for name, field in serializer.fields.items():
            if isinstance(field, serializers.ListSerializer):
                field = field.child
            if isinstance(field, serializers.Serializer):
                yield from walk(field, seen)
            elif isinstance(field, serializers.DateField | serializers.DateTimeField) and not field.read_only:
                yield f"{type(serializer).__name__}.{name}", field

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    unbounded, checked = [], 0
    for _path, _path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        try:
            serializer = view.get_serializer()
        except Exception:  # noqa: BLE001 - views without a serializer class
            continue
        for where, field in walk(serializer, set()):
            checked += 1
            if not isinstance(field, BoundedDateField | BoundedDateTimeField):
                unbounded.append(where)
    assert checked >= 10
    assert unbounded == []


# --- finding 8: the forms ---------------------------------------------------------------------------


def test_the_incident_form_refuses_a_far_date(security_all, vendor_a):
    data = {
        "vendor": vendor_a.id,
        "title": "Far form",
        "severity": "high",
        "status": "investigating",
        "data_exposure": "confirmed",
        "discovered_at": "9999-12-31T23:59",
    }
    form = IncidentForm(data=data, user=security_all)

    assert not form.is_valid()
    assert "discovered_at" in form.errors
    assert "1900" in form.errors["discovered_at"][0]


def test_every_date_field_of_the_web_forms_is_bounded(procurement_all):
    """Every form of the app's pages takes the bound (structurally: the mixin), and the bound is there on
    the date fields of the forms that have them."""
    from django import forms

    import vendorrisk.urls  # noqa: F401 - imports every app's views, and so every form
    from vendorrisk.core.bounds import BoundedDatesFormMixin, check_date_bounds

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in ("vendors", "incidents", "assessments", "webhooks")
        and cls.__module__.split(".")[-1] == "forms"
    }
    assert len(ours) >= 8
    assert sorted(c.__name__ for c in ours if not issubclass(c, BoundedDatesFormMixin)) == []
    found = 0
    for form_class in ours:
        try:
            form = form_class(user=procurement_all)
        except TypeError:
            continue
        for field in form.fields.values():
            if isinstance(field, forms.DateField | forms.DateTimeField):
                found += 1
                assert check_date_bounds in field.validators
    assert found >= 3


# --- finding 8: data stored before the bound ----------------------------------------------------------


def test_a_stored_far_date_does_not_break_later_writes_at_the_vendor(
    procurement_api, admin_user, lab_a, lab_b, vendor_a
):
    lab_a.regimes = ["sec", "gdpr", "hipaa", "nis2", "dora"]
    lab_a.save()
    lab_b.regimes = ["sec", "gdpr"]
    lab_b.save()
    f.EngagementFactory(lab=lab_a, vendor=vendor_a, status="active", data_categories=["personal_data"])
    far = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    f.IncidentFactory(vendor=vendor_a, data_exposure="confirmed", discovered_at=far)

    response = procurement_api.post(
        "/api/engagements/",
        {
            "lab": lab_b.id,
            "vendor": vendor_a.id,
            "title": "After the far incident",
            "status": "active",
            "criticality": "high",
            "data_sensitivity": "confidential",
            "substitutability": "difficult",
            "data_categories": ["personal_data"],
            "start_date": "2024-01-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    due = set(Notification.objects.filter(lab=lab_b).values_list("regime", "due_at"))
    assert ("sec", notifications.LATEST_DEADLINE) in due


@pytest.mark.parametrize("regime", ["sec", "gdpr", "nis2", "dora", "hipaa"])
def test_deadline_arithmetic_saturates_instead_of_overflowing(regime):
    from vendors.choices import Regime

    if regime not in Regime.values:
        pytest.skip("regime not configured")
    far = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    due = notifications.due_times(regime, far)

    assert due
    assert all(value == notifications.LATEST_DEADLINE for value in due.values())
    early = notifications.due_times(regime, dt.datetime(1, 1, 1, tzinfo=dt.UTC))
    assert all(value.year < 10 for value in early.values())


# --- finding 10: date-range filters --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, param",
    [
        ("/api/incidents/", "discovered_at"),
        ("/api/audit/", "timestamp"),
        ("/api/notifications/", "due_at"),
    ],
)
@pytest.mark.parametrize(
    "suffix, value", [("after", "0001-01-01T00:00:00+14:00"), ("before", "9999-12-31T23:59:59-14:00")]
)
def test_extreme_offsets_in_a_datetime_range_filter_are_a_400(admin_api, url, param, suffix, value):
    response = admin_api.get(url, {f"{param}_{suffix}": value})

    assert response.status_code == 400
    assert f"{param}_{suffix}" in response.json() or param in response.json()


@pytest.mark.parametrize("param", ["start_date_after", "end_date_before"])
def test_a_date_range_filter_outside_the_bound_is_a_400(admin_api, param):
    response = admin_api.get("/api/engagements/", {param: "9999-12-31"})

    assert response.status_code == 400


def test_a_datetime_range_filter_inside_the_bound_still_filters(admin_api, vendor_a):
    f.IncidentFactory(vendor=vendor_a, title="In range")
    response = admin_api.get(
        "/api/incidents/",
        {
            "discovered_at_after": "1900-01-02T00:00:00+14:00",
            "discovered_at_before": "2200-01-01T00:00:00-14:00",
        },
    )
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["In range"]


def test_the_html_incident_list_answers_extreme_offsets_without_a_500(client, security_all):
    client.force_login(security_all)
    response = client.get("/incidents/", {"discovered_at_after": "0001-01-01T00:00:00+14:00"})

    assert response.status_code in (200, 400)
    assert b"1900" in response.content


# --- finding 11: numeric filters ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1e30", "-1e30", str(2**63), "0", "1.5"])
@pytest.mark.parametrize("param", ["actor", "object_id"])
def test_out_of_range_ids_on_the_audit_filter_are_a_400_naming_it(admin_api, param, value):
    response = admin_api.get("/api/audit/", {param: value})

    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize(
    "url, param",
    [("/api/incidents/", "vendor"), ("/api/engagements/", "lab"), ("/api/notifications/", "incident")],
)
def test_out_of_range_ids_on_model_filters_are_a_400(admin_api, url, param):
    response = admin_api.get(url, {param: str(2**64)})

    assert response.status_code == 400
    assert param in response.json()


def test_every_filterset_checks_its_ranges_in_the_one_base():
    import django_filters

    import vendorrisk.urls  # noqa: F401 - imports every app's API and pages, and so every filter set
    from vendorrisk.core.filters import FilterSet

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [
        cls
        for cls in subclasses(django_filters.FilterSet)
        if cls.__module__.split(".")[0] in ("vendors", "incidents", "assessments", "webhooks", "vendorrisk")
        and cls is not FilterSet
    ]
    assert len(ours) >= 10
    assert [cls.__name__ for cls in ours if not issubclass(cls, FilterSet)] == []
