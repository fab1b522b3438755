from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assessments import urls as assessment_pages
from assessments.api.score_views import LabConcentrationView, VendorRiskHistoryView, VendorRiskView
from assessments.api.whatif_views import WhatIfView
from incidents import urls as incident_pages
from register.api.views import (
    CriticalProvidersView,
    RegisterExportView,
    RegisterLintView,
    RegisterWorkbookView,
)
from vendors import urls as vendor_pages

from . import views
from .api import router
from .auth import LogoutView, TokenView
from .health import health_view

api_urls = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("vendors/<int:vendor_pk>/risk/", VendorRiskView.as_view(), name="vendor-risk"),
    path(
        "vendors/<int:vendor_pk>/risk/history/", VendorRiskHistoryView.as_view(), name="vendor-risk-history"
    ),
    path("labs/<int:lab_pk>/concentration/", LabConcentrationView.as_view(), name="lab-concentration"),
    path("what-if/", WhatIfView.as_view(), name="what-if"),
    path("labs/<int:lab_pk>/register-of-information/", RegisterExportView.as_view(), name="register-export"),
    path("labs/<int:lab_pk>/register-of-information/lint/", RegisterLintView.as_view(), name="register-lint"),
    path(
        "labs/<int:lab_pk>/register-of-information/workbook/",
        RegisterWorkbookView.as_view(),
        name="register-workbook",
    ),
    path("risk/critical-providers/", CriticalProvidersView.as_view(), name="critical-providers"),
    path("", include(router.urls)),
]

# The web interface: each app's pages plus the shell's, under one namespace `ui` (a namespace given to
# several includes could not reverse them all).
ui_urls = [
    path("dashboard/ranked-vendors/", views.ranked_vendors_fragment, name="ranked-vendors"),
    *vendor_pages.urlpatterns,
    *incident_pages.urlpatterns,
    *assessment_pages.urlpatterns,
    path("network/", views.network, name="network"),
    path("glossary/", views.glossary_page, name="glossary"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("webhooks.urls")),
    path("", include("register.urls")),
    path("", include((ui_urls, "ui"))),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urls)),
    path("health/", health_view(), name="health"),
]

handler400 = "vendorrisk.core.errors.handler400"
handler403 = "vendorrisk.core.errors.handler403"
handler404 = "vendorrisk.core.errors.handler404"
handler500 = "vendorrisk.core.errors.handler500"
