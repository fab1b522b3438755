"""Generic CRUD tests: a test class names a resource declaration (tests/api/resources.py) and inherits
list / retrieve / create / update / delete / filter / search / ordering / permission tests.

    class TestVendors(CRUDTests):
        resource = VendorResource
"""

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .resources import Resource, World, iso

APPS = ("vendorrisk", "vendors", "incidents", "assessments")
ALL_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps, plus audit entries: "nothing saved" compares these."""
    counts = {m._meta.label: m.objects.count() for app in APPS for m in apps.get_app_config(app).get_models()}
    counts["auditlog.LogEntry"] = LogEntry.objects.count()
    return counts


def audit_entries(model: type[models.Model], pk, action: int, actor) -> models.QuerySet:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk=str(pk), action=action, actor=actor
    )


def _db_value(row: models.Model, name: str):
    field = row._meta.get_field(name)
    if field.many_to_many:
        return sorted(getattr(row, name).values_list("pk", flat=True))
    if field.is_relation:
        return getattr(row, field.attname)
    return getattr(row, name)


def _same(db_value, sent) -> bool:
    if isinstance(db_value, dt.datetime):
        return iso(db_value) == sent
    if isinstance(db_value, dt.date):
        return db_value.isoformat() == sent
    if isinstance(db_value, Decimal):
        return db_value == Decimal(sent)
    if isinstance(sent, list) and all(isinstance(v, int) for v in sent):
        return sorted(db_value) == sorted(sent)
    return db_value == sent


def _is_temporal(model: type[models.Model], name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), models.DateField)  # DateTimeField included
    except FieldDoesNotExist:
        return False


def assert_saved(resource: Resource, body: dict, payload: dict) -> models.Model:
    """The response echoes what was sent, and the row in the database holds it."""
    row = resource.model.objects.get(pk=body["id"])
    field_names = {f.name for f in resource.model._meta.get_fields()}
    for key, sent in payload.items():
        if key in resource.not_echoed:
            continue
        assert body[key] == sent, f"{key}: sent {sent!r}, answered {body[key]!r}"
        if key in field_names:
            assert _same(_db_value(row, key), sent), f"{key}: sent {sent!r}, stored {_db_value(row, key)!r}"
    return row


def needs(*what: str):
    """Mark a CRUD test as needing HTTP methods (or "detail", a detail route) of its resource."""

    def mark(test):
        test.needs = what
        return test

    return mark


class CRUDTests:
    """Subclasses set `resource`; every test below adapts to what the resource declares."""

    resource: ClassVar[type[Resource]]

    @pytest.fixture
    def r(self, world: World) -> Resource:
        return self.resource(world)

    @pytest.fixture
    def writer(self, world):
        return world.writer_for(self.resource.write_roles)

    @pytest.fixture
    def writer_api(self, writer, api_client_for):
        return api_client_for(writer)

    @pytest.fixture
    def reader_api(self, world, api_client_for):
        roles = self.resource.read_roles
        if roles is None:
            return api_client_for(world.viewer_all)
        return api_client_for(world.security_all if "security" in roles else world.admin_user)

    @pytest.fixture(autouse=True)
    def _skip_what_the_resource_lacks(self, request):
        """Skip before any fixture builds rows: a test marked @needs(...) the resource does not offer."""
        for need in getattr(request.function, "needs", ()):
            if need == "detail" and not self.resource.has_detail:
                pytest.skip(f"{self.resource.name} has no detail route")
            elif need == "a missing method" and self.resource.methods >= ALL_WRITES:
                pytest.skip(f"{self.resource.name} allows every method")
            elif need not in ("detail", "a missing method") and not self.resource.allows(need):
                pytest.skip(f"{self.resource.name} does not allow {need}")

    # --- reads ---
    @pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")
    def test_list_is_paginated_and_holds_the_rows(self, r, reader_api):
        rows = [r.make(), r.make()]
        response = reader_api.get(r.list_url(), {"page_size": 500})
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}
        assert {row.pk for row in rows} <= set(result_ids(response))
        assert body["count"] == len(body["results"])

    def test_page_size_limits_the_page(self, r, reader_api):
        for _ in range(3):
            r.make()
        response = reader_api.get(r.list_url(), {"page_size": 2})
        assert response.status_code == 200
        body = response.json()
        assert len(body["results"]) == 2
        assert body["count"] >= 3
        assert body["next"] is not None

    @needs("detail")
    def test_retrieve(self, r, reader_api):
        obj = r.make()
        response = reader_api.get(r.detail_url(obj))
        assert response.status_code == 200, response.content
        assert response.json()["id"] == obj.pk

    @needs("detail")
    def test_unknown_id_is_404(self, r, reader_api):
        obj = r.make()
        url = r.detail_url(obj).replace(f"/{obj.pk}/", "/987654321/")
        response = reader_api.get(url)
        assert response.status_code == 404
        assert "detail" in response.json()

    # --- writes ---
    @needs("POST")
    def test_create_writes_the_row_and_an_audit_entry(self, r, world, writer, writer_api):
        payload = r.create_payload(world.lab_a)
        before = r.model.objects.count()
        response = writer_api.post(r.list_url(), payload)
        assert response.status_code == 201, response.content
        assert r.model.objects.count() == before + 1
        row = assert_saved(r, response.json(), payload)
        if r.audited:
            assert audit_entries(r.model, row.pk, LogEntry.Action.CREATE, writer).exists()

    @needs("PUT")
    def test_put_replaces_the_row(self, r, writer, writer_api):
        obj = r.make()
        payload = r.put_payload(obj)
        response = writer_api.put(r.detail_url(obj), payload)
        assert response.status_code == 200, response.content
        assert_saved(r, response.json(), payload)
        if r.audited:
            assert audit_entries(r.model, obj.pk, LogEntry.Action.UPDATE, writer).exists()

    @needs("PATCH")
    def test_patch_changes_only_the_given_fields(self, r, writer, writer_api):
        obj = r.make()
        payload = r.patch_payload(obj)
        before = r.model.objects.count()
        response = writer_api.patch(r.detail_url(obj), payload)
        assert response.status_code == 200, response.content
        assert response.json()["id"] == obj.pk
        assert r.model.objects.count() == before
        assert_saved(r, response.json(), payload)
        if r.audited:
            assert audit_entries(r.model, obj.pk, LogEntry.Action.UPDATE, writer).exists()

    @needs("DELETE")
    def test_delete_removes_the_row(self, r, writer, writer_api):
        obj = r.make()
        response = writer_api.delete(r.detail_url(obj))
        assert response.status_code == 204, response.content
        assert not r.model.objects.filter(pk=obj.pk).exists()
        if r.audited:
            assert audit_entries(r.model, obj.pk, LogEntry.Action.DELETE, writer).exists()

    @needs("a missing method")
    def test_methods_it_does_not_allow_are_405(self, r, world, api_client_for):
        client = api_client_for(world.admin_user)
        missing = sorted(ALL_WRITES - r.methods)
        obj = r.make()
        before = row_counts()
        for method in missing:
            url = r.list_url() if method == "POST" or not r.has_detail else r.detail_url(obj)
            response = getattr(client, method.lower())(url, {})
            assert response.status_code == 405, f"{method} {url}: {response.status_code}"
        assert row_counts() == before

    # --- list features ---
    def test_filter_narrows_the_list(self, r, reader_api):
        query, wanted, unwanted = r.filter_case()
        everything = result_ids(reader_api.get(r.list_url(), {"page_size": 500}))
        assert {wanted.pk, unwanted.pk} <= set(everything)
        response = reader_api.get(r.list_url(), {**query, "page_size": 500})
        assert response.status_code == 200, response.content
        found = result_ids(response)
        assert wanted.pk in found
        assert unwanted.pk not in found

    def test_search_finds_by_text(self, r, reader_api):
        term, wanted, unwanted = r.search_case()
        response = reader_api.get(r.list_url(), {"search": term, "page_size": 500})
        assert response.status_code == 200
        found = result_ids(response)
        assert wanted.pk in found
        assert unwanted.pk not in found

    def test_ordering_sorts_both_ways(self, r, reader_api):
        for _ in range(3):
            r.make()
        field = r.ordering

        def rows(order: str) -> list[dict]:
            response = reader_api.get(r.list_url(), {"ordering": order, "page_size": 500})
            assert response.status_code == 200
            return response.json()["results"]

        ascending = [row[field] for row in rows(field)]
        descending = [row[field] for row in rows(f"-{field}")]
        assert None not in ascending, f"make() must set {field}"
        if all(isinstance(v, str) for v in ascending) and not _is_temporal(r.model, field):
            # Text sorts by the database's collation (PostgreSQL's differs from Python's).
            ids = [row["id"] for row in rows(field)]
            expected = list(r.model.objects.filter(pk__in=ids).order_by(field).values_list(field, flat=True))
        else:
            expected = sorted(ascending)  # numbers, and ISO dates and times in UTC
        assert ascending == expected
        assert descending == expected[::-1]
        assert ascending != descending
        ids = [row["id"] for row in reader_api.get(r.list_url(), {"ordering": "-id"}).json()["results"]]
        assert ids == sorted(ids, reverse=True)

    # --- permissions ---
    def test_anonymous_gets_401(self, r, api_client):
        obj = r.make()
        urls = [r.list_url()] + ([r.detail_url(obj)] if r.has_detail else [])
        for url in urls:
            response = api_client.get(url)
            assert response.status_code == 401, url
            assert "detail" in response.json()
        if r.allows("POST"):
            payload = r.create_payload(r.w.lab_a)
            before = row_counts()
            assert api_client.post(r.list_url(), payload).status_code == 401
            assert row_counts() == before

    def test_viewer_may_not_write(self, r, world, api_client_for):
        viewer = api_client_for(world.viewer_all)
        obj = r.make()
        if r.read_roles is not None:
            assert viewer.get(r.list_url()).status_code == 403
            if r.has_detail:
                assert viewer.get(r.detail_url(obj)).status_code == 403
        attempts = []
        if r.allows("POST"):
            attempts.append(("post", r.list_url(), r.create_payload(world.lab_a)))
        if r.allows("PUT"):
            attempts.append(("put", r.detail_url(obj), r.put_payload(obj)))
        if r.allows("PATCH"):
            attempts.append(("patch", r.detail_url(obj), r.patch_payload(obj)))
        if r.allows("DELETE"):
            attempts.append(("delete", r.detail_url(obj), None))
        before = row_counts()
        for method, url, payload in attempts:
            response = getattr(viewer, method)(url, payload)
            assert response.status_code == 403, f"{method} {url}: {response.status_code}"
            assert "detail" in response.json()
        assert row_counts() == before
