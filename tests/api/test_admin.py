"""Admin smoke: every registered admin's changelist, add and change pages answer 200, and search finds rows."""

import pytest
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments import recompute
from assessments.models import WhatIfPlan
from tests import factories as f
from vendorrisk.core import events
from vendors.models import ScoreMark
from webhooks.models import Webhook, WebhookDelivery

PROJECT_APPS = {"vendorrisk", "vendors", "incidents", "assessments", "webhooks"}
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _id(item) -> str:
    return item[0]._meta.label


@pytest.fixture
def rows(lab_a, engagement_a, engagement_b, viewer_lab_a, settings, tmp_path):
    """A few rows of every project model (two of the lab-owned ones), scores included."""
    settings.MEDIA_ROOT = str(tmp_path)
    incident = f.IncidentFactory(vendor=engagement_a.vendor, title="Admin incident")
    answer = f.AnswerFactory()
    shared = f.VendorFactory(name="Shared platform")  # both labs reach it: a shared dependency
    for engagement in (engagement_a, engagement_b):
        f.VendorDependencyFactory(vendor=engagement.vendor, depends_on=shared, description="Admin dependency")
    f.IncidentUpdateFactory(incident=incident, author=viewer_lab_a)
    f.LabResponseFactory(incident=incident, lab=lab_a, decided_by=viewer_lab_a)
    f.NotificationFactory(incident=incident, lab=lab_a, reference="ADMIN-1")
    f.FindingFactory(assessment=answer.assessment, owner=viewer_lab_a)
    f.EvidenceFactory(assessment=answer.assessment, uploaded_by=viewer_lab_a)
    f.ImportJobFactory(file_name="admin-smoke.jsonl")
    WhatIfPlan.objects.create(name="Admin plan", lab=lab_a, changes=[], created_by=viewer_lab_a)
    f.FunctionFactory(lab=lab_a, identifier="F-ADMIN", name="Admin function")
    recompute.rebuild_all()  # the recompute's own entry point writes every score and history table
    ScoreMark.objects.create(kind="vendor", object_id=engagement_a.vendor_id, cause="admin smoke")
    with transaction.atomic():
        event = events.record(
            "engagement.updated",
            actor=None,
            object_type="engagement",
            object_id=engagement_a.pk,
            labs=[lab_a.pk],
        )
    webhook = Webhook.objects.create(
        url="https://hooks.example.com/admin",
        event_types=["*"],
        secret="whsec_c2VjcmV0",
        created_by=viewer_lab_a,
    )
    WebhookDelivery.objects.create(webhook=webhook, event=event)


def first_row(model):
    return model._default_manager.order_by("pk").first()


def lookup_value(obj, path: str):
    """The value of a search_fields entry (``vendor__name``, ``^code``) on ``obj``."""
    value = obj
    for part in path.lstrip("^=@").split("__"):
        if value is None:
            return None
        try:
            field = value._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return None
        if field.many_to_many or field.one_to_many:
            return None
        value = getattr(value, part)
    return value if isinstance(value, str) and value.strip() else None


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[_id(i) for i in REGISTERED])
def test_changelist_add_and_change_pages_answer_200(admin_client, admin_user, rows, model, model_admin):
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client.get(reverse(f"{base}_changelist")).status_code == 200
    request = RequestFactory().get("/")
    request.user = admin_user
    if model_admin.has_add_permission(request):
        assert admin_client.get(reverse(f"{base}_add")).status_code == 200
    obj = first_row(model)
    if obj is not None and opts.app_label in PROJECT_APPS:
        assert admin_client.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200


PROJECT_SEARCHABLE = [i for i in REGISTERED if i[0]._meta.app_label in PROJECT_APPS and i[1].search_fields]


@pytest.mark.parametrize(
    ("model", "model_admin"), PROJECT_SEARCHABLE, ids=[_id(i) for i in PROJECT_SEARCHABLE]
)
def test_admin_search_finds_the_row(admin_client, rows, model, model_admin):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    obj = first_row(model)
    assert obj is not None, f"the rows fixture makes no {opts.label}"
    term = next((v for v in (lookup_value(obj, p) for p in model_admin.search_fields) if v), None)
    assert term, f"no searchable text on {opts.label} {obj.pk}"
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
    assert obj.pk in [o.pk for o in response.context["cl"].result_list]
    nothing = admin_client.get(url, {"q": f"no-such-thing-{timezone.now().timestamp()}"})
    assert nothing.status_code == 200
    assert nothing.context["cl"].result_count == 0


def test_lab_members_can_be_set_in_the_user_admin(admin_client, lab_a, lab_b, viewer_lab_a):
    url = reverse("admin:vendorrisk_user_change", args=[viewer_lab_a.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert viewer_lab_a.password not in page.content.decode()  # the hash is never an editable input
    form = page.context["adminform"].form
    data = {
        "username": viewer_lab_a.username,
        "role": "viewer",
        "labs": [lab_b.pk],
        "is_active": "on",
        "email": viewer_lab_a.email,
        "first_name": "",
        "last_name": "",
    }
    assert "labs" in form.fields
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert list(viewer_lab_a.labs.all()) == [lab_b]


def test_the_user_admin_refuses_a_non_admin_without_labs(admin_client, viewer_lab_a):
    url = reverse("admin:vendorrisk_user_change", args=[viewer_lab_a.pk])
    response = admin_client.post(
        url, {"username": viewer_lab_a.username, "role": "viewer", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "labs" in response.context["adminform"].form.errors
    assert viewer_lab_a.labs.count() == 1


def test_the_user_admin_add_page_refuses_a_non_admin_without_labs_and_saves_lab_limits(admin_client, lab_a):
    from vendorrisk.models import User

    url = reverse("admin:vendorrisk_user_add")
    body = {
        "username": "newbie",
        "usable_password": "true",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
        "role": "viewer",
    }
    response = admin_client.post(url, body)
    assert response.status_code == 200
    assert "needs all labs or at least one lab" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()
    response = admin_client.post(url, {**body, "labs": [lab_a.id]})
    assert response.status_code == 302
    assert list(User.objects.get(username="newbie").labs.all()) == [lab_a]


def test_an_admin_cannot_delete_its_own_account_in_the_django_admin(admin_client, admin_user, viewer_lab_a):
    from vendorrisk.models import User

    own = reverse("admin:vendorrisk_user_delete", args=[admin_user.pk])
    assert admin_client.post(own, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:vendorrisk_user_changelist")
    both = {"action": "delete_selected", "_selected_action": [admin_user.pk, viewer_lab_a.pk]}
    page = admin_client.post(changelist, both)  # the confirmation page says why not
    assert page.status_code == 200
    assert "your own account" in page.content.decode()
    assert admin_client.post(changelist, {**both, "post": "yes"}).status_code == 403
    assert set(User.objects.filter(pk__in=[admin_user.pk, viewer_lab_a.pk]).values_list("pk", flat=True)) == {
        admin_user.pk,
        viewer_lab_a.pk,
    }
    other = reverse("admin:vendorrisk_user_delete", args=[viewer_lab_a.pk])
    assert admin_client.post(other, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=viewer_lab_a.pk).exists()
