"""Reads shared by the public site, the sitemap and the API.

The rule that keeps drafts private beyond the claims themselves: a claimant, topic, source,
investigation or publisher is public only through a published claim. It is written once here.
"""

from django.db.models import Q, QuerySet

from sources.models import Investigation, Publisher, Source

from .models import Claim, Claimant, Topic

# How each model reaches the claims that cite it.
PATHS_TO_CLAIMS = {
    Claimant: ("claims",),
    Topic: ("claims",),
    Investigation: ("claims",),
    Source: ("evidence__claim", "investigation_updates__investigation__claims"),
}


def reachable(model) -> QuerySet:
    """The rows of `model` that some published claim cites."""
    published = Claim.objects.published()
    cites = Q()
    for path in PATHS_TO_CLAIMS[model]:
        cites |= Q(**{f"{path}__in": published})
    return model.objects.filter(cites).distinct()


def is_reachable(obj) -> bool:
    return reachable(type(obj)).filter(pk=obj.pk).exists()


def public_publishers() -> QuerySet:
    """Publishers of a public source, and bodies of a public investigation."""
    return Publisher.objects.filter(
        Q(sources__in=reachable(Source)) | Q(investigations__in=reachable(Investigation))
    ).distinct()
