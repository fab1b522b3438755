"""The demo's register: Quillfeather's export is complete and lint-clean, Northwind's shows findings; every
demo LEI is fictional with valid check digits."""

import pytest
from django.utils import timezone
from stdnum import lei as stdnum_lei

from register.build import build
from register.lint import lint
from register.selectors import default_reference_date
from vendorrisk.demo.load import load_demo
from vendors.models import Lab, Vendor

pytestmark = pytest.mark.django_db


def test_the_demo_register_is_clean_for_one_lab_and_shows_findings_for_another(admin_user):
    load_demo(password="demo-password-1")
    day = default_reference_date(timezone.localdate())
    clean = lint(build(Lab.objects.get(name="Quillfeather Labs"), admin_user, day))
    assert clean["ready"] is True and clean["completeness"] == 100.0
    assert not [f for f in clean["findings"] if f["severity"] != "warning"]
    messy = lint(build(Lab.objects.get(name="Northwind Intelligence Lab"), admin_user, day))
    assert messy["ready"] is False
    assert {"empty_primary_key"} <= {f["rule"] for f in messy["findings"]}
    leis = [lab.lei for lab in Lab.objects.exclude(lei="")] + list(
        Vendor.objects.filter(identifier_type="lei").values_list("identifier", flat=True)
    )
    assert len(leis) > 10 and all(stdnum_lei.is_valid(x) and x.startswith("DEMO") for x in leis)
    load_demo(password="demo-password-1")  # idempotent: a rerun changes nothing
    assert lint(build(Lab.objects.get(name="Quillfeather Labs"), admin_user, day))["ready"] is True
