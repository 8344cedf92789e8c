from django.urls import path

from coding import apis

urlpatterns = [
    path("dictionaries/", apis.DictionaryListApi.as_view(), name="dictionary-list"),
    path("dictionaries/search", apis.DictionarySearchApi.as_view(), name="dictionary-search"),
    path(
        "cases/<uuid:case_id>/reactions/<uuid:reaction_id>/coding/",
        apis.CaseReactionCodeApi.as_view(),
        name="case-reaction-code",
    ),
]
