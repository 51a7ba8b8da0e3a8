"""The API's read-only viewsets: every queryset starts from a published claim or from what
one reaches (claims/selectors.py), and answers are cached until what they show changes."""

import hashlib

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from sources.capture.services import archive_states
from sources.models import Investigation, InvestigationUpdate, Source

from ..models import (
    Claim,
    Claimant,
    Rating,
    Topic,
)
from ..public.caching import SITE_KEY, Uncacheable, cached_entry, depends_on, name_keys
from ..public.dependencies import CITED, CLAIMS, RATINGS, UPDATED, claim_page_keys, key
from ..public.filters import ClaimFilter
from ..selectors import claim_detail_queryset, public_publishers, reachable

# -- serializers -------------------------------------------------------------------------------
from .serializers import (
    ClaimantSerializer,
    ClaimDetailSerializer,
    ClaimListSerializer,
    InvestigationSerializer,
    PublisherSerializer,
    RatingSerializer,
    SourceSerializer,
    TopicSerializer,
)


class CachedMixin:
    """Serve list and detail data from the cache until what they show changes (`public_keys`
    for every answer, the object's own keys for a detail).

    Throttling and content negotiation still run on every request (they happen before the
    handler); only the queries and serialisation are skipped.
    """

    public_keys: tuple[str, ...] = ()

    def list(self, request, *args, **kwargs):
        return self._cached(request, super().list, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached(request, super().retrieve, *args, **kwargs)

    def get_object(self):
        obj = super().get_object()
        depends_on(*self.object_keys(obj))
        return obj

    def object_keys(self, obj):
        return [key(obj)]

    def _cached(self, request, handler, *args, **kwargs):
        renderer = request.accepted_renderer
        as_bytes = type(renderer) is JSONRenderer  # what clients ask for: render once, keep bytes

        def compute():
            depends_on(SITE_KEY, *self.public_keys)
            response = handler(request, *args, **kwargs)
            if response.status_code != 200:
                raise Uncacheable(None)
            if as_bytes:
                return renderer.render(
                    response.data, renderer.media_type, self.get_renderer_context()
                )
            return response.data

        address = f"{as_bytes}|{request.build_absolute_uri()}|{settings.CODE_VERSION}"
        name = "public-api:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()
        try:
            entry = cached_entry(name, compute)
        except Uncacheable:
            return handler(request, *args, **kwargs)  # an error: answer it afresh, never cached
        if as_bytes:
            response = HttpResponse(entry.value, content_type=renderer.media_type)
        else:
            response = Response(entry.value)
        name_keys(response, entry)
        return response


class ListingFilterBackend(DjangoFilterBackend):
    """The claim list's filters, as on the public list; a list answer depends on what they
    can match (ClaimFilter.dependency_keys)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        if view.action == "list":  # each claim's updated_at is its last public change
            depends_on(*filterset.dependency_keys(), UPDATED)
        return filterset.qs


class ClaimViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    """Published claims. Filters and search are the public claim list's own."""

    lookup_value_regex = "[0-9]+"
    public_keys = (RATINGS,)

    filter_backends = [ListingFilterBackend]
    filterset_class = ClaimFilter

    def object_keys(self, obj):
        return claim_page_keys(obj)

    def get_object(self):
        claim = super().get_object()
        self.archives = archive_states(e.source_id for e in claim.evidence.all())
        return claim

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "archives": getattr(self, "archives", {})}

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


class ClaimantViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    public_keys = (CLAIMS,)
    serializer_class = ClaimantSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return reachable(Claimant).order_by("name")


class TopicViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    public_keys = (CLAIMS,)
    serializer_class = TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return reachable(Topic).order_by("name")


class SourceViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    public_keys = (CITED,)
    serializer_class = SourceSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return reachable(Source).select_related("publisher").order_by("-published_on", "id")


class PublisherViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    public_keys = (CITED,)
    serializer_class = PublisherSerializer
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404

    def get_queryset(self):
        return public_publishers().order_by("name")


class InvestigationViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    public_keys = (CLAIMS, CITED)
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


class RatingViewSet(CachedMixin, viewsets.ReadOnlyModelViewSet):
    """The verdict scale, with each rating's definition."""

    serializer_class = RatingSerializer
    public_keys = (RATINGS,)
    queryset = Rating.objects.all()
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"  # any segment reaches the view, which answers a JSON 404
    pagination_class = None
