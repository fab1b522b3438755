"""Celery tasks of the webhooks: thin wrappers around webhooks.services, ids in, idempotent."""

from celery import shared_task

from . import services


@shared_task(
    name="webhooks.tasks.fan_out_events", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def fan_out_events(event_ids: list[int]) -> int:
    """After a commit: deliveries for the new events, first attempts requested."""
    return len(services.events_fan_out(event_ids))


@shared_task(
    name="webhooks.tasks.send_delivery", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def send_delivery(delivery_id: int) -> str | None:
    """One attempt of one delivery, if it is due (a duplicate request does nothing)."""
    delivery = services.delivery_attempt(delivery_id)
    return delivery.status if delivery else None


@shared_task(name="webhooks.tasks.sweep_webhooks", acks_late=True, ignore_result=True)
def sweep_webhooks() -> dict:
    """Every 30 s: events whose fan-out request was lost, and attempts that are due."""
    return services.webhooks_sweep()


@shared_task(name="webhooks.tasks.prune_events", acks_late=True, ignore_result=True)
def prune_events() -> int:
    """Daily: events past EVENT_RETENTION_DAYS whose deliveries are finished."""
    return services.events_prune()
