"""ClaimReview import: the writes. Reading and cleaning records is `claims.claimreview_import`.

`claimreview_records_import` takes a batch of clean records and writes new claims in bulk (a
few statements per table for the whole batch); a record whose claim already exists and
differs, and every record of a batch the database refused, goes through
`claimreview_record_import` one at a time. Both derive what they write from `_Review`, so a
record gives the same rows whichever way it goes.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from sources.models import Publisher, Source

from .. import bulk
from ..models import (
    Appearance,
    Claim,
    Claimant,
    Evidence,
    PublicationEvent,
    Rating,
    RatingMapping,
    StatusChange,
    normalise_label,
)
from ..search import vector_sql
from .workflow import claim_publish, status_change_record

UNATTRIBUTED = "Unattributed"


class ImportContext:
    """What one import run looks up again and again, fetched once."""

    def __init__(self, *, publish: bool = False):
        self.publish = publish
        self.ratings = {r.slug: r for r in Rating.objects.all()}
        self.by_label = {normalise_label(r.label): r for r in self.ratings.values()}
        self.by_label.update(
            {normalise_label(r.label_fr): r for r in self.ratings.values() if r.label_fr}
        )
        self.by_label.update(
            {m.label: m.rating for m in RatingMapping.objects.select_related("rating")}
        )
        self.finals = sorted(
            (r for r in self.ratings.values() if r.is_final), key=lambda r: r.ordinal
        )
        self.publishers: dict[str, Publisher] = {}  # by slug
        self.claimants: dict[str, Claimant] = {}  # by slug
        self._unmapped: dict[str, set[str]] = {}  # label -> keys of the records that carry it

    @contextmanager
    def savepoint(self):
        """A savepoint that, when rolled back, also forgets the publishers and claimants
        cached inside it: their rows are gone, and a later record must not point at them."""
        known = dict(self.publishers), dict(self.claimants)
        try:
            with transaction.atomic():
                yield
        except BaseException:
            self.publishers, self.claimants = known
            raise

    @property
    def unmapped(self) -> dict[str, int]:
        """How many records carried each rating label we could not map."""
        return {label: len(keys) for label, keys in self._unmapped.items()}

    def rating_for(self, record) -> Rating:
        """Their label through the mapping; else their number placed on our scale; else
        Unverified, and the label is reported."""
        label = normalise_label(record.rating_label) if record.rating_label else ""
        if label in self.by_label:
            return self.by_label[label]
        value, best, worst = record.rating_value, record.rating_best, record.rating_worst
        if value is not None and best is not None and worst is not None and best != worst:
            share = min(max((value - worst) / (best - worst), 0.0), 1.0)
            return self.finals[round(share * (len(self.finals) - 1))]
        label = record.rating_label[:80] or "(no rating)"
        self._unmapped.setdefault(label, set()).add(record.key)
        return self.ratings["unverified"]


@dataclass
class _Review:
    """Everything one record says, as our rows would hold it. Publishers and claimants must
    already be in the context (`_import_people`)."""

    record: object
    publisher: Publisher
    claimant: Claimant
    rating: Rating

    @classmethod
    def of(cls, record, context: ImportContext) -> "_Review":
        return cls(
            record=record,
            publisher=context.publishers[_publisher_slug(record)],
            claimant=context.claimants[_claimant_slug(record)],
            rating=context.rating_for(record),
        )

    @property
    def label(self) -> str:
        return self.record.rating_label or self.rating.label

    @property
    def reviewed_on(self):
        record = self.record
        return record.review_date.date() if record.review_date else record.said_on

    @property
    def claim_fields(self) -> dict:
        record = self.record
        return {
            "text": record.claim,
            "claimant_id": self.claimant.pk,
            "said_on": record.said_on,
            "language": record.language or "und",
            "summary": record.body
            or record.headline
            or f"{self.publisher.name}: “{self.label[:300]}”.",
        }

    @property
    def evidence_fields(self) -> dict:
        return {"stance": _stance_for(self.rating), "excerpt": self.label[:1000]}

    def source_fields(self) -> dict:
        record = self.record
        return {
            "url": record.url,
            "normalised_url": record.normalised_url,
            "title": (record.headline or f"{self.publisher.name}: {record.claim}")[:500],
            "publisher_id": self.publisher.pk,
            "kind": Source.Kind.FACT_CHECK,
            "language": record.language,
            "published_on": self.reviewed_on,
        }

    def status_change(self) -> dict:
        """The status change's date and explanation; its rating is `self.rating`."""
        return {
            "facts_known_on": self.reviewed_on,
            "explanation": f"{self.publisher.name} rated this claim “{self.label[:300]}” on "
            f"{self.reviewed_on.isoformat()}.",
        }


@transaction.atomic
def claimreview_records_import(*, records: list, context: ImportContext) -> list:
    """Import a batch of clean ClaimReview records with a few statements per table.

    Returns one outcome per record, in order: "created", "updated", "unchanged", or the
    exception that kept that record out (the rest of the batch is kept).
    """
    outcomes: list = [None] * len(records)
    existing = {
        claim.import_key: claim
        for claim in Claim.objects.filter(import_key__in={r.key for r in records})
    }
    fresh: dict[str, int] = {}  # key -> index of the first record with it
    one_by_one: list[int] = []
    for index, record in enumerate(records):
        if record.key in existing or record.key in fresh:
            one_by_one.append(index)
        else:
            fresh[record.key] = index

    if fresh:
        try:
            with context.savepoint():
                _claims_create([records[i] for i in fresh.values()], context)
        except DatabaseError:
            one_by_one.extend(fresh.values())  # find the culprit, keep the rest
        else:
            for index in fresh.values():
                outcomes[index] = "created"

    unchanged = _unchanged(records, one_by_one, existing, context)
    for index in sorted(one_by_one):
        if index in unchanged:
            outcomes[index] = "unchanged"
            continue
        try:
            with context.savepoint():
                outcomes[index] = claimreview_record_import(record=records[index], context=context)
        except (ValueError, DatabaseError) as error:
            outcomes[index] = error
    return outcomes


@transaction.atomic
def claimreview_record_import(*, record, context: ImportContext) -> str:
    """Create or update the claim one ClaimReview record describes, with its claimant, the
    reviewing publisher, the review as a Source linked as evidence, its appearances and a
    status change for its rating. Returns "created", "updated" or "unchanged".

    Keyed by the review URL and the claim text, so importing the same record again changes
    nothing and a changed rating or text updates the claim in place.
    """
    _import_people(context, [record])
    review = _Review.of(record, context)
    fields = review.claim_fields

    claim = Claim.objects.filter(import_key=record.key).first()
    outcome = "unchanged"
    if claim is None:
        claim = Claim(import_key=record.key, **fields)
        claim.save()
        outcome = "created"
    elif any(getattr(claim, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(claim, name, value)
        claim.version += 1
        claim.save()
        outcome = "updated"

    source = Source.objects.filter(normalised_url=record.normalised_url).first()
    if source is None:
        source = Source(**review.source_fields())
        source.save()
    wanted = review.evidence_fields
    evidence, made = Evidence.objects.get_or_create(claim=claim, source=source, defaults=wanted)
    if not made and any(getattr(evidence, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(evidence, name, value)
        evidence.save()
        outcome = "updated" if outcome == "unchanged" else outcome

    known = set(claim.appearances.values_list("url", flat=True)) if outcome != "created" else set()
    for link in record.appearances:
        if link not in known:
            Appearance.objects.create(
                claim=claim, medium=Appearance.Medium.ONLINE, url=link, appeared_on=record.said_on
            )
            outcome = "updated" if outcome == "unchanged" else outcome

    if claim.rating_id != review.rating.pk:
        status_change_record(
            claim=claim, to_rating=review.rating, at=record.review_date, **review.status_change()
        )
        outcome = "updated" if outcome == "unchanged" else outcome

    if context.publish and claim.publication_state != Claim.State.PUBLISHED:
        claim_publish(claim=claim, at=record.review_date)
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome


def _claims_create(records: list, context: ImportContext) -> None:
    """New claims for these records (none exists yet), with all they come with, in bulk."""
    _import_people(context, records)
    now = timezone.now()
    reviews = [_Review.of(record, context) for record in records]
    claim_rows = []
    for review in reviews:
        record = review.record
        row = {
            "import_key": record.key,
            "slug": slugify(record.claim)[:80].rstrip("-") or "claim",
            "rating_id": review.rating.pk,
            **review.claim_fields,
        }
        if context.publish:
            row["publication_state"] = Claim.State.PUBLISHED
            row["published_at"] = record.review_date or now
        claim_rows.append(row)

    sources = {}
    for review in reviews:
        sources.setdefault(review.record.normalised_url, review)
    stored = Source.objects.filter(normalised_url__in=list(sources)).values_list(
        "normalised_url", "pk"
    )
    source_ids = dict(stored)
    new = [url for url in sources if url not in source_ids]
    ids = bulk.insert(Source, [sources[url].source_fields() for url in new])
    source_ids.update(zip(new, ids, strict=True))

    search_vector = vector_sql(
        "s", "(SELECT cl.name FROM claims_claimant AS cl WHERE cl.id = s.claimant_id)"
    )
    claim_ids = bulk.insert(Claim, claim_rows, computed={"search_vector": search_vector})
    change_ids = bulk.insert(
        StatusChange,
        [
            {
                "claim_id": pk,
                "to_rating_id": r.rating.pk,
                "created_at": r.record.review_date or now,
                **r.status_change(),
            }
            for pk, r in zip(claim_ids, reviews, strict=True)
        ],
    )
    if context.publish:  # published with the imported rating as its verdict
        bulk.insert(
            PublicationEvent,
            [
                {
                    "claim_id": row_id,
                    "kind": PublicationEvent.Kind.PUBLISHED,
                    "status_change_id": change_id,
                    "created_at": row["published_at"],
                }
                for row, row_id, change_id in zip(claim_rows, claim_ids, change_ids, strict=True)
            ],
        )
    bulk.insert(
        Evidence,
        [
            {"claim_id": pk, "source_id": source_ids[r.record.normalised_url], **r.evidence_fields}
            for pk, r in zip(claim_ids, reviews, strict=True)
        ],
    )
    bulk.insert(
        Appearance,
        [
            {
                "claim_id": pk,
                "medium": Appearance.Medium.ONLINE,
                "url": url,
                "appeared_on": r.record.said_on,
            }
            for pk, r in zip(claim_ids, reviews, strict=True)
            for url in r.record.appearances
        ],
    )


def _unchanged(records: list, indexes: list[int], existing: dict, context) -> set[int]:
    """Which of these records would change nothing in the claim they already have: read in
    three queries, so a second import of the same file writes nothing and costs little."""
    claims = {
        records[i].key: existing[records[i].key] for i in indexes if records[i].key in existing
    }
    if not claims:
        return set()
    ids = [claim.pk for claim in claims.values()]
    evidence = {
        (claim_id, url): {"stance": stance, "excerpt": excerpt}
        for claim_id, url, stance, excerpt in Evidence.objects.filter(claim_id__in=ids).values_list(
            "claim_id", "source__normalised_url", "stance", "excerpt"
        )
    }
    links: dict[int, set[str]] = {}
    for claim_id, url in Appearance.objects.filter(claim_id__in=ids).values_list("claim_id", "url"):
        links.setdefault(claim_id, set()).add(url)
    _import_people(context, [records[i] for i in indexes])
    same = set()
    for index in indexes:
        record = records[index]
        claim = claims.get(record.key)
        if claim is None:
            continue
        review = _Review.of(record, context)
        if (
            all(getattr(claim, name) == value for name, value in review.claim_fields.items())
            and claim.rating_id == review.rating.pk
            and evidence.get((claim.pk, record.normalised_url)) == review.evidence_fields
            and set(record.appearances) <= links.get(claim.pk, set())
            and (not context.publish or claim.publication_state == Claim.State.PUBLISHED)
        ):
            same.add(index)
    return same


def _publisher_slug(record) -> str:
    return _slug(record.publisher_name, "publisher")


def _claimant_slug(record) -> str:
    return _slug(record.claimant_name or UNATTRIBUTED, "claimant")


@lru_cache(maxsize=2**16)  # the same few thousand names come back in every batch
def _slug(text: str, prefix: str) -> str:
    slug = slugify(text)[:180].strip("-")
    if not slug:  # names in scripts slugify cannot spell (Arabic, Chinese…)
        slug = f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"
    return slug


def _import_people(context: ImportContext, records: list) -> None:
    """Put every publisher and claimant these records name in the context: fetched by slug
    in one query per model, the missing ones created in one insert."""
    publishers = _missing(context.publishers, records, _publisher_slug)
    if publishers:
        context.publishers.update(Publisher.objects.in_bulk(list(publishers), field_name="slug"))
        publishers = {s: r for s, r in publishers.items() if s not in context.publishers}
        taken = set(
            Publisher.objects.filter(
                name__in=[r.publisher_name for r in publishers.values()]
            ).values_list("name", flat=True)
        )
        created = []
        for slug, record in publishers.items():
            name, n = record.publisher_name, 1
            while name in taken:  # names are unique; two that slugify apart may read alike
                n += 1
                name = f"{record.publisher_name[:190]} ({n})"
            taken.add(name)
            created.append({"slug": slug, "name": name, "url": record.publisher_url})
        ids = bulk.insert(Publisher, created)
        context.publishers.update(
            (row["slug"], Publisher(pk=pk, **row)) for row, pk in zip(created, ids, strict=True)
        )

    claimants = _missing(context.claimants, records, _claimant_slug)
    if claimants:
        context.claimants.update(Claimant.objects.in_bulk(list(claimants), field_name="slug"))
        created = [
            {
                "slug": slug,
                "name": record.claimant_name or UNATTRIBUTED,
                "kind": Claimant.Kind.ORGANISATION
                if record.claimant_is_organisation or not record.claimant_name
                else Claimant.Kind.PERSON,
                "role": record.claimant_role,
            }
            for slug, record in claimants.items()
            if slug not in context.claimants
        ]
        ids = bulk.insert(Claimant, created)
        context.claimants.update(
            (row["slug"], Claimant(pk=pk, **row)) for row, pk in zip(created, ids, strict=True)
        )


def _missing(cache: dict, records: list, slug_of) -> dict:
    """Slug -> first record naming it, for the slugs not in the cache yet."""
    wanted = {}
    for record in records:
        slug = slug_of(record)
        if slug not in cache:
            wanted.setdefault(slug, record)
    return wanted


def _stance_for(rating: Rating) -> str:
    if rating.is_final and rating.ordinal <= 2:
        return Evidence.Stance.CONTRADICTS
    if rating.is_final and rating.ordinal >= 4:
        return Evidence.Stance.SUPPORTS
    return Evidence.Stance.CONTEXT
