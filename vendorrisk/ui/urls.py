"""The web interface's routes (namespace `ui`); the dashboard is `home` at /."""

from django.urls import path

from vendorrisk import views as dashboard

from . import assessments, engagements, incidents, network, vendors

app_name = "ui"

urlpatterns = [
    path("dashboard/ranked-vendors/", dashboard.ranked_vendors_fragment, name="ranked-vendors"),
    path("vendors/", vendors.vendor_list_view, name="vendor-list"),
    path("vendors/<int:pk>/", vendors.vendor_detail, name="vendor-detail"),
    path("vendors/<int:pk>/score/", vendors.vendor_score_fragment, name="vendor-score"),
    path("vendors/<int:pk>/suspend/", vendors.vendor_suspend, name="vendor-suspend"),
    path("vendors/<int:pk>/resume/", vendors.vendor_resume, name="vendor-resume"),
    path("labs/", vendors.lab_list_view, name="lab-list"),
    path("labs/<int:pk>/", vendors.lab_detail, name="lab-detail"),
    path("labs/<int:pk>/concentration/", vendors.lab_concentration_fragment, name="lab-concentration"),
    path("engagements/", engagements.engagement_list_view, name="engagement-list"),
    path("engagements/new/", engagements.engagement_create, name="engagement-create"),
    path("engagements/export.csv", engagements.engagement_export, name="engagement-export"),
    path("engagements/import/", engagements.engagement_import, name="engagement-import"),
    path(
        "engagements/import/template.csv",
        engagements.engagement_import_template,
        name="engagement-import-template",
    ),
    path("engagements/<int:pk>/", engagements.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/edit/", engagements.engagement_edit, name="engagement-edit"),
    path("incidents/", incidents.incident_list_view, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/status/", incidents.incident_status, name="incident-status"),
    path("incidents/<int:pk>/updates/", incidents.incident_add_update, name="incident-add-update"),
    path("assessments/", assessments.assessment_list_view, name="assessment-list"),
    path("assessments/<int:pk>/", assessments.assessment_detail, name="assessment-detail"),
    path("assessments/new/", assessments.assessment_create, name="assessment-create"),
    path("assessments/<int:pk>/answer/", assessments.assessment_answer, name="assessment-answer"),
    path("assessments/<int:pk>/answers/", assessments.assessment_answer_save, name="assessment-answer-save"),
    path("assessments/<int:pk>/complete/", assessments.assessment_complete, name="assessment-complete"),
    path(
        "assessments/<int:pk>/evidence/", assessments.assessment_evidence_upload, name="assessment-evidence"
    ),
    path("findings/", assessments.finding_list_view, name="finding-list"),
    path("network/", network.network, name="network"),
]
