from django.urls import path

from intake.apis import intake as apis

urlpatterns = [
    path("posts/", apis.PostListCreateApi.as_view(), name="post-list"),
    path("posts/batch/", apis.PostBatchApi.as_view(), name="post-batch"),
    path("posts/<uuid:post_id>/", apis.PostDetailApi.as_view(), name="post-detail"),
    path("reports/", apis.ReportListCreateApi.as_view(), name="report-list"),
    path("reports/batch/", apis.ReportBatchApi.as_view(), name="report-batch"),
    path("reports/<uuid:report_id>/", apis.ReportDetailApi.as_view(), name="report-detail"),
]
