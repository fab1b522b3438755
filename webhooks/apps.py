from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import handlers  # noqa: F401  (declares the after-commit fan-out)
        from .models import Webhook

        # Deliveries are bookkeeping; the secret never goes into the audit trail.
        if not auditlog.contains(Webhook):
            auditlog.register(Webhook, exclude_fields=["secret"], m2m_fields={"labs"})
