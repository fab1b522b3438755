from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vendorrisk.core.audit import register_app_models

        from . import consumers  # noqa: F401  (declares what follows the events in their transaction)

        register_app_models(self)
