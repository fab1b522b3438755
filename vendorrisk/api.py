"""The one API router."""

from rest_framework.routers import DefaultRouter

from assessments.api.score_views import (
    RiskVendorListViewSet,
    SharedDependencyViewSet,
)
from assessments.api.views import AssessmentViewSet, FindingViewSet, QuestionnaireViewSet
from assessments.api.whatif_views import SavedPlanViewSet
from incidents.api.views import (
    IncidentUpdateViewSet,
    IncidentViewSet,
    LabResponseViewSet,
    NotificationViewSet,
)
from vendors.api.views import (
    EngagementViewSet,
    FunctionViewSet,
    LabViewSet,
    VendorDependencyViewSet,
    VendorViewSet,
)
from webhooks.api.views import WebhookViewSet

from .api_views import AuditViewSet, EventViewSet, UserViewSet

router = DefaultRouter()
router.include_root_view = False
router.register("labs", LabViewSet, basename="lab")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("engagements", EngagementViewSet, basename="engagement")
router.register("functions", FunctionViewSet, basename="function")
router.register("vendor-dependencies", VendorDependencyViewSet, basename="vendordependency")
router.register("incidents", IncidentViewSet, basename="incident")
router.register(r"incidents/(?P<incident_pk>\d+)/updates", IncidentUpdateViewSet, basename="incident-update")
router.register(r"incidents/(?P<incident_pk>\d+)/responses", LabResponseViewSet, basename="incident-response")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("questionnaires", QuestionnaireViewSet, basename="questionnaire")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("findings", FindingViewSet, basename="finding")
router.register("risk/vendors", RiskVendorListViewSet, basename="risk-vendor")
router.register("risk/shared-dependencies", SharedDependencyViewSet, basename="shared-dependency")
router.register("what-if/plans", SavedPlanViewSet, basename="what-if-plan")
router.register("audit", AuditViewSet, basename="audit")
router.register("users", UserViewSet, basename="user")
router.register("events", EventViewSet, basename="event")
router.register("webhooks", WebhookViewSet, basename="webhook")
