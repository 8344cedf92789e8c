"""Signals API routes (included under /api/v1/ by pv/urls.py)."""

from django.urls import path

from signals import apis

urlpatterns = [
    path("signals/runs/", apis.SignalRunListApi.as_view(), name="signal-run-list"),
    path("signals/runs/<uuid:run_id>/", apis.SignalRunDetailApi.as_view(), name="signal-run"),
    path(
        "signals/runs/<uuid:run_id>/publish/",
        apis.SignalRunPublishApi.as_view(),
        name="signal-run-publish",
    ),
    path("signals/runs/<uuid:run_id>/trend/", apis.SignalTrendApi.as_view(), name="signal-trend"),
    path(
        "signals/runs/<uuid:run_id>/interactions/",
        apis.SignalInteractionListApi.as_view(),
        name="signal-interactions",
    ),
    path("signals/results/", apis.SignalResultListApi.as_view(), name="signal-result-list"),
    path(
        "signals/results/export/",
        apis.SignalResultExportApi.as_view(),
        name="signal-result-export",
    ),
    path("signals/records/", apis.SignalListApi.as_view(), name="signal-list"),
    path("signals/records/<uuid:signal_id>/", apis.SignalDetailApi.as_view(), name="signal"),
    path(
        "signals/records/<uuid:signal_id>/transition/",
        apis.SignalTransitionApi.as_view(),
        name="signal-transition",
    ),
    path("signals/datasets/", apis.ExternalDatasetListApi.as_view(), name="signal-dataset-list"),
]
