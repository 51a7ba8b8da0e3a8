"""The API's serializers: each lists its fields, so no editor note, internal field or user
account can slip out."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sources.models import Investigation, InvestigationUpdate, Publisher, Source

from ..claimreview.export import default_language_capture_url
from ..models import (
    Appearance,
    Claim,
    Claimant,
    Evidence,
    PublicationEvent,
    Rating,
    StatusChange,
    Topic,
    default_language_url,
)

# -- serializers -------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.URI)
class PublicPageField(serializers.Field):
    """The absolute address of the object's page on the public site, in the default language:
    the API's data is the same whatever language a client asks in (and cached so)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["request"].build_absolute_uri(default_language_url(value))


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
    """`archived_at` (schema.org's archivedAt) is our archived copy of the document, `seen_at`
    when it was last seen; from the view's `archives` (archive_states of the claim's
    sources)."""

    source = SourceSerializer(read_only=True)
    archived_at = serializers.SerializerMethodField()
    seen_at = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["stance", "excerpt", "source", "archived_at", "seen_at"]  # never the note

    def _archive(self, obj):
        archive = self.context.get("archives", {}).get(obj.source_id)
        return archive if archive is not None and archive.seen_id else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_archived_at(self, obj) -> str | None:
        archive = self._archive(obj)
        if archive is None:
            return None
        path = default_language_capture_url(obj.source_id, archive.seen_id)
        return self.context["request"].build_absolute_uri(path)

    def get_seen_at(self, obj) -> datetime.datetime | None:
        archive = self._archive(obj)
        return archive.seen_at if archive is not None else None


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
    # The last change readers could see, not the last save (an editors' note is not news).
    updated_at = serializers.DateTimeField(source="public_updated_at", read_only=True)

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
