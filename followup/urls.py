from django.urls import path

from followup.apis import inbox, messages, requests

urlpatterns = [
    path(
        "followup/questions/",
        requests.FollowupQuestionCatalogueApi.as_view(),
        name="followup-questions",
    ),
    path(
        "followup/requests/",
        requests.FollowupRequestListCreateApi.as_view(),
        name="followup-request-list",
    ),
    path(
        "followup/requests/<uuid:request_id>/",
        requests.FollowupRequestDetailApi.as_view(),
        name="followup-request-detail",
    ),
    path(
        "followup/requests/<uuid:request_id>/approve/",
        requests.FollowupRequestApproveApi.as_view(),
        name="followup-request-approve",
    ),
    path(
        "followup/requests/<uuid:request_id>/decline/",
        requests.FollowupRequestDeclineApi.as_view(),
        name="followup-request-decline",
    ),
    path(
        "followup/messages/",
        messages.FollowupMessageListApi.as_view(),
        name="followup-message-list",
    ),
    path(
        "followup/messages/<uuid:message_id>/",
        messages.FollowupMessageDetailApi.as_view(),
        name="followup-message-detail",
    ),
    path(
        "followup/messages/<uuid:message_id>/merge/",
        messages.FollowupMessageMergeApi.as_view(),
        name="followup-message-merge",
    ),
    path(
        "followup/messages/<uuid:message_id>/reject/",
        messages.FollowupMessageRejectApi.as_view(),
        name="followup-message-reject",
    ),
    path("followup/inbox/", inbox.FollowupInboxListApi.as_view(), name="followup-inbox"),
    path(
        "followup/inbox/<uuid:message_id>/",
        inbox.FollowupInboxDetailApi.as_view(),
        name="followup-inbox-detail",
    ),
    path(
        "followup/inbox/<uuid:message_id>/answer/",
        inbox.FollowupInboxAnswerApi.as_view(),
        name="followup-inbox-answer",
    ),
    path(
        "followup/inbox/<uuid:message_id>/decline/",
        inbox.FollowupInboxDeclineApi.as_view(),
        name="followup-inbox-decline",
    ),
    path("followup/opt-out/", inbox.FollowupOptOutApi.as_view(), name="followup-opt-out"),
    # The member's answer page (HTML) behind the emailed link.
]
