"""Dictionary API: the loaded versions, fuzzy search over the active (or a chosen) one, and coding
a case's reaction to a term of the active event dictionary."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coding.models import Dictionary
from coding.selectors import dictionary_get, dictionary_list, dictionary_search
from coding.services import case_reaction_code
from pv.core.exceptions import NotFound
from pv.core.permissions import IsReviewer
from pv.selectors import case_get_visible


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


class CaseReactionCodeApi(APIView):
    """Code or recode one reaction of the latest case version (an LLT or PT code of the active
    event dictionary), in place and audited; submissions held for want of coding are released.
    Answers with the reaction's coding and the case's submissions still held."""

    permission_classes = [IsReviewer]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CaseReactionCodeInput"

        code = serializers.CharField(max_length=50)
        reason = serializers.CharField(max_length=2000, required=False, default="")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CaseReactionCodeOutput"

        id = serializers.UUIDField()
        position = serializers.IntegerField()
        reported_term = serializers.CharField()
        code = serializers.CharField()
        term = serializers.CharField()
        pt_code = serializers.CharField()
        pt = serializers.CharField()
        soc = serializers.CharField()
        terminology = serializers.CharField()
        terminology_version = serializers.CharField()
        changed = serializers.BooleanField()
        submissions_held = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses=OutputSerializer)
    def post(self, request, case_id, reaction_id):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        case = case_get_visible(user=request.user, case_id=case_id)
        reaction = case.reactions.filter(id=reaction_id).first()
        if reaction is None:
            raise NotFound("Reaction not found.")
        recoded = case_reaction_code(actor=request.user, reaction=reaction, **data.validated_data)
        reaction.refresh_from_db()
        reaction.changed = bool(recoded.changed)
        if recoded.held is not None:  # the release of held submissions ran: it counted them
            reaction.submissions_held = recoded.held["still_held"]
        else:  # the coding did not change, so nothing was re-evaluated: count what waits
            reaction.submissions_held = case.submissions.filter(status="held").count()
        return Response(self.OutputSerializer(reaction).data, status=status.HTTP_200_OK)
