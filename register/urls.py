from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("register/", views.register_home, name="home"),
    path("register/functions/", views.function_list, name="functions"),
    path("register/critical-providers/", views.critical_providers, name="critical-providers"),
]
