from django.urls import path

from submissions import apis

urlpatterns = [
    path("submissions/", apis.SubmissionListApi.as_view(), name="submission-list"),
    path("submissions/due/", apis.SubmissionDueApi.as_view(), name="submission-due"),
    path("submissions/acks/", apis.AckReceiveApi.as_view(), name="submission-ack"),
    path(
        "submissions/acks/refused/", apis.AckRefusalListApi.as_view(), name="submission-ack-refused"
    ),
    path(
        "submissions/rejected/", apis.SubmissionRejectedApi.as_view(), name="submission-rejected"
    ),
    path(
        "submissions/<uuid:submission_id>/",
        apis.SubmissionDetailApi.as_view(),
        name="submission-detail",
    ),
    path(
        "submissions/<uuid:submission_id>/xml/",
        apis.SubmissionXmlApi.as_view(),
        name="submission-xml",
    ),
    path("cases/<uuid:case_id>/e2b/", apis.CaseE2BPreviewApi.as_view(), name="case-e2b-preview"),
]
