from django.urls import path

from intake.apis import intake as apis
from intake.apis import triage as triage_apis

urlpatterns = [
    path("posts/", apis.PostListCreateApi.as_view(), name="post-list"),
    path("posts/batch/", apis.PostBatchApi.as_view(), name="post-batch"),
    path("posts/<uuid:post_id>/", apis.PostDetailApi.as_view(), name="post-detail"),
    path("reports/", apis.ReportListCreateApi.as_view(), name="report-list"),
    path("reports/batch/", apis.ReportBatchApi.as_view(), name="report-batch"),
    path("reports/<uuid:report_id>/", apis.ReportDetailApi.as_view(), name="report-detail"),
]

# Screening triage queue and mention coding (issue 3).
urlpatterns += [
    path("triage/", triage_apis.TriageListApi.as_view(), name="triage-list"),
    path("triage/<uuid:item_id>/", triage_apis.TriageDetailApi.as_view(), name="triage-detail"),
    path("triage/<uuid:item_id>/claim/", triage_apis.TriageClaimApi.as_view(), name="triage-claim"),
    path(
        "triage/<uuid:item_id>/release/",
        triage_apis.TriageReleaseApi.as_view(),
        name="triage-release",
    ),
    path(
        "triage/<uuid:item_id>/confirm/",
        triage_apis.TriageConfirmApi.as_view(),
        name="triage-confirm",
    ),
    path(
        "triage/<uuid:item_id>/reject/", triage_apis.TriageRejectApi.as_view(), name="triage-reject"
    ),
    path(
        "triage/<uuid:item_id>/needs-info/",
        triage_apis.TriageNeedsInfoApi.as_view(),
        name="triage-needs-info",
    ),
    path(
        "mentions/<uuid:mention_id>/suggestions/",
        triage_apis.MentionSuggestionsApi.as_view(),
        name="mention-suggestions",
    ),
    path(
        "mentions/<uuid:mention_id>/coding/",
        triage_apis.MentionCodingApi.as_view(),
        name="mention-coding",
    ),
]
