"""Claims that look like a new one, so a repeated claim is linked instead of checked again."""

import re

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection

from .models import Claim

MIN_SIMILARITY = 0.25
WORD = re.compile(r"\w{4,}", re.UNICODE)


def similar_claims(text: str, *, exclude_pk: int | None = None, limit: int = 5) -> list[Claim]:
    """The claims closest to `text`, best first.

    PostgreSQL: trigram similarity (pg_trgm, with a GIN index on the claim text). Elsewhere:
    the share of the text's words (four letters or more) that a claim contains.
    """
    text = " ".join(text.split())[:1000]
    if not text:
        return []
    claims = Claim.objects.select_related("claimant", "rating")
    if exclude_pk is not None:
        claims = claims.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        return list(
            claims.annotate(similarity=TrigramSimilarity("text", text))
            .filter(similarity__gte=MIN_SIMILARITY)
            .order_by("-similarity", "-said_on")[:limit]
        )
    words = {w.lower() for w in WORD.findall(text)}
    if not words:
        return []
    scored = []
    for claim in claims.order_by("-said_on")[:2000]:
        claim_words = {w.lower() for w in WORD.findall(claim.text)}
        overlap = len(words & claim_words) / len(words | claim_words) if claim_words else 0
        if overlap >= MIN_SIMILARITY:
            claim.similarity = overlap
            scored.append(claim)
    scored.sort(key=lambda c: c.similarity, reverse=True)
    return scored[:limit]
