"""Writes of the webhooks app: the webhooks themselves (audited), their deliveries, the fan-out of the
outbox to them, and the pruning of old events (DESIGN.md section 8)."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from vendorrisk.core import events
from vendorrisk.core.audit import acting_as
from vendorrisk.core.errors import ApplicationError
from vendorrisk.core.roles import AUDIT_READERS, has_role
from vendorrisk.core.scoping import visible_lab_ids
from vendorrisk.core.services import full_clean, save_checked
from vendorrisk.models import Event
from vendors.models import Lab

from . import sending
from .models import Webhook, WebhookDelivery
from .targets import TargetRefused, check_target

logger = logging.getLogger(__name__)

RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 3600, 8 * 3600)  # after the 1st…5th failed attempt
GIVE_UPS_TO_DISABLE = 20
LEASE = timedelta(seconds=60)  # an attempt claimed by a worker that died is due again after this
SEND_TASK = "webhooks.tasks.send_delivery"
FAN_OUT_BATCH = 1000
UNFINISHED = (WebhookDelivery.Status.PENDING, WebhookDelivery.Status.FAILED)


# --- validation -----------------------------------------------------------------------------------------


def _clean_url(url: str) -> str:
    try:
        URLValidator(schemes=["http", "https"])(url)
        check_target(url)
    except ValidationError:
        raise ValidationError({"url": "Enter a valid http or https URL."}) from None
    except TargetRefused as exc:
        raise ValidationError({"url": str(exc)}) from None
    return url


def _clean_event_types(values) -> list[str]:
    if not isinstance(values, list) or not values:
        raise ValidationError({"event_types": "Give at least one event type or pattern (`*`, `incident.*`)."})
    cleaned = []
    for value in values:
        if not isinstance(value, str) or not events.is_pattern(value):
            raise ValidationError({"event_types": f"{value!r} is not an event type or pattern."})
        if not any(events.type_matches(known, [value]) for known in events.EVENT_TYPES):
            raise ValidationError({"event_types": f"{value!r} matches no event type."})
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def _clean_labs(owner, labs: Iterable) -> list[int]:
    ids = sorted({lab.pk if isinstance(lab, Lab) else int(lab) for lab in labs})
    allowed = visible_lab_ids(owner)
    outside = [pk for pk in ids if allowed is not None and pk not in allowed]
    if outside or Lab.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError({"labs": "Choose labs among the webhook owner's labs."})
    return ids


# --- webhooks -------------------------------------------------------------------------------------------


def webhook_create(*, actor, url: str, event_types: list[str], labs: Iterable = (), active: bool = True):
    """A webhook owned by `actor`, with a new `whsec_` secret (the caller shows it once)."""
    url = _clean_url(url)
    event_types = _clean_event_types(event_types)
    lab_ids = _clean_labs(actor, labs)
    with transaction.atomic(), acting_as(actor):
        webhook = Webhook(
            url=url, event_types=event_types, active=active, secret=sending.new_secret(), created_by=actor
        )
        full_clean(webhook)
        save_checked(webhook)
        webhook.labs.set(lab_ids)
    return webhook


def webhook_update(*, actor, instance: Webhook, **data) -> Webhook:
    """Change url, event types, labs or the active flag. Reactivating starts the failure count afresh."""
    if "url" in data:
        data["url"] = _clean_url(data["url"])
    if "event_types" in data:
        data["event_types"] = _clean_event_types(data["event_types"])
    lab_ids = _clean_labs(instance.created_by, data.pop("labs")) if "labs" in data else None
    if data.get("active") and not instance.active:
        data.update(failure_count=0, disabled_reason="")
    with transaction.atomic(), acting_as(actor):
        for field, value in data.items():
            setattr(instance, field, value)
        full_clean(instance)
        save_checked(instance)
        if lab_ids is not None:
            instance.labs.set(lab_ids)
    return instance


def webhook_delete(*, actor, instance: Webhook) -> None:
    with transaction.atomic(), acting_as(actor):
        instance.delete()


def webhook_labs(webhook: Webhook) -> frozenset[int] | None:
    """The labs whose events the webhook receives now: its labs (all when none are chosen) cut to the labs
    its owner may see (None: every lab). An owner who may no longer use webhooks gets nothing."""
    owner = webhook.created_by
    if not _owner_may_receive(webhook):
        return frozenset()
    owner_labs = visible_lab_ids(owner)
    chosen = frozenset(lab.pk for lab in webhook.labs.all())
    if not chosen:
        return owner_labs
    return chosen if owner_labs is None else chosen & owner_labs


def _owner_may_receive(webhook: Webhook) -> bool:
    owner = webhook.created_by
    return owner.is_active and has_role(owner, AUDIT_READERS)


def _accepts(webhook: Webhook, labs: frozenset[int] | None, event: Event) -> bool:
    if event.type == "webhook.test" or event.occurred_at < webhook.created_at:
        return False  # test events go to their own webhook only; a webhook gets events from its creation on
    if not events.type_matches(event.type, webhook.event_types):
        return False
    if not _owner_may_receive(webhook):
        return False
    return not event.labs or labs is None or bool(labs & set(event.labs))


# --- the fan-out and the attempts ------------------------------------------------------------------------


def events_fan_out(event_ids: Iterable[int] | None = None) -> list[int]:
    """Create the deliveries of events not fanned out yet (those of `event_ids`, or the oldest batch) to
    every active webhook that accepts them, mark the events dispatched, and request the first attempts
    after commit. Concurrent callers skip each other's events (never two deliveries of one event)."""
    with transaction.atomic():
        pending = Event.objects.filter(dispatched_at__isnull=True).order_by("id")
        if event_ids is not None:
            pending = pending.filter(pk__in=list(event_ids))
        batch = list(pending.select_for_update(skip_locked=True, of=("self",))[:FAN_OUT_BATCH])
        if not batch:
            return []
        hooks = [
            (webhook, webhook_labs(webhook))
            for webhook in Webhook.objects.filter(active=True)
            .select_related("created_by")
            .prefetch_related("labs")
        ]
        now = timezone.now()
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(webhook=webhook, event=event, next_attempt_at=now)
                for event in batch
                for webhook, labs in hooks
                if _accepts(webhook, labs, event)
            ]
        )
        Event.objects.filter(pk__in=[event.pk for event in batch]).update(dispatched_at=now)
        ids = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: request_attempts(ids))
    return ids


def request_attempts(delivery_ids: Iterable[int]) -> None:
    """Ask a worker for one attempt per delivery (in-process without a broker). Never raises: what is not
    requested is due for the sweep."""
    from celery import current_app

    for pk in delivery_ids:
        try:
            current_app.tasks[SEND_TASK].delay(pk)
        except Exception:
            logger.warning("Could not request webhook delivery %s; the sweep will.", pk, exc_info=True)


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a delivery if it is due and nobody else is making it; record the outcome.

    The attempt is claimed by moving `next_attempt_at` a lease ahead, so a worker killed mid-send leaves it
    due again (the same `webhook-id` is sent again). Returns None when the delivery was not due.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=UNFINISHED, next_attempt_at__lte=now, webhook__active=True
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook__created_by", "event").get(pk=delivery_id)
    webhook, event = delivery.webhook, delivery.event
    cut = events.event_cut(event, webhook_labs(webhook))
    body = sending.body_of(event.type, event.occurred_at, cut)
    outcome = sending.post(webhook.url, webhook.secret, delivery.webhook_id_header, body)
    return _record_outcome(delivery.pk, outcome)


def _record_outcome(delivery_id: int, outcome: sending.Outcome) -> WebhookDelivery:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempt += 1
        delivery.response_code = outcome.response_code
        delivery.duration_ms = outcome.duration_ms
        delivery.error = outcome.error[:500]
        webhooks = Webhook.objects.filter(pk=delivery.webhook_id)
        if outcome.delivered:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, None
            webhooks.exclude(failure_count=0).update(failure_count=0)
        elif delivery.attempt > len(RETRY_DELAYS):
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.GAVE_UP, None
            webhooks.update(failure_count=F("failure_count") + 1)
            _disable_after_repeated_failures(delivery.webhook_id)
        else:
            wait = (
                outcome.retry_after if outcome.retry_after is not None else RETRY_DELAYS[delivery.attempt - 1]
            )
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
        delivery.save()
    return delivery


def _disable_after_repeated_failures(webhook_id: int) -> None:
    webhook = Webhook.objects.select_for_update().select_related("created_by").get(pk=webhook_id)
    if not webhook.active or webhook.failure_count < GIVE_UPS_TO_DISABLE:
        return
    webhook.active = False
    webhook.disabled_reason = f"Deactivated after {webhook.failure_count} consecutive failed deliveries."
    webhook.save(update_fields=["active", "disabled_reason", "updated_at"])
    labs = webhook_labs(webhook)
    events.record(
        "webhook.disabled",
        actor=None,
        object_type="webhook",
        object_id=webhook.pk,
        labs=sorted(labs or ()),
        data={
            "id": webhook.pk,
            "created_by": webhook.created_by_id,
            "failure_count": webhook.failure_count,
            "disabled_reason": webhook.disabled_reason,
        },
    )


def delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery's event again, as a new delivery with the same `webhook-id`."""
    if not delivery.webhook.active:
        raise ApplicationError("The webhook is inactive. Activate it before redelivering.")
    with transaction.atomic(), acting_as(actor):
        again = WebhookDelivery.objects.create(
            webhook=delivery.webhook, event=delivery.event, next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: request_attempts([again.pk]))
    again.refresh_from_db()
    return again


def webhook_test(*, actor, webhook: Webhook) -> WebhookDelivery:
    """Record a `webhook.test` event and deliver it to this webhook only."""
    if not webhook.active:
        raise ApplicationError("The webhook is inactive. Activate it before sending a test.")
    with transaction.atomic(), acting_as(actor):
        event = events.record(
            "webhook.test",
            actor=actor,
            object_type="webhook",
            object_id=webhook.pk,
            labs=sorted(webhook_labs(webhook) or ()),
            data={"id": webhook.pk, "message": "A test delivery asked for by the webhook's owner."},
        )
        Event.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
        delivery = WebhookDelivery.objects.create(
            webhook=webhook, event=event, next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: request_attempts([delivery.pk]))
    delivery.refresh_from_db()
    return delivery


# --- the sweep and retention ----------------------------------------------------------------------------


def webhooks_sweep() -> dict:
    """The backstop: fan out events whose after-commit request was lost (broker down, worker killed) and
    request every attempt that is due (retries, and attempts of a worker that died)."""
    fanned = 0
    while ids := events_fan_out():
        fanned += len(ids)
    due = list(
        WebhookDelivery.objects.filter(
            status__in=UNFINISHED, next_attempt_at__lte=timezone.now(), webhook__active=True
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:FAN_OUT_BATCH]
    )
    request_attempts(due)
    return {"deliveries_created": fanned, "attempts_requested": len(due)}


def events_prune(*, now=None) -> int:
    """Delete events older than EVENT_RETENTION_DAYS whose deliveries are finished (or whose webhook is
    inactive: nothing will send them). Returns how many events went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EVENT_RETENTION_DAYS)
    unfinished = WebhookDelivery.objects.filter(
        event=OuterRef("pk"), status__in=UNFINISHED, webhook__active=True
    )
    old = Event.objects.filter(occurred_at__lt=cutoff).exclude(Exists(unfinished))
    deleted = 0
    while ids := list(old.values_list("pk", flat=True)[:FAN_OUT_BATCH]):
        with transaction.atomic():
            WebhookDelivery.objects.filter(event_id__in=ids).delete()
            Event.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted
