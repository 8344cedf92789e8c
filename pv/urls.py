from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ops.health import ReadinessView, liveness
from ops.metrics import metrics_view
from web import views_home as views

# Outbox/faults: errors outside the views answer in the JSON error shape (503 for the database).
handler500 = "pv.core.middleware.server_error"

urlpatterns = [
    # Operations: probes and metrics (docs/operations.md).
    path("healthz", liveness, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include("ops.urls")),
    path("", views.HomeView.as_view(), name="home"),
    path("", include("web.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("pv.api_urls")),
    path("api/v1/", include("intake.urls")),
    path("api/v1/", include("coding.urls")),
    path("api/v1/", include("submissions.urls")),
    path("api/v1/", include("signals.urls")),
    path("signals/", include("signals.web_urls")),
    path("api/v1/", include("followup.urls")),
    # The member's answer page (linked from the relay email) is a page, not an API.
    path("", include("followup.web_urls")),
]
