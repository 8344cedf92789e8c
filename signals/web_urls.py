"""Signals dashboard pages (included under /signals/ by pv/urls.py)."""

from django.urls import path

from signals import views

urlpatterns = [
    path("", views.SignalDashboardView.as_view(), name="signals-dashboard"),
    path("trend/", views.SignalTrendView.as_view(), name="signals-trend"),
]
