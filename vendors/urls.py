"""The vendor pages' routes, in the web interface's one `ui` namespace (vendorrisk/urls.py joins them)."""

from django.urls import path

from . import views

app_name = "ui"

urlpatterns = [
    path("vendors/<int:pk>/suspend/", views.vendor_suspend, name="vendor-suspend"),
    path("vendors/<int:pk>/resume/", views.vendor_resume, name="vendor-resume"),
    path("engagements/", views.engagement_list_view, name="engagement-list"),
    path("engagements/new/", views.engagement_create, name="engagement-create"),
    path("engagements/export.csv", views.engagement_export, name="engagement-export"),
    path("engagements/import/", views.engagement_import, name="engagement-import"),
    path(
        "engagements/import/template.csv",
        views.engagement_import_template,
        name="engagement-import-template",
    ),
    path("engagements/<int:pk>/edit/", views.engagement_edit, name="engagement-edit"),
]
