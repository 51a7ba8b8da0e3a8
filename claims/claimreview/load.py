"""ClaimReview import: the writes. Reading and cleaning records is `claimreview.parse`.

`claimreview_records_import` takes a batch of clean records and writes new claims in bulk (a
few statements per table for the whole batch); a record whose claim already exists and
differs, and every record of a batch the database refused, goes through
`claimreview_record_import` one at a time. Both derive what they write from `_Review`, so a
record gives the same rows whichever way it goes.

An import is an actor like any editor: it acts as `ImportContext.user` (None, the system, may
only create drafts and update claims never published), and it changes a claim only while the
claim is as the last import left it (`claim_import_fingerprint`); otherwise the record is
`Skipped`, with the reason, and nothing of it is written.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from sources.capture.tasks import capture_pending_on_commit
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
from ..services.workflow import (
    ACTIONS,
    CHIEF_EDITOR_PERMISSION,
    User,
    claim_publish,
    status_change_record,
)
from .parse import Rejected

UNATTRIBUTED = "Unattributed"

# Why a record's claim is left alone (see `_skip_reason`).
WITHDRAWN = "withdrawn by an editor since the last import"
EDITED = "edited since the last import"
PUBLISHED_BY_NOBODY = "published: import as an editor allowed to change its rating (--as)"

# What the import writes and a person may change too: the claim's part of its fingerprint.
FINGERPRINTED = (
    "text",
    "summary",
    "claimant_id",
    "said_on",
    "language",
    "rating_id",
    "publication_state",
    "version",  # bumped by every save of the editors' form, whatever it changed
)


@dataclass(frozen=True)
class Skipped:
    """A record whose claim the import left alone, and why: nothing of the record was
    written (claim, evidence, appearances, status)."""

    reason: str
    claim_id: int

    def __str__(self) -> str:
        return self.reason


def claim_import_fingerprint(claim: Claim | Mapping, parts: list | None = None) -> str:
    """A hash of what an import controls and a person could change, from a claim or from a
    row of its values by attribute name, with its evidence and appearances (`parts`, read
    from the database when not given): stored by the import after it wrote the claim, so a
    later import can tell whether anyone changed the claim since."""
    if isinstance(claim, Mapping):
        values = [claim[name] for name in FINGERPRINTED]
    else:
        values = [getattr(claim, name) for name in FINGERPRINTED]
        if parts is None:
            parts = claim_parts([claim.pk])[claim.pk]
    text = json.dumps(
        ["" if v is None else str(v) for v in values] + (parts or []), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_parts(claim_ids: list[int]) -> dict[int, list]:
    """Each claim's evidence (source address, stance, excerpt) and appearance addresses, in a
    fixed order: the part of the fingerprint that lives outside the claim row."""
    parts: dict[int, tuple[list, list]] = {pk: ([], []) for pk in claim_ids}
    evidence = Evidence.objects.filter(claim_id__in=claim_ids).values_list(
        "claim_id", "source__normalised_url", "stance", "excerpt"
    )
    for claim_id, url, stance, excerpt in evidence:
        parts[claim_id][0].append([url, stance, excerpt])
    for claim_id, url in Appearance.objects.filter(claim_id__in=claim_ids).values_list(
        "claim_id", "url"
    ):
        parts[claim_id][1].append(url)
    return {pk: _parts(evidence, links) for pk, (evidence, links) in parts.items()}


def _parts(evidence: list, links: list) -> list:
    return [sorted(evidence), sorted(links)]


def import_permissions(*, publish: bool) -> list[str]:
    """What an account needs to run an import: the rights an editor uses to create the
    claims, people, sources, evidence and appearances a record brings, and to rate them
    (the workflow's own "status" permission); with `publish`, the workflow's "publish" one."""
    perms = [
        "claims.add_claim",
        "claims.change_claim",
        "claims.add_claimant",
        "sources.add_publisher",
        "sources.add_source",
        "claims.add_evidence",
        "claims.change_evidence",
        "claims.add_appearance",
        ACTIONS["status"].permission,
    ]
    if publish:
        perms.append(ACTIONS["publish"].permission)
    return perms


def import_refusal(user: User, *, publish: bool) -> str | None:
    """Why `user` may not run this import, or None if they may. The system (None) may
    import drafts, never publish: a publication is someone's decision."""
    if user is None:
        return "publishing imported claims needs an account allowed to publish" if publish else None
    name = user.get_username()
    if not user.is_active:
        return f"{name} is not an active account"
    if not user.is_staff:
        return f"{name} is not a staff account"
    missing = [perm for perm in import_permissions(publish=publish) if not user.has_perm(perm)]
    if missing:
        return f"{name} lacks the permission{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
    return None


class ImportContext:
    """What one import run looks up again and again, fetched once, and who runs it: `user`
    (None for the system) is checked here for everything the run may do, and recorded on
    the status changes and publications it makes."""

    def __init__(self, *, publish: bool = False, user: User = None):
        refusal = import_refusal(user, publish=publish)
        if refusal is not None:
            raise PermissionDenied(refusal)
        self.publish = publish
        self.user = user
        self.user_id = user.pk if user is not None else None
        ratings = list(Rating.objects.all())  # in the scale's order
        mappings = list(RatingMapping.objects.select_related("rating"))
        self.by_label = {normalise_label(r.label): r for r in ratings}
        self.by_label.update({normalise_label(r.label_fr): r for r in ratings if r.label_fr})
        self.by_label.update({m.label: m.rating for m in mappings})
        self.finals = sorted((r for r in ratings if r.is_final), key=lambda r: r.ordinal)
        self.places = {r.pk: place for place, r in enumerate(self.finals)}  # 0 is the worst
        self.fallback = _fallback_rating(ratings, mappings)
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
        """Their label through the mapping; else their number placed on our scale; else the
        fallback (`_fallback_rating`), and the label is reported. Without a fallback the
        record is `Rejected`."""
        label = normalise_label(record.rating_label) if record.rating_label else ""
        if label in self.by_label:
            return self.by_label[label]
        value, best, worst = record.rating_value, record.rating_best, record.rating_worst
        numbers = value is not None and best is not None and worst is not None and best != worst
        if numbers and self.finals:
            share = min(max((value - worst) / (best - worst), 0.0), 1.0)
            return self.finals[round(share * (len(self.finals) - 1))]
        if self.fallback is None:
            raise Rejected(NO_FALLBACK)
        label = record.rating_label[:80] or "(no rating)"
        self._unmapped.setdefault(label, set()).add(record.key)
        return self.fallback

    def stance_for(self, rating: Rating) -> str:
        """How a review with this rating bears on the claim: the final ratings, in order,
        split in thirds of the scale as it stands (the worst third contradicts, the best
        third supports, the middle one and every non-final status give context)."""
        place, last = self.places.get(rating.pk), len(self.finals) - 1
        if place is not None and 3 * place < last:
            return Evidence.Stance.CONTRADICTS
        if place is not None and 3 * place > 2 * last:
            return Evidence.Stance.SUPPORTS
        return Evidence.Stance.CONTEXT


NO_FALLBACK = "no rating for an unmapped label: add a non-final rating or a mapping"


def _fallback_rating(ratings: list[Rating], mappings: list[RatingMapping]) -> Rating | None:
    """The rating a label we cannot place gets: of the non-final ratings, the one most rating
    mappings point to (where editors send "unproven", "inconclusive"…: Unverified, as
    seeded), the first in the scale's order on a tie; None if the scale has no non-final
    rating. Read from the tables chief editors edit, never from a slug."""
    mapped = Counter(mapping.rating_id for mapping in mappings)
    statuses = [rating for rating in ratings if not rating.is_final]
    return max(statuses, key=lambda rating: mapped[rating.pk], default=None)


@dataclass
class _Review:
    """Everything one record says, as our rows would hold it. Publishers and claimants must
    already be in the context (`_import_people`)."""

    record: object
    publisher: Publisher
    claimant: Claimant
    rating: Rating
    stance: str

    @classmethod
    def of(cls, record, context: ImportContext) -> "_Review":
        rating = context.rating_for(record)
        return cls(
            record=record,
            publisher=context.publishers[_publisher_slug(record)],
            claimant=context.claimants[_claimant_slug(record)],
            rating=rating,
            stance=context.stance_for(rating),
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
        return {"stance": self.stance, "excerpt": self.label[:1000]}

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

    Returns one outcome per record, in order: "created", "updated", "unchanged", a `Skipped`
    (its claim is not as the last import left it, or the acting user may not make the
    change), or the exception that kept that record out (the rest of the batch is kept):
    `Rejected` when the scale has no rating for it (`ImportContext.rating_for`).
    """
    outcomes: list = [None] * len(records)
    existing = {
        claim.import_key: claim
        for claim in Claim.objects.filter(import_key__in={r.key for r in records})
    }
    fresh: dict[str, int] = {}  # key -> index of the first record with it
    one_by_one: list[int] = []
    for index, record in enumerate(records):
        if context.fallback is None:  # the scale may have no rating for it
            try:
                context.rating_for(record)
            except Rejected as error:
                outcomes[index] = error
                continue
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
        except (ValueError, ValidationError, DatabaseError) as error:
            outcomes[index] = error
    return outcomes


class _Skip(Exception):
    """Unwinds a record's savepoint: a skipped record leaves no row behind, not even the
    claimant or publisher it named."""

    def __init__(self, skipped: Skipped):
        self.skipped = skipped


@transaction.atomic
def claimreview_record_import(*, record, context: ImportContext) -> str | Skipped:
    """Create or update the claim one ClaimReview record describes, with its claimant, the
    reviewing publisher, the review as a Source linked as evidence, its appearances and a
    status change for its rating, all made by `context.user`. Returns "created", "updated",
    "unchanged", or `Skipped` (with the reason) when the claim exists and the import may not
    change it (`_skip_reason`); a skipped record writes nothing. Raises `Rejected` when the
    scale has no rating for the record.

    Keyed by the review URL and the claim text, so importing the same record again changes
    nothing and a changed rating or text updates the claim in place.
    """
    try:
        with context.savepoint():
            return _record_import(record, context)
    except _Skip as skip:
        return skip.skipped


def _record_import(record, context: ImportContext) -> str:
    _import_people(context, [record])
    review = _Review.of(record, context)
    fields = review.claim_fields
    wanted = review.evidence_fields

    # Locked: what is decided from the claim as it stands holds until the writes are done,
    # whatever an editor saves meanwhile.
    claim = Claim.objects.select_for_update().filter(import_key=record.key).first()
    created = claim is None
    source = Source.objects.filter(normalised_url=record.normalised_url).first()
    evidence = (
        Evidence.objects.filter(claim=claim, source=source).first()
        if not created and source is not None
        else None
    )
    known = set() if created else set(claim.appearances.values_list("url", flat=True))
    links = [link for link in record.appearances if link not in known]

    if created:
        claim = Claim(import_key=record.key, created_by_id=context.user_id, **fields)
        content = rating = True
    else:
        content = (
            any(getattr(claim, name) != value for name, value in fields.items())
            or (evidence is not None and any(getattr(evidence, n) != v for n, v in wanted.items()))
            or bool(links)
        )
        rating = claim.rating_id != review.rating.pk
    publishing = context.publish and claim.publication_state != Claim.State.PUBLISHED
    if not created and not (content or rating or publishing or evidence is None):
        _fingerprint_adopt([claim])
        return "unchanged"
    if not created:
        reason = _skip_reason(claim, context, content=content, rating=rating, publishing=publishing)
        if reason is not None:
            raise _Skip(Skipped(reason=reason, claim_id=claim.pk))

    _write_record(
        record,
        review,
        context,
        claim=claim,
        created=created,
        source=source,
        evidence=evidence,
        links=links,
        publishing=publishing,
    )
    return "created" if created else "updated"


def _write_record(
    record, review, context: ImportContext, *, claim, created, source, evidence, links, publishing
) -> None:
    """What `_record_import` decided to write, made by `context.user`, and the fingerprint of
    what it left."""
    fields, wanted = review.claim_fields, review.evidence_fields
    if created or any(getattr(claim, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(claim, name, value)
        if not created:
            claim.version += 1
        claim.save()

    if source is None:
        source = Source(**review.source_fields())
        source.save()
    if evidence is None:
        Evidence.objects.create(claim=claim, source=source, added_by_id=context.user_id, **wanted)
    elif any(getattr(evidence, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(evidence, name, value)
        evidence.save()

    for link in links:
        Appearance.objects.create(
            claim=claim, medium=Appearance.Medium.ONLINE, url=link, appeared_on=record.said_on
        )

    if claim.rating_id != review.rating.pk:
        # A new claim's history is dated by the review; a change to one we hold is news now.
        status_change_record(
            claim=claim,
            to_rating=review.rating,
            at=record.review_date if created else None,
            user=context.user,
            **review.status_change(),
        )
    if publishing:
        claim_publish(claim=claim, at=record.review_date if created else None, user=context.user)

    # What the import left, read back as stored: the next import compares with this.
    stored = Claim.objects.filter(pk=claim.pk).values(*FINGERPRINTED).get()
    claim.import_fingerprint = claim_import_fingerprint(stored, claim_parts([claim.pk])[claim.pk])
    Claim.objects.filter(pk=claim.pk).update(import_fingerprint=claim.import_fingerprint)


def _skip_reason(
    claim: Claim, context: ImportContext, *, content: bool, rating: bool, publishing: bool
) -> str | None:
    """Why the import must leave this existing claim alone, or None if it may change it:
    `content` (text, summary, evidence, appearances), the `rating`, or by `publishing` it.
    A person's decision stands over a record's: a withdrawal, an edit since the last import
    (the claim no longer matches its fingerprint), and every right the workflow gives them."""
    if claim.publication_state == Claim.State.WITHDRAWN:
        return WITHDRAWN
    if claim.import_fingerprint and claim.import_fingerprint != claim_import_fingerprint(claim):
        return EDITED
    if not claim.import_fingerprint and claim.history.filter(history_user__isnull=False).exists():
        return EDITED  # imported before fingerprints, and a person has saved it since
    user = context.user
    if user is None:
        return PUBLISHED_BY_NOBODY if claim.was_published else None
    if rating and (refusal := _action_refusal("status", claim, user)):
        return refusal
    # The admin's rule for a published claim's page (admin/guards.py): a chief editor's change.
    if content and claim.was_published and not user.has_perm(CHIEF_EDITOR_PERMISSION):
        return (
            f"a published claim's text, evidence and appearances are changed by a chief "
            f"editor ({user.get_username()} lacks {CHIEF_EDITOR_PERMISSION})"
        )
    if publishing and (refusal := _action_refusal("publish", claim, user)):
        return refusal
    return None


def _action_refusal(name: str, claim: Claim, user) -> str | None:
    """The workflow's refusal of action `name` on `claim` to `user`, as a reason to report,
    naming the permissions they lack."""
    action = ACTIONS[name]
    refusal = action.refusal(claim, user)
    if refusal is None:
        return None
    message = " ".join(getattr(refusal, "messages", [str(refusal)]))  # ValidationError's
    perms = [action.permission]
    if claim.was_published and action.published_permission:
        perms.append(action.published_permission)
    missing = [perm for perm in perms if not user.has_perm(perm)]
    if missing:
        message = f"{message} ({user.get_username()} lacks {', '.join(missing)})"
    return f"{action.label}: {message}"


def _fingerprint_adopt(claims: list[Claim]) -> None:
    """Claims imported before fingerprints existed, found unchanged by a record: they are as
    the import would leave them, so they get their fingerprint now."""
    adopted = [claim for claim in claims if not claim.import_fingerprint]
    for claim in adopted:
        claim.import_fingerprint = claim_import_fingerprint(claim)
    if adopted:
        Claim.objects.bulk_update(adopted, ["import_fingerprint"])


def _claims_create(records: list, context: ImportContext) -> None:
    """New claims for these records (none exists yet), with all they come with, in bulk,
    made by `context.user`: the same rows `claimreview_record_import` would write."""
    _import_people(context, records)
    now = timezone.now()
    reviews = [_Review.of(record, context) for record in records]
    claim_rows = [_claim_row(review, context, now) for review in reviews]
    source_ids = _sources_create(reviews)
    search_vector = vector_sql(
        "s", "(SELECT cl.name FROM claims_claimant AS cl WHERE cl.id = s.claimant_id)"
    )
    claim_ids = bulk.insert(Claim, claim_rows, computed={"search_vector": search_vector})
    _claim_parts_create(reviews, claim_rows, claim_ids, source_ids, context.user_id, now)


def _claim_row(review, context: ImportContext, now) -> dict:
    """The claim one new record makes, as a row, with the fingerprint of what it will hold."""
    record = review.record
    row = {
        "import_key": record.key,
        "slug": slugify(record.claim)[:80].rstrip("-") or "claim",
        "rating_id": review.rating.pk,
        "publication_state": Claim.State.DRAFT,
        "version": 1,
        "created_by_id": context.user_id,
        **review.claim_fields,
    }
    if context.publish:
        row["publication_state"] = Claim.State.PUBLISHED
        row["published_at"] = record.review_date or now
        row["published_by_id"] = context.user_id
    parts = _parts(
        [[record.normalised_url, *review.evidence_fields.values()]], list(record.appearances)
    )
    row["import_fingerprint"] = claim_import_fingerprint(row, parts)  # as written
    return row


def _sources_create(reviews: list) -> dict[str, int]:
    """Source ids by normalised address: the reviews' sources, the missing ones created."""
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
    if ids:
        # COPY bypasses Source.save(): one task captures every new source after the import
        # commits, instead of thousands of tasks (or fetches) during it.
        capture_pending_on_commit()
    return source_ids


def _claim_parts_create(reviews, claim_rows, claim_ids, source_ids, user_id, now) -> None:
    """Each new claim's status change, publication (with --publish), evidence, appearances."""
    pairs = list(zip(claim_ids, reviews, strict=True))
    change_ids = bulk.insert(
        StatusChange,
        [
            {
                "claim_id": pk,
                "to_rating_id": r.rating.pk,
                "created_by_id": user_id,
                "created_at": r.record.review_date or now,
                **r.status_change(),
            }
            for pk, r in pairs
        ],
    )
    published = [
        {
            "claim_id": row_id,
            "kind": PublicationEvent.Kind.PUBLISHED,
            "status_change_id": change_id,  # the imported rating is its verdict
            "created_by_id": user_id,
            "created_at": row["published_at"],
        }
        for row, row_id, change_id in zip(claim_rows, claim_ids, change_ids, strict=True)
        if row.get("published_at")
    ]
    bulk.insert(PublicationEvent, published)
    bulk.insert(
        Evidence,
        [
            {
                "claim_id": pk,
                "source_id": source_ids[r.record.normalised_url],
                "added_by_id": user_id,
                **r.evidence_fields,
            }
            for pk, r in pairs
        ],
    )
    bulk.insert(
        Appearance,
        [
            {"claim_id": pk, "medium": Appearance.Medium.ONLINE, "url": url, "appeared_on": d}
            for pk, r in pairs
            for url, d in ((u, r.record.said_on) for u in r.record.appearances)
        ],
    )


def _unchanged(records: list, indexes: list[int], existing: dict, context) -> set[int]:
    """Which of these records would change nothing in the claim they already have: read in
    three queries, so a second import of the same file writes nothing and costs little.

    Whatever the claim's state: a record that would change nothing is "unchanged", not
    skipped, even on a claim withdrawn or edited since (only a change is refused). A claim
    imported before fingerprints existed gets its fingerprint here."""
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
    # Only those who exist: a record naming someone new changes its claim, and goes one by
    # one, where a record skipped takes the new row back with it.
    _import_people(context, [records[i] for i in indexes], create=False)
    same = set()
    for index in indexes:
        record = records[index]
        claim = claims.get(record.key)
        if (
            claim is None
            or _publisher_slug(record) not in context.publishers
            or _claimant_slug(record) not in context.claimants
        ):
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
    _fingerprint_adopt([claims[records[i].key] for i in same])
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


def _import_people(context: ImportContext, records: list, *, create: bool = True) -> None:
    """Put every publisher and claimant these records name in the context: fetched by slug
    in one query per model, the missing ones created in one insert (unless not `create`)."""
    publishers = _missing(context.publishers, records, _publisher_slug)
    if publishers:
        context.publishers.update(Publisher.objects.in_bulk(list(publishers), field_name="slug"))
    if publishers and create:
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
    if claimants and create:
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
