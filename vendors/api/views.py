from vendorrisk.api_base import ServiceModelViewSet
from vendorrisk.roles import ADMIN_ONLY, PROCUREMENT_WRITERS

from .. import selectors, services
from ..filters import EngagementFilterSet, LabFilterSet, VendorDependencyFilterSet, VendorFilterSet
from .serializers import EngagementSerializer, LabSerializer, VendorDependencySerializer, VendorSerializer


class LabViewSet(ServiceModelViewSet):
    serializer_class = LabSerializer
    filterset_class = LabFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["id", "name", "created_at"]
    list_selector = selectors.lab_list
    create_service = services.lab_create
    update_service = services.lab_update
    delete_service = services.lab_delete
    write_roles = ADMIN_ONLY


class VendorViewSet(ServiceModelViewSet):
    serializer_class = VendorSerializer
    filterset_class = VendorFilterSet
    search_fields = ["name", "legal_name", "description", "website"]
    ordering_fields = ["id", "name", "category", "status", "country", "created_at"]
    list_selector = selectors.vendor_list
    create_service = services.vendor_create
    update_service = services.vendor_update
    delete_service = services.vendor_delete
    write_roles = PROCUREMENT_WRITERS


class EngagementViewSet(ServiceModelViewSet):
    serializer_class = EngagementSerializer
    filterset_class = EngagementFilterSet
    search_fields = ["title", "notes", "vendor__name", "lab__name"]
    ordering_fields = [
        "id",
        "title",
        "status",
        "criticality",
        "start_date",
        "end_date",
        "annual_value",
        "created_at",
    ]
    list_selector = selectors.engagement_list
    create_service = services.engagement_create
    update_service = services.engagement_update
    delete_service = services.engagement_delete
    write_roles = PROCUREMENT_WRITERS


class VendorDependencyViewSet(ServiceModelViewSet):
    serializer_class = VendorDependencySerializer
    filterset_class = VendorDependencyFilterSet
    search_fields = ["vendor__name", "depends_on__name", "description"]
    ordering_fields = ["id", "created_at"]
    list_selector = selectors.dependency_list
    create_service = services.dependency_create
    update_service = services.dependency_update
    delete_service = services.dependency_delete
    write_roles = PROCUREMENT_WRITERS
