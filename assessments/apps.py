from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vendorrisk.core.audit import register_app_models

        from . import consumers  # noqa: F401  (declares the score marks that follow the events)

        register_app_models(self)
        from . import tasks  # noqa: F401  (registers the drain task for vendors.dirty, which asks by name)
