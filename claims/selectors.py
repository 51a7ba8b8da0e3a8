"""Every public read (pages, feeds, sitemap, API, ClaimReview), and the admin's guards' reads.

Two rules are written once here. What readers may see beyond the claims themselves: a
claimant, topic, source, investigation or publisher is public only through a published claim
(`reachable`). What belongs to the public record: anything shown on the page of a claim that
has been published (`on_public_record`), which only a chief editor changes.
"""

from django.db.models import Count, Model, Prefetch, Q, QuerySet

from sources.models import Investigation, InvestigationUpdate, Publisher, Source

from .models import (
    Appearance,
    Claim,
    Claimant,
    ClaimLink,
    Evidence,
    PublicationEvent,
    Rating,
    StatusChange,
    Topic,
)

# How each model reaches the claims that cite it.
PATHS_TO_CLAIMS = {
    Claimant: ("claims",),
    Topic: ("claims",),
    Investigation: ("claims",),
    Source: ("evidence__claim", "investigation_updates__investigation__claims"),
}

# How each model reaches the claims whose page shows it: any one path is enough, and each
# path is a tuple of relations that must all lead to such a claim ("" is the claim itself).
# A linked claim shows only when both ends are published.
SHOWN_ON = {
    Claim: [("",)],
    Claimant: [("claims",)],
    Topic: [("claims",)],
    Appearance: [("claim",)],
    Evidence: [("claim",)],
    ClaimLink: [("from_claim", "to_claim")],
    Investigation: [("claims",)],
    InvestigationUpdate: [("investigation__claims",)],
    Source: [("evidence__claim",), ("investigation_updates__investigation__claims",)],
    Publisher: [
        ("sources__evidence__claim",),
        ("sources__investigation_updates__investigation__claims",),
        ("investigations__claims",),
    ],
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


def on_public_record(obj: Model) -> bool:
    """Whether `obj`, as it stands in memory (saved or not), is shown on the page of a claim
    that has been published, so that changing it changes the public record."""
    return shown_on(obj, Claim.objects.ever_published())


def shown_on(obj: Model, claims: QuerySet) -> bool:
    """Whether `obj` (saved or not) is shown on the page of one of `claims`."""
    paths = SHOWN_ON.get(type(obj))
    return bool(paths) and any(all(_leads_to(obj, path, claims) for path in each) for each in paths)


def _leads_to(obj: Model, path: str, claims: QuerySet) -> bool:
    if not path:
        return obj.pk is not None and claims.filter(pk=obj.pk).exists()
    head, _, rest = path.partition("__")
    field = obj._meta.get_field(head)
    if field.many_to_one and field.concrete:  # a foreign key: follow the value in memory
        related = getattr(obj, head)
        return related is not None and _leads_to(related, rest, claims)
    if obj.pk is None:  # reverse and many-to-many relations of a new row are empty
        return False
    return type(obj).objects.filter(pk=obj.pk, **{f"{path}__in": claims}).exists()


# -- what the public site, the feeds, the API and ClaimReview read ----------------------


def published_claims():
    return Claim.objects.published().for_cards()


def rating_counts(claims) -> list[tuple[Rating, int]]:
    """Each rating of the scale with how many of `claims` carry it (published only)."""
    # Count("*"): an index-only scan of claim_published_rating_idx, no visit to the rows.
    counts = dict(claims.order_by().values_list("rating").annotate(n=Count("*")))
    return [(rating, counts.get(rating.pk, 0)) for rating in Rating.objects.all()]


def public_changes():
    """Changes of published verdicts, newest first ("reviewed, no change" left out). A claim's
    first verdict is news of its publication, not a change."""
    return (
        StatusChange.objects.filter(claim__in=Claim.objects.published())
        .after_publication()
        .exclude(kind=StatusChange.Kind.REVIEWED)
        .select_related("claim", "claim__claimant", "from_rating", "to_rating")
        .order_by("-created_at", "-id")
    )


def recent_changes(limit: int):
    return public_changes()[:limit]


def public_corrections():
    return public_changes().filter(kind=StatusChange.Kind.CORRECTION)


def claim_detail_queryset():
    """A published claim with everything its page shows, in a fixed number of queries."""
    return published_claims().prefetch_related(
        "topics",
        "appearances",
        Prefetch(
            "evidence",
            queryset=Evidence.objects.select_related("source", "source__publisher").order_by(
                "source__published_on", "id"
            ),
        ),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.on_record()
            .select_related("from_rating", "to_rating")
            .order_by("created_at", "id"),
        ),
        Prefetch(
            "publication_events",
            queryset=PublicationEvent.objects.select_related("status_change__to_rating").order_by(
                "created_at", "id"
            ),
        ),
        Prefetch(
            "investigations",
            queryset=Investigation.objects.select_related("body").prefetch_related(
                Prefetch(
                    "updates",
                    queryset=InvestigationUpdate.objects.select_related("source").order_by(
                        "happened_on", "id"
                    ),
                )
            ),
        ),
        Prefetch(
            "links_out",
            queryset=ClaimLink.objects.filter(
                to_claim__in=Claim.objects.published()
            ).select_related("to_claim__claimant", "to_claim__rating"),
        ),
        Prefetch(
            "links_in",
            queryset=ClaimLink.objects.filter(
                from_claim__in=Claim.objects.published()
            ).select_related("from_claim__claimant", "from_claim__rating"),
        ),
    )


def withdrawn_claim(pk: int) -> Claim | None:
    """A claim readers saw and we took down: its page says so, with the note."""
    return Claim.objects.filter(pk=pk, publication_state=Claim.State.WITHDRAWN).first()


def evidence_citing(source: Source) -> QuerySet:
    """The published claims a document is evidence for, with the side it takes in each."""
    return (
        Evidence.objects.filter(source=source, claim__in=Claim.objects.published())
        .select_related("claim", "claim__claimant", "claim__rating")
        .order_by("stance", "-claim__said_on")
    )


def public_claimants() -> QuerySet:
    """Who said something we published, with how many of their claims are published."""
    return (
        Claimant.objects.filter(claims__in=Claim.objects.published())
        .annotate(n_claims=Count("claims"))
        .order_by("name")
    )


def publication_events(limit: int) -> list[PublicationEvent]:
    """The latest publications, withdrawals and returns: all public, as every event is of a
    claim readers have seen."""
    return list(
        PublicationEvent.objects.select_related(
            "claim__claimant", "status_change__to_rating"
        ).order_by("-created_at", "-id")[:limit]
    )
