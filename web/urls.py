"""Pages of the reviewer workspace and partner inboxes (mounted at the site root)."""

from django.urls import path

from web import (
    views_case,
    views_casework,
    views_followup,
    views_member,
    views_partner,
    views_queue,
    views_review,
    views_rsi,
    views_worklists,
)

app_name = "web"

urlpatterns = [
    path("queue/", views_queue.QueueView.as_view(), name="queue"),
    path("queue/<uuid:item_id>/", views_review.ReviewView.as_view(), name="review"),
    path("queue/<uuid:item_id>/claim/", views_queue.QueueClaimView.as_view(), name="claim"),
    path("queue/<uuid:item_id>/release/", views_queue.QueueReleaseView.as_view(), name="release"),
    path("queue/<uuid:item_id>/confirm/", views_review.ConfirmView.as_view(), name="confirm"),
    path("queue/<uuid:item_id>/reject/", views_review.RejectView.as_view(), name="reject"),
    path(
        "queue/<uuid:item_id>/needs-info/",
        views_review.RequestInfoView.as_view(),
        name="needs-info",
    ),
    path(
        "queue/<uuid:item_id>/attach/",
        views_review.AttachFollowupView.as_view(),
        name="attach",
    ),
    path(
        "mentions/<uuid:mention_id>/suggestions/",
        views_review.MentionSuggestionsView.as_view(),
        name="mention-suggestions",
    ),
    path(
        "mentions/<uuid:mention_id>/coding/",
        views_review.MentionCodingView.as_view(),
        name="mention-coding",
    ),
    path("dictionary/search/", views_review.DictionarySearchView.as_view(), name="search"),
    path("cases/", views_worklists.CaseListView.as_view(), name="cases"),
    path("submissions/", views_worklists.SubmissionWorklistView.as_view(), name="submissions"),
    path(
        "followup/awaiting/",
        views_worklists.FollowupAwaitingView.as_view(),
        name="followup-awaiting",
    ),
    path("cases/<uuid:case_id>/", views_case.CaseView.as_view(), name="case"),
    path("cases/<uuid:case_id>/edit/", views_casework.CaseWorkView.as_view(), name="case-edit"),
    path(
        "cases/<uuid:case_id>/reactions/<uuid:reaction_id>/suggestions/",
        views_case.ReactionSuggestionsView.as_view(),
        name="reaction-suggestions",
    ),
    path(
        "cases/<uuid:case_id>/reactions/<uuid:reaction_id>/coding/",
        views_case.ReactionCodingView.as_view(),
        name="reaction-coding",
    ),
    path("cases/<uuid:case_id>/e2b/", views_case.CaseE2BPreviewView.as_view(), name="case-e2b"),
    path("products/", views_rsi.ProductListView.as_view(), name="products"),
    path("products/<uuid:product_id>/rsi/", views_rsi.ProductRsiView.as_view(), name="product-rsi"),
    path(
        "products/<uuid:product_id>/rsi/add/",
        views_rsi.ProductRsiAddView.as_view(),
        name="product-rsi-add",
    ),
    path(
        "products/<uuid:product_id>/rsi/import/",
        views_rsi.ProductRsiImportView.as_view(),
        name="product-rsi-import",
    ),
    path(
        "products/<uuid:product_id>/rsi/<uuid:term_id>/remove/",
        views_rsi.ProductRsiRemoveView.as_view(),
        name="product-rsi-remove",
    ),
    path("partner/", views_partner.PartnerInboxView.as_view(), name="inbox"),
    path(
        "me/inbox/<uuid:message_id>/",
        views_member.MemberMessageView.as_view(),
        name="member-message",
    ),
    path("me/opt-out/", views_member.MemberOptOutView.as_view(), name="member-opt-out"),
    path(
        "partner/cases/<uuid:case_id>/",
        views_partner.PartnerCaseView.as_view(),
        name="partner-case",
    ),
    path(
        "partner/submissions/<uuid:submission_id>/xml/",
        views_partner.PartnerSubmissionXmlView.as_view(),
        name="partner-xml",
    ),
    path(
        "followup/requests/<uuid:request_id>/approve/",
        views_followup.FollowupApproveView.as_view(),
        name="followup-approve",
    ),
    path(
        "followup/requests/<uuid:request_id>/decline/",
        views_followup.FollowupDeclineView.as_view(),
        name="followup-decline",
    ),
    path(
        "followup/messages/<uuid:message_id>/merge/",
        views_followup.FollowupAnswerMergeView.as_view(),
        name="followup-merge",
    ),
    path(
        "followup/messages/<uuid:message_id>/reject/",
        views_followup.FollowupAnswerRejectView.as_view(),
        name="followup-reject",
    ),
    path(
        "partner/cases/<uuid:case_id>/followup/",
        views_followup.PartnerFollowupCreateView.as_view(),
        name="partner-followup",
    ),
]
