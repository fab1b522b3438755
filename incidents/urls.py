"""The incident pages' routes, in the web interface's one `ui` namespace (vendorrisk/urls.py joins them)."""

from django.urls import path

from .views import deadlines, incidents, responses

app_name = "ui"

urlpatterns = [
    path("incidents/", incidents.incident_list_view, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/status/", incidents.incident_status, name="incident-status"),
    path("incidents/<int:pk>/updates/", incidents.incident_add_update, name="incident-add-update"),
    path("incidents/<int:pk>/responses/<int:lab_pk>/", responses.lab_response, name="lab-response"),
    path("notifications/<int:pk>/file/", responses.notification_file, name="notification-file"),
    path("notifications/<int:pk>/unfile/", responses.notification_unfile, name="notification-unfile"),
    path("deadlines/", deadlines.deadline_list, name="deadlines"),
    path("deadlines/export.csv", deadlines.deadline_export, name="deadlines-export"),
]
