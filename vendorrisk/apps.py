from django.apps import AppConfig


class VendorriskConfig(AppConfig):
    name = "vendorrisk"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vendorrisk.core.audit import register_app_models

        register_app_models(self, exclude_fields={"User": ["password", "last_login"]})
        self.register_plan_serializers()

    @staticmethod
    def register_plan_serializers() -> None:
        """What-if plans validate each change with the API serializer of its object (the real write's
        rules); assessments' pages may not import API modules, so the shell hands them over."""
        from assessments.whatif.plan import register_serializers
        from incidents.api.serializers import IncidentSerializer
        from vendors.api.serializers import EngagementSerializer, VendorDependencySerializer, VendorSerializer

        register_serializers(
            engagement=EngagementSerializer,
            dependency=VendorDependencySerializer,
            incident=IncidentSerializer,
            vendor=VendorSerializer,
        )
