"""What the outbox hands to webhooks after a commit: a request to fan the new events out."""

import logging

from vendorrisk.core.events import after_commit

from .models import Webhook

logger = logging.getLogger(__name__)
FAN_OUT_TASK = "webhooks.tasks.fan_out_events"


@after_commit("*")
def request_fan_out(event_ids: list[int]) -> None:
    """Ask a worker to fan the events out (in-process without a broker). Never fails the committed write:
    the sweep fans out whatever was not requested."""
    if not Webhook.objects.filter(active=True).exists():
        return  # nobody listens; a webhook gets events from its creation on
    from celery import current_app

    try:
        current_app.tasks[FAN_OUT_TASK].delay(event_ids)
    except Exception:
        logger.warning("Could not request the webhook fan-out; the sweep will.", exc_info=True)
