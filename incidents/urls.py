"""The incident pages' routes, in the web interface's one `ui` namespace (vendorrisk/urls.py joins them)."""

from django.urls import path

from . import views

app_name = "ui"

urlpatterns = [
    path("incidents/", views.incident_list_view, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/status/", views.incident_status, name="incident-status"),
    path("incidents/<int:pk>/updates/", views.incident_add_update, name="incident-add-update"),
]
