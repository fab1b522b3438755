"""The outbox and its registry (vendorrisk/core/events.py): rows, consumers in the transaction, handlers
after commit only, and the scoping of events by the labs they concern."""

import pytest
from django.db import transaction

from tests import factories as f
from vendorrisk.core import events
from vendorrisk.core.scoping import scope
from vendorrisk.models import Event, EventLab

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(events, "_consumers", [])
    monkeypatch.setattr(events, "_after_commit", [])
    return events


@pytest.mark.parametrize(
    ("event_type", "patterns", "expected"),
    [
        ("incident.created", ["*"], True),
        ("incident.created", ["incident.*"], True),
        ("incident.created", ["incident.created"], True),
        ("incident.created", ["incident.updated", "engagement.*"], False),
        ("lab_response.recorded", ["lab.*"], False),  # a prefix is a whole dotted part
        ("notification.due_soon", [], False),
    ],
)
def test_type_patterns(event_type, patterns, expected):
    assert events.type_matches(event_type, patterns) is expected


@pytest.mark.parametrize("value", ["*", "incident.*", "incident.created", "lab_response.recorded"])
def test_valid_patterns(value):
    assert events.is_pattern(value)


@pytest.mark.parametrize("value", ["", "incident", "Incident.created", "incident.*.x", "*.created", "a..b"])
def test_invalid_patterns(value):
    assert not events.is_pattern(value)


@pytest.mark.django_db(transaction=True)
def test_recording_needs_the_writing_transaction(registry):
    with pytest.raises(RuntimeError):
        events.record("vendor.created", actor=None, object_type="vendor", object_id=1)


def test_an_event_row_with_its_labs_actor_and_changes(registry, admin_user):
    with transaction.atomic():
        event = events.record(
            "engagement.updated",
            actor=admin_user,
            object_type="engagement",
            object_id=7,
            labs=[3, 1, 3],
            data={"id": 7},
            changes={"status": ["active", "ended"]},
        )
    stored = Event.objects.get(pk=event.pk)
    assert (stored.type, stored.object_type, stored.object_id, stored.actor_id) == (
        "engagement.updated",
        "engagement",
        7,
        admin_user.pk,
    )
    assert stored.labs == [1, 3]
    assert stored.data == {"id": 7, "changes": {"status": ["active", "ended"]}}
    assert sorted(EventLab.objects.filter(event=stored).values_list("lab_id", flat=True)) == [1, 3]


def test_a_bad_type_writes_nothing(registry):
    with pytest.raises(ValueError), transaction.atomic():
        events.record("Engagement Created", actor=None, object_type="engagement", object_id=1)
    assert not Event.objects.exists()


def test_consumers_run_in_the_transaction_with_their_matching_events(registry):
    seen = []

    @registry.consumes("incident.*")
    def on_incident(batch):
        seen.append([(e.type, e.object_id) for e in batch])
        assert transaction.get_connection().in_atomic_block

    with transaction.atomic():
        events.record_many(
            [
                events.NewEvent("incident.created", "incident", 1),
                events.NewEvent("engagement.created", "engagement", 2, labs=[1]),
                events.NewEvent("incident.status_changed", "incident", 1),
            ],
            actor=None,
        )
    assert seen == [[("incident.created", 1), ("incident.status_changed", 1)]]


def test_a_consumer_that_fails_rolls_the_write_back(registry):
    @registry.consumes("*")
    def broken(batch):
        raise RuntimeError("consumer failed")

    with pytest.raises(RuntimeError), transaction.atomic():
        events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
    assert not Event.objects.exists()


def test_after_commit_handlers_run_once_per_transaction_and_never_for_a_rollback(
    registry, django_capture_on_commit_callbacks
):
    calls = []
    registry.after_commit("*")(lambda ids: calls.append(list(ids)))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
        second = events.record("vendor.updated", actor=None, object_type="vendor", object_id=1)
    assert calls == [[first.pk, second.pk]]

    calls.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        events.record("vendor.deleted", actor=None, object_type="vendor", object_id=1)
        1 / 0
    assert calls == []


def test_a_rolled_back_savepoint_takes_its_events_out_of_the_after_commit_call(
    registry, django_capture_on_commit_callbacks
):
    calls = []
    registry.after_commit("vendor.*")(lambda ids: calls.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        kept = events.record("vendor.created", actor=None, object_type="vendor", object_id=1)
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            events.record("vendor.updated", actor=None, object_type="vendor", object_id=1)
            1 / 0
    assert calls == [[kept.pk]]


def test_events_are_scoped_by_the_labs_they_concern(registry, lab_a, lab_b, viewer_lab_a, admin_user):
    with transaction.atomic():
        mine = events.record(
            "engagement.created", actor=None, object_type="engagement", object_id=1, labs=[lab_a.pk]
        )
        theirs = events.record(
            "engagement.created", actor=None, object_type="engagement", object_id=2, labs=[lab_b.pk]
        )
        both = events.record(
            "incident.created", actor=None, object_type="incident", object_id=3, labs=[lab_a.pk, lab_b.pk]
        )
        shared = events.record("vendor.created", actor=None, object_type="vendor", object_id=4)
    visible = set(scope(Event.objects.all(), viewer_lab_a).values_list("pk", flat=True))
    assert visible == {mine.pk, both.pk, shared.pk}
    assert theirs.pk not in visible
    assert scope(Event.objects.all(), admin_user).count() == 4
    outsider = f.UserFactory(role="viewer", all_labs=False)
    assert set(scope(Event.objects.all(), outsider).values_list("pk", flat=True)) == {shared.pk}
