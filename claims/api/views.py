"""The API's read-only viewsets: every queryset starts from a published claim or from what
one reaches (claims/selectors.py), and answers are cached per public version."""

from django.db.models import Prefetch
from rest_framework import viewsets

from sources.models import Investigation, InvestigationUpdate, Source

from ..models import (
    Claim,
    Claimant,
    Rating,
    Topic,
)
from ..public.caching import version_cached
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
            key = f"api-json:{request.scheme}://{request.get_host()}{request.get_full_path()}"
            content = version_cached(
                key,
                lambda: _rendered_or_none(
                    handler(request, *args, **kwargs), renderer, self.get_renderer_context()
                ),
            )
            if content is not None:
                return HttpResponse(content, content_type=renderer.media_type)
        else:
            key = f"api:{request.scheme}://{request.get_host()}{request.get_full_path()}"
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
