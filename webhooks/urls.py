from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.webhook_list, name="list"),
    path("webhooks/new/", views.webhook_create, name="create"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="detail"),
    path("webhooks/<int:pk>/edit/", views.webhook_edit, name="edit"),
    path("webhooks/<int:pk>/delete/", views.webhook_delete, name="delete"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="test"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/", views.webhook_redeliver, name="redeliver"
    ),
]
