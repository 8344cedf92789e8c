from django.urls import path

from coding import apis

urlpatterns = [
    path("dictionaries/", apis.DictionaryListApi.as_view(), name="dictionary-list"),
    path("dictionaries/search", apis.DictionarySearchApi.as_view(), name="dictionary-search"),
]
