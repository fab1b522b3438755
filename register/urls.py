from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("register/", views.register_home, name="home"),
    path("register/functions/", views.function_list, name="functions"),
    path("register/functions/new/", views.function_create, name="function-create"),
    path("register/functions/<int:pk>/edit/", views.function_edit, name="function-edit"),
    path("register/functions/<int:pk>/delete/", views.function_delete, name="function-delete"),
    path("register/critical-providers/", views.critical_providers, name="critical-providers"),
]
