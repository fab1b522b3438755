"""The assessment and risk pages' routes, in the web interface's one `ui` namespace (vendorrisk/urls.py
joins them)."""

from django.urls import path

from .views import assessments, planning, risk

app_name = "ui"

urlpatterns = [
    path("vendors/", risk.vendor_list_view, name="vendor-list"),
    path("vendors/<int:pk>/", risk.vendor_detail, name="vendor-detail"),
    path("vendors/<int:pk>/score/", risk.vendor_score_fragment, name="vendor-score"),
    path("labs/", risk.lab_list_view, name="lab-list"),
    path("labs/<int:pk>/", risk.lab_detail, name="lab-detail"),
    path("labs/<int:pk>/concentration/", risk.lab_concentration_fragment, name="lab-concentration"),
    path("engagements/<int:pk>/", risk.engagement_detail, name="engagement-detail"),
    path("engagements/<int:pk>/score-change/", risk.engagement_score_change, name="engagement-score-change"),
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
    path("planning/", planning.planning, name="planning"),
    path("planning/<int:pk>/", planning.planning, name="planning-plan"),
    path("engagements/preview/", planning.engagement_preview, name="engagement-preview"),
    path("engagements/<int:pk>/preview/", planning.engagement_preview, name="engagement-preview-edit"),
]
