from django.apps import AppConfig


class VendorriskConfig(AppConfig):
    name = "vendorrisk"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vendorrisk.core.audit import register_app_models

        register_app_models(self, exclude_fields={"User": ["password", "last_login"]})
