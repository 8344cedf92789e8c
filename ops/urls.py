from django.urls import path

from ops import apis

urlpatterns = [
    path("abuse/read-flags/", apis.ReadFlagListApi.as_view(), name="read-flag-list"),
    path(
        "abuse/read-flags/<uuid:flag_id>/",
        apis.ReadFlagDetailApi.as_view(),
        name="read-flag-detail",
    ),
    path(
        "abuse/read-flags/<uuid:flag_id>/dismiss/",
        apis.ReadFlagDismissApi.as_view(),
        name="read-flag-dismiss",
    ),
    path(
        "accounts/<uuid:user_id>/suspend/",
        apis.AccountSuspendApi.as_view(),
        name="account-suspend",
    ),
    path(
        "accounts/<uuid:user_id>/reinstate/",
        apis.AccountReinstateApi.as_view(),
        name="account-reinstate",
    ),
]
