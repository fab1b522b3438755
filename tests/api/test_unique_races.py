"""A unique rule that a concurrent writer won is a 400 naming the field, never a 500 (any database).

The race is staged by letting the first validation pass (as it does for two writers that check at the
same moment) while the competing row already exists; the database constraint then refuses the save.
The real thing, with threads on PostgreSQL, is in tests/pipeline/test_concurrent_writes.py.
"""

import contextlib
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from incidents.models import LabResponse
from tests import factories as f
from vendorrisk.core.errors import api_exception_handler
from vendors.models import Lab, Vendor, VendorDependency


@contextlib.contextmanager
def first_check_passes(model):
    """The first full_clean() of `model` sees no competitor (it had not committed yet)."""
    original = model.full_clean
    calls = []

    def full_clean(self, *args, **kwargs):
        calls.append(self)
        if len(calls) > 1:
            return original(self, *args, **kwargs)
        self.slug = getattr(self, "slug", None) or f"fresh-{id(self)}"

    with mock.patch.object(model, "full_clean", full_clean):
        yield


def test_a_dependency_race_names_depends_on(procurement_api, vendor_a, vendor_b):
    f.VendorDependencyFactory(vendor=vendor_a, depends_on=vendor_b)
    with first_check_passes(VendorDependency):
        response = procurement_api.post(
            "/api/vendor-dependencies/", {"vendor": vendor_a.pk, "depends_on": vendor_b.pk}
        )
    assert response.status_code == 400, response.content
    assert "already exists" in response.json()["depends_on"][0]
    assert VendorDependency.objects.count() == 1


def test_a_vendor_name_race_names_name(procurement_api):
    f.VendorFactory(name="Racing Vendor")
    with first_check_passes(Vendor):
        response = procurement_api.post(
            "/api/vendors/", {"name": "RACING vendor", "category": "data_labeling"}
        )
    assert response.status_code == 400, response.content
    assert "already exists" in response.json()["name"][0]
    assert Vendor.objects.filter(name__iexact="racing vendor").count() == 1


def test_a_lab_name_race_names_name(admin_api):
    f.LabFactory(name="Racing Lab")
    with first_check_passes(Lab):
        response = admin_api.post("/api/labs/", {"name": "racing lab"})
    assert response.status_code == 400, response.content
    assert "name" in response.json()
    assert Lab.objects.filter(name__iexact="racing lab").count() == 1


def test_a_lab_response_race_names_lab(security_lab_a_api, lab_a, engagement_a):
    incident = f.IncidentFactory(vendor=engagement_a.vendor)
    f.LabResponseFactory(incident=incident, lab=lab_a)
    with (
        first_check_passes(LabResponse),
        mock.patch("incidents.api.serializers.LabResponseSerializer.validate_lab", lambda self, lab: lab),
    ):
        response = security_lab_a_api.post(
            f"/api/incidents/{incident.pk}/responses/",
            {"lab": lab_a.pk, "decision": "halt", "reason": "Race"},
        )
    assert response.status_code == 400, response.content
    assert "already exists" in response.json()["lab"][0]
    assert LabResponse.objects.filter(incident=incident).count() == 1


@pytest.mark.django_db
def test_the_handler_names_the_field_of_writes_outside_the_helper():
    """A unique violation raised anywhere (here: a user saved directly) is a 400 naming the field."""
    f.UserFactory(username="taken")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        get_user_model().objects.create(username="taken")
    response = api_exception_handler(caught.value, {})
    assert response.status_code == 400
    assert "username" in response.data


@pytest.mark.django_db
def test_other_integrity_errors_are_a_conflict_not_a_500():
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        VendorDependency.objects.create(vendor_id=999_999, depends_on_id=999_998)
        transaction.get_connection().check_constraints()
    response = api_exception_handler(caught.value, {})
    assert response.status_code == 409


@pytest.mark.django_db
@pytest.mark.parametrize(
    "build, field",
    [
        (lambda: Lab(name="racing lab", slug="fresh-lab"), "name"),
        (lambda: Vendor(name="RACING vendor", slug="fresh-vendor", category="other"), "name"),
        (
            lambda: VendorDependency(
                vendor=Vendor.objects.get(name="Racing Vendor"), depends_on=Vendor.objects.get(name="Other")
            ),
            "depends_on",
        ),
    ],
)
def test_a_competitor_committed_mid_validation_is_named_on_the_field(build, field):
    """Django reports multi-field and expression unique rules as non-field errors; the helper names the field.

    (A writer that validates while the competitor commits gets the rule's error from validation itself.)
    """
    from django.core.exceptions import ValidationError

    from vendorrisk.core.services import full_clean

    f.LabFactory(name="Racing Lab")
    racing, other = f.VendorFactory(name="Racing Vendor"), f.VendorFactory(name="Other")
    f.VendorDependencyFactory(vendor=racing, depends_on=other)
    obj = build()
    # Only the database rules: the models' own clean() checks would name the field already.
    with mock.patch.object(type(obj), "clean", lambda self: None), pytest.raises(ValidationError) as caught:
        full_clean(obj)
    assert field in caught.value.error_dict, caught.value.error_dict
    assert "already exists" in caught.value.error_dict[field][0].messages[0]
    assert "__all__" not in caught.value.error_dict
