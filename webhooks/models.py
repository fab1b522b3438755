"""Webhooks (DESIGN.md section 8): a user's subscription to event types, and the log of its deliveries."""

from django.conf import settings
from django.db import models

from vendorrisk.models import Event, TimeStampedModel


class Webhook(TimeStampedModel):
    """A target URL that receives the events its owner (`created_by`) may see, signed with `secret`.

    `labs` empty means every lab the owner may see, now and later; otherwise those labs, cut to the owner's
    at send time. `failure_count` counts consecutive gave-up deliveries (20 deactivate the webhook).
    """

    url = models.URLField(max_length=500)
    event_types = models.JSONField(default=list)
    labs = models.ManyToManyField("vendors.Lab", blank=True, related_name="webhooks")
    active = models.BooleanField(default=True)
    # The raw `whsec_…` value: signing needs it. Shown once, in the create response; never audited.
    secret = models.CharField(max_length=100, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    failure_count = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one webhook, through all its attempts.

    `pending`: waiting for its first attempt; `failed`: the last attempt failed, the next is due at
    `next_attempt_at`; `delivered` and `gave_up` are final. A redelivery is a new row for the same event.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (will retry)"
        GAVE_UP = "gave_up", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    attempt = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    UNFINISHED = (Status.PENDING, Status.FAILED)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due_idx")]

    def __str__(self) -> str:
        return f"event {self.event_id} to webhook {self.webhook_id} ({self.status})"

    @property
    def webhook_id_header(self) -> str:
        return f"evt_{self.event_id}"
