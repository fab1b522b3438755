"""Webhook fixtures: a local HTTP target (pytest-httpserver), private targets allowed (it is on
loopback), events recorded and their after-commit work run as in production."""

import pytest
from django.db import transaction
from standardwebhooks.webhooks import Webhook as StandardWebhook

from vendorrisk.core import events
from webhooks import services
from webhooks.models import WebhookDelivery


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


@pytest.fixture
def commit(transactional_db):
    """`commit(type, labs=…, data=…)`: record one event in a really committed transaction, so what follows
    a commit runs as after a write (the fan-out and, without a broker, the first attempt in-process)."""

    def record(event_type="engagement.updated", *, labs=(), data=None, object_type="engagement", object_id=1):
        with transaction.atomic():
            return events.record(
                event_type,
                actor=None,
                object_type=object_type,
                object_id=object_id,
                labs=labs,
                data=data or {},
            )

    return record


@pytest.fixture
def make_webhook(allow_private, httpserver, security_all):
    def make(owner=None, *, path="/hook", event_types=("*",), labs=()):
        return services.webhook_create(
            actor=owner or security_all,
            url=httpserver.url_for(path),
            event_types=list(event_types),
            labs=labs,
        )

    return make


def verified(webhook, request) -> dict:
    """The body of a request the target received, verified by the standardwebhooks library."""
    return StandardWebhook(webhook.secret).verify(request.get_data(), dict(request.headers))


def due_now(delivery: WebhookDelivery) -> None:
    """Bring a delivery's next attempt forward to now (time passing), then let the sweep run it."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)


# The real-services fixtures (PostgreSQL, Redis, Celery workers) of the pipeline tests.
from tests.pipeline.conftest import live_broker, own_redis, postgres, start_worker  # noqa: E402, F401
