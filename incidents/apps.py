from django.apps import AppConfig


def _register(hooks: list, hook) -> None:
    if hook not in hooks:
        hooks.append(hook)


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vendorrisk.core.audit import register_app_models
        from vendors import services as vendor_services

        from . import notifications, services

        register_app_models(self)
        # The vendors app cannot import this one (imports run one way), so it calls these hooks.
        _register(services.INCIDENT_CHANGE_HOOKS, notifications.sync_notifications)
        _register(vendor_services.LAB_CHANGE_HOOKS, notifications.sync_for_lab)
        _register(vendor_services.ENGAGEMENT_CHANGE_HOOKS, notifications.sync_for_engagement)
        _register(vendor_services.DEPENDENCY_CHANGE_HOOKS, notifications.sync_for_dependency)
        _register(vendor_services.VENDOR_WORK_HOOKS, services.vendor_work_changed)
