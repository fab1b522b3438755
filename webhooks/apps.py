from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import handlers, tasks  # noqa: F401  (the after-commit fan-out; its tasks, registered)
        from .models import Webhook

        # Deliveries are bookkeeping; the secret never goes into the audit trail.
        if not auditlog.contains(Webhook):
            auditlog.register(Webhook, exclude_fields=["secret"], m2m_fields={"labs"})
