"""The read-only JSON API. It shows exactly what the public site shows, nothing more.

Every queryset starts from Claim.objects.published() or from objects reachable through a
published claim; serializers list their fields explicitly, so no editor note, internal field
or user account can slip out.
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from sources.models import Investigation, InvestigationUpdate, Publisher, Source

from .caching import version_cached
from .filters import ClaimFilter
from .models import (
    Appearance,
    Claim,
    Claimant,
    Evidence,
    PublicationEvent,
    Rating,
    StatusChange,
    Topic,
)
from .selectors import claim_detail_queryset, public_publishers, reachable

# -- serializers -------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PublicPageField(serializers.Field):
    """The absolute address of the object's page on the public site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = [
            "slug",
            "label",
            "label_fr",
            "ordinal",
            "is_final",
            "colour",
            "description",
            "description_fr",
        ]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description"]


class PublisherSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publisher
        fields = ["id", "slug", "name", "kind", "url", "country"]


class ClaimantSerializer(serializers.ModelSerializer):
    page = PublicPageField()

    class Meta:
        model = Claimant
        fields = ["slug", "name", "kind", "role", "affiliation", "wikidata_id", "page"]


class SourceSerializer(serializers.ModelSerializer):
    publisher = PublisherSerializer(read_only=True, allow_null=True)
    page = PublicPageField()

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "url",
            "archive_url",
            "kind",
            "language",
            "published_on",
            "accessed_on",
            "publisher",
            "page",
        ]


class InvestigationUpdateSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = InvestigationUpdate
        fields = ["happened_on", "state", "summary", "source"]


class InvestigationSerializer(serializers.ModelSerializer):
    body = PublisherSerializer(read_only=True)
    updates = InvestigationUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Investigation
        fields = [
            "slug",
            "title",
            "kind",
            "state",
            "opened_on",
            "description",
            "outcome",
            "body",
            "updates",
        ]


class AppearanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appearance
        fields = ["medium", "outlet", "url", "archive_url", "appeared_on"]


class EvidenceSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = ["stance", "excerpt", "source"]  # never the editor's note


class StatusChangeSerializer(serializers.ModelSerializer):
    from_rating = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    to_rating = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "from_rating",
            "to_rating",
            "kind",
            "facts_known_on",
            "explanation",
            "created_at",
        ]  # never who made it


class PublicationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicationEvent
        fields = ["kind", "note", "created_at"]  # never who


class ClaimLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    claim = serializers.IntegerField()


class ClaimListSerializer(serializers.ModelSerializer):
    claimant = ClaimantSerializer(read_only=True)
    rating = RatingSerializer(read_only=True, allow_null=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    page = PublicPageField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "quote",
            "quote_language",
            "quote_translation",
            "claimant",
            "said_on",
            "language",
            "topics",
            "summary",
            "rating",
            "published_at",
            "updated_at",
            "page",
        ]


class ClaimDetailSerializer(ClaimListSerializer):
    appearances = AppearanceSerializer(many=True, read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    status_history = serializers.SerializerMethodField()
    publication_history = PublicationEventSerializer(
        source="publication_events", many=True, read_only=True
    )
    investigations = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    links = serializers.SerializerMethodField()

    class Meta(ClaimListSerializer.Meta):
        fields = [
            *ClaimListSerializer.Meta.fields,
            "appearances",
            "evidence",
            "status_history",
            "publication_history",
            "investigations",
            "links",
        ]

    @extend_schema_field(StatusChangeSerializer(many=True))
    def get_status_history(self, obj) -> list[dict]:
        """The public record of the rating: the verdict first published (what it replaced
        was never public), then every later change."""
        history = StatusChangeSerializer(obj.status_changes.all(), many=True).data
        first = next(
            (e.status_change_id for e in obj.publication_events.all() if e.kind == "published"),
            None,
        )
        for change in history:
            if change["id"] == first:
                change["from_rating"] = None
        return history

    @extend_schema_field(ClaimLinkSerializer(many=True))
    def get_links(self, obj) -> list[dict]:
        out = [{"kind": link.kind, "claim": link.to_claim_id} for link in obj.links_out.all()]
        return out + [
            {"kind": link.kind, "claim": link.from_claim_id} for link in obj.links_in.all()
        ]


# -- viewsets ----------------------------------------------------------------------------------


class VersionCachedMixin:
    """Serve list and detail data from the cache until public data changes.

    Throttling and content negotiation still run on every request (they happen before the
    handler); only the queries and serialisation are skipped.
    """

    def list(self, request, *args, **kwargs):
        return self._cached(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, super().retrieve, *args, **kwargs)

    def _cached(self, request, handler, *args, **kwargs):
        from django.http import HttpResponse
        from rest_framework.renderers import JSONRenderer
        from rest_framework.response import Response

        renderer = request.accepted_renderer
        if type(renderer) is JSONRenderer:  # what clients ask for: keep the bytes, render once
            key = f"api-json:{request.get_full_path()}"
            content = version_cached(
                key,
                lambda: _rendered_or_none(
                    handler(request, *args, **kwargs), renderer, self.get_renderer_context()
                ),
            )
            if content is not None:
                return HttpResponse(content, content_type=renderer.media_type)
        else:
            key = f"api:{request.get_full_path()}"
            data = version_cached(key, lambda: _data_or_none(handler(request, *args, **kwargs)))
            if data is not None:
                return Response(data)
        return handler(request, *args, **kwargs)  # an error: answer it afresh, never cached


def _data_or_none(response):
    return response.data if response.status_code == 200 else None


def _rendered_or_none(response, renderer, context) -> bytes | None:
    if response.status_code != 200:
        return None
    return renderer.render(response.data, renderer.media_type, context)


class ClaimViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    """Published claims. Filters and search are the public claim list's own."""

    lookup_value_regex = "[0-9]+"

    filterset_class = ClaimFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return claim_detail_queryset()
        return (
            Claim.objects.published()
            .for_cards()
            .prefetch_related("topics")
            .order_by("-said_on", "-id")
        )

    def get_serializer_class(self):
        return ClaimDetailSerializer if self.action == "retrieve" else ClaimListSerializer


class ClaimantViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ClaimantSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return reachable(Claimant).order_by("name")


class TopicViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return reachable(Topic).order_by("name")


class SourceViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = SourceSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return reachable(Source).select_related("publisher").order_by("-published_on", "id")


class PublisherViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = PublisherSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return public_publishers().order_by("name")


class InvestigationViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InvestigationSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return (
            reachable(Investigation)
            .select_related("body")
            .prefetch_related(
                Prefetch(
                    "updates", queryset=InvestigationUpdate.objects.order_by("happened_on", "id")
                )
            )
            .order_by("-opened_on", "id")
        )


class RatingViewSet(VersionCachedMixin, viewsets.ReadOnlyModelViewSet):
    """The verdict scale, with each rating's definition."""

    serializer_class = RatingSerializer
    queryset = Rating.objects.all()
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404
    pagination_class = None
