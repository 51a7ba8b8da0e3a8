"""schema.org ClaimReview for a published claim with a final verdict."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from sources.capture.services import archive_states

from ..models import Claim, Rating, default_language_url
from ..public.caching import depends_on
from ..selectors import claim_detail_queryset

_JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def rating_bounds() -> tuple[int, int]:
    ordinals = list(Rating.objects.filter(is_final=True).values_list("ordinal", flat=True))
    return (min(ordinals), max(ordinals)) if ordinals else (1, 1)


def claim_review(
    claim: Claim, *, base_url: str, bounds: tuple[int, int], archives: dict | None = None
) -> dict | None:
    """The ClaimReview object, or None when the claim is not public or has no final verdict.

    `base_url` is the site's scheme and host ("https://factcheck.example.org"); `bounds` the
    worst and best ordinals of the scale (rating_bounds()), passed in so that a feed of many
    claims asks for them once. The review's `url` is the claim's page in the default language
    whichever language's page embeds it: one review, one stable address, the same as the
    feed's.
    """
    if not claim.is_public or not claim.has_final_rating:
        return None
    claimant = claim.claimant
    author = {
        "@type": "Person" if claimant.kind == claimant.Kind.PERSON else "Organization",
        "name": claimant.name,
    }
    if claimant.role:
        author["jobTitle"] = claimant.role
    if claimant.wikidata_id:
        author["sameAs"] = f"https://www.wikidata.org/wiki/{claimant.wikidata_id}"
    appearances = [
        {
            "@type": "CreativeWork",
            **({"url": a.url} if a.url else {}),
            "name": a.outlet or a.get_medium_display(),
            "datePublished": a.appeared_on.isoformat(),
        }
        for a in claim.appearances.all()
    ]
    item = {
        "@type": "Claim",
        "author": author,
        "datePublished": claim.said_on.isoformat(),
    }
    if appearances:
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
    worst, best = bounds
    citations = evidence_citations(claim, base_url=base_url, archives=archives or {})
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": base_url + default_language_url(claim),
        "claimReviewed": claim.text,
        "datePublished": claim.published_at.date().isoformat(),
        "author": {"@type": "Organization", "name": settings.SITE_NAME, "url": base_url + "/"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": claim.rating.ordinal,
            "bestRating": best,
            "worstRating": worst,
            "alternateName": claim.rating.label,
        },
        "itemReviewed": item,
        **({"reviewBody": claim.summary} if claim.summary else {}),
        **({"citation": citations} if citations else {}),
    }


def evidence_citations(claim: Claim, *, base_url: str, archives: dict) -> list[dict]:
    """The documents the review rests on, as schema.org CreativeWorks. `archivedAt` (a
    CreativeWork's property: where an archived copy of it is) names our archived copy, from
    `archives` (sources.capture.services.archive_states)."""
    citations = []
    for evidence in claim.evidence.all():
        source = evidence.source
        work = {"@type": "CreativeWork", "name": source.title}
        if source.url:
            work["url"] = source.url
        archive = archives.get(source.pk)
        if archive is not None and archive.seen_id:
            work["archivedAt"] = base_url + default_language_capture_url(source.pk, archive.seen_id)
        elif source.archive_url:
            work["archivedAt"] = source.archive_url
        citations.append(work)
    return citations


def default_language_capture_url(source_pk: int, capture_pk: int) -> str:
    with override(settings.LANGUAGE_CODE):
        return reverse("claims:capture_detail", kwargs={"source_pk": source_pk, "pk": capture_pk})


def as_script_json(data: dict) -> str:
    """JSON safe to place inside <script type="application/ld+json">."""
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_JSON_SCRIPT_ESCAPES)


def claimreview_datafeed(*, base_url: str) -> dict:
    """The schema.org DataFeed of every published claim with a final verdict.

    Each dataFeedElement is a DataFeedItem holding one ClaimReview, the shape of the feeds
    Google's Fact Check tools and Data Commons ingest.
    """
    bounds = rating_bounds()
    elements = []
    claims = list(
        claim_detail_queryset().filter(rating__is_final=True).order_by("published_at", "id")
    )
    archives = archive_states(e.source_id for claim in claims for e in claim.evidence.all())
    # The citations show the documents and their archived copies (captures touch these keys).
    depends_on(*(f"source:{pk}" for pk in archives))
    for claim in claims:
        review = claim_review(claim, base_url=base_url, bounds=bounds, archives=archives)
        if review is None:
            continue
        elements.append(
            {
                "@type": "DataFeedItem",
                "dateCreated": claim.published_at.isoformat(),
                "dateModified": (claim.public_updated_at or claim.updated_at).isoformat(),
                "item": [review],
            }
        )
    return {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.SITE_NAME} ClaimReview feed",
        "url": base_url + reverse("claimreview_feed"),
        "dataFeedElement": elements,
    }
