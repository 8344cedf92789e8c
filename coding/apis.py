"""Dictionary API: the loaded versions, and fuzzy search over the active (or a chosen) one."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from coding.models import Dictionary
from coding.selectors import dictionary_get, dictionary_list, dictionary_search
from pv.core.permissions import IsReviewer


class DictionaryOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    name = serializers.CharField()
    terminology = serializers.CharField()
    version = serializers.CharField()
    format = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # DRF pops declared fields
    licence_note = serializers.CharField()
    is_active = serializers.BooleanField()
    concept_count = serializers.IntegerField()
    name_count = serializers.IntegerField()
    loaded_at = serializers.DateTimeField()


class DictionaryListApi(APIView):
    permission_classes = [IsReviewer]

    @extend_schema(responses=DictionaryOutput(many=True))
    def get(self, request):
        return Response({"results": DictionaryOutput(dictionary_list(), many=True).data})


class DictionarySearchApi(APIView):
    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DictionarySearchInput"  # unique OpenAPI component name

        q = serializers.CharField(max_length=200)
        kind = serializers.ChoiceField(choices=Dictionary.Kind.values, default="event")
        limit = serializers.IntegerField(min_value=1, max_value=50, default=20)
        dictionary = serializers.UUIDField(required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DictionarySearchOutput"  # unique OpenAPI component name

        dictionary = DictionaryOutput()
        results = serializers.ListField(child=serializers.DictField())

    @extend_schema(parameters=[InputSerializer], responses=OutputSerializer)
    def get(self, request):
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        chosen = dictionary_get(dictionary_id=data["dictionary"]) if "dictionary" in data else None
        dictionary, results = dictionary_search(
            query=data["q"], kind=data["kind"], dictionary=chosen, limit=data["limit"]
        )
        return Response(self.OutputSerializer({"dictionary": dictionary, "results": results}).data)
