"""The read-only JSON API. It shows exactly what the public site shows, nothing more.

Every queryset starts from Claim.objects.published() or from objects reachable through a
published claim; serializers list their fields explicitly, so no editor note, internal field
or user account can slip out.
"""

from .views import (
    ClaimantViewSet,
    ClaimViewSet,
    InvestigationViewSet,
    PublisherViewSet,
    RatingViewSet,
    SourceViewSet,
    TopicViewSet,
)

__all__ = [
    "ClaimViewSet",
    "ClaimantViewSet",
    "InvestigationViewSet",
    "PublisherViewSet",
    "RatingViewSet",
    "SourceViewSet",
    "TopicViewSet",
]
