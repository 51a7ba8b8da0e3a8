"""The capture service: fetch a source's document and record what came of it as a Capture.

Whatever happens (an address we refuse, a host gone, a body too large, a bug in a parser), the
result is a recorded capture with its outcome and reason, never an exception. The fetch runs
outside any transaction (it may take CAPTURE_TIMEOUT_SECONDS); its files are written first,
then the row, in one statement.
"""

import datetime
import difflib
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ..models import Capture, Source
from . import extract as extraction
from .fetch import Exchange, Failed, Refused, fetch
from .warc import warc_bytes

logger = logging.getLogger(__name__)
GONE_STATUSES = {404, 410}


def capture_storage():
    return storages["captures"]


def store_once(name: str, content: bytes) -> None:
    """Write `content` under `name` unless a file is already there (content-addressed names:
    the same name is the same bytes)."""
    storage = capture_storage()
    if storage.exists(name):
        return
    saved = storage.save(name, ContentFile(content))
    if saved != name:  # another worker wrote it meanwhile: keep one
        storage.delete(saved)


def comparable(text: str) -> str:
    """Text as compared for changes and excerpts: Unicode-normalised, quotes and dashes made
    plain, whitespace collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u2032\u00b4`]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]", '"', text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.split()).casefold()


def latest_copy(source: Source) -> Capture | None:
    """The latest capture of `source` that stored a body."""
    return source.captures.with_body().order_by("-fetched_at", "-id").first()


def source_capture(*, source: Source, conditional: bool = False) -> Capture | None:
    """Fetch `source` and record a capture (None for a source with no address).

    `conditional` asks with If-None-Match / If-Modified-Since from the latest copy (re-checks):
    a 304 is recorded as not modified, pointing at that copy.
    """
    if not source.url:
        return None
    held = latest_copy(source)
    headers = {}
    if conditional and held is not None:
        if held.etag:
            headers["If-None-Match"] = held.etag
        if held.last_modified:
            headers["If-Modified-Since"] = held.last_modified
    row = Capture(source=source, requested_url=source.url, fetched_at=timezone.now())
    exchanges: list[Exchange] = []
    try:
        exchanges = fetch(source.url, headers=headers)
        _answered(row, exchanges[-1], held)
    except Refused as refusal:
        row.outcome, row.reason = Capture.Outcome.REFUSED, str(refusal)
        exchanges = refusal.exchanges
    except Failed as failure:
        exchanges = failure.exchanges
        if failure.gone:
            row.outcome, row.reason = _gone(source), str(failure)
        else:
            row.outcome, row.reason = Capture.Outcome.FAILED, str(failure)
    except Exception as error:  # a parser's bug must not lose the record of the try
        logger.exception("capture of source %s failed", source.pk)
        row.outcome, row.reason = Capture.Outcome.FAILED, f"internal error: {error!r}"[:2000]
    if exchanges:
        row.final_url = row.final_url or exchanges[-1].url
        row.warc_name = _store_warc(row, exchanges)
    return _record(row)


def _record(row: Capture) -> Capture:
    """Save `row`, whatever the page put in it: what a stranger's server sends (addresses,
    headers, text) is cut to its column and rid of NUL, which PostgreSQL's text refuses; and
    should the database refuse the row anyway, a failed capture says why. Never an exception:
    the next source of a run must still be fetched."""
    for field in row._meta.concrete_fields:
        value = getattr(row, field.attname)
        if isinstance(value, str):
            value = value.replace("\x00", "")
            if field.max_length:
                value = value[: field.max_length]
            setattr(row, field.attname, value)
    try:
        with transaction.atomic():
            row.save()
    except DatabaseError as error:
        logger.exception("capture of source %s could not be stored", row.source_id)
        row = Capture(
            source=row.source,
            requested_url=row.requested_url,
            fetched_at=row.fetched_at,
            outcome=Capture.Outcome.FAILED,
            reason=f"the answer could not be stored: {type(error).__name__}",
        )
        row.save()
    return row


def _answered(row: Capture, final: Exchange, held: Capture | None) -> None:
    """Fill `row` from the final answer."""
    row.final_url, row.status_code = final.url, final.status
    row.content_type = final.header("content-type")[:200]
    row.etag, row.last_modified = final.header("etag")[:500], final.header("last-modified")[:100]
    if final.status == 304 and held is not None:
        row.outcome, row.previous, row.sha256, row.size = (
            Capture.Outcome.NOT_MODIFIED,
            held,
            held.sha256,
            held.size,
        )
        row.etag, row.last_modified = row.etag or held.etag, row.last_modified or held.last_modified
        return
    if final.status in GONE_STATUSES:
        row.outcome, row.reason = _gone(row.source), f"HTTP {final.status} {final.reason}"
        return
    if not 200 <= final.status < 300:
        row.outcome, row.reason = Capture.Outcome.FAILED, f"HTTP {final.status} {final.reason}"
        return
    row.size, row.sha256 = len(final.body), hashlib.sha256(final.body).hexdigest()
    row.previous = held
    if held is not None and held.sha256 == row.sha256:
        row.outcome = Capture.Outcome.UNCHANGED
        return
    store_once(row.body_name, final.body)
    body = extraction.decoded(final.body, final.header("content-encoding"))
    found = extraction.extract(body, content_type=row.content_type, url=final.url)
    row.main_text, row.title, row.publisher_name = found.text, found.title, found.publisher[:200]
    row.published_on = found.published_on
    row.text_changed = held is not None and comparable(found.text) != comparable(held.main_text)
    row.outcome = Capture.Outcome.CHANGED if row.text_changed else Capture.Outcome.CAPTURED


def _gone(source: Source) -> str:
    """MISSING, or VANISHED for the try that makes CAPTURE_VANISH_AFTER in a row since the
    document was last seen (later ones stay MISSING: it vanished once)."""
    captures = source.captures.all()
    seen = captures.successful().order_by("-fetched_at", "-id").first()
    if seen is not None:
        captures = captures.filter(Q(fetched_at__gt=seen.fetched_at))
    streak = list(captures.filter(outcome__in=Capture.GONE).values_list("outcome", flat=True))
    if Capture.Outcome.VANISHED in streak or len(streak) + 1 < settings.CAPTURE_VANISH_AFTER:
        return Capture.Outcome.MISSING
    return Capture.Outcome.VANISHED


def _store_warc(row: Capture, exchanges: list[Exchange]) -> str:
    revisit_of = None
    if row.outcome == Capture.Outcome.UNCHANGED and row.previous is not None:
        previous = row.previous
        revisit_of = (previous.final_url, previous.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    data = warc_bytes(exchanges, fetched_at=row.fetched_at, revisit_of=revisit_of)
    digest = hashlib.sha256(data).hexdigest()
    name = f"warc/{row.fetched_at:%Y/%m/%d}/source-{row.source_id}-{digest[:16]}.warc.gz"
    store_once(name, data)
    return name


def capture_text_diff(capture: Capture) -> list[str]:
    """The lines of a unified diff between the previous copy's text and this capture's."""
    before = (capture.previous.main_text if capture.previous else "").splitlines()
    return list(
        difflib.unified_diff(
            before, capture.main_text.splitlines(), "before", "after", lineterm="", n=1
        )
    )


def sources_pending() -> QuerySet:
    """Sources with an address and no capture yet."""
    return Source.objects.exclude(url="").filter(captures__isnull=True).order_by("pk")


def sources_due(now: datetime.datetime | None = None) -> QuerySet:
    """Sources to fetch again: never captured, last tried CAPTURE_RECHECK_DAYS ago, or last
    found gone or failing and tried CAPTURE_RETRY_HOURS ago (so a vanishing source's tries
    come days, not months, apart)."""
    now = now or timezone.now()
    latest = Capture.objects.filter(source=OuterRef("pk")).order_by("-fetched_at", "-id")
    recheck = now - datetime.timedelta(days=settings.CAPTURE_RECHECK_DAYS)
    retry = now - datetime.timedelta(hours=settings.CAPTURE_RETRY_HOURS)
    troubled = [*Capture.GONE, Capture.Outcome.FAILED]
    return (
        Source.objects.exclude(url="")
        .annotate(
            last_at=Subquery(latest.values("fetched_at")[:1]),
            last_outcome=Subquery(latest.values("outcome")[:1]),
        )
        .filter(
            Q(last_at__isnull=True)
            | Q(last_at__lte=recheck)
            | Q(last_outcome__in=troubled, last_at__lte=retry)
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class ArchiveState:
    """What readers are told of a source's archive: when it was last seen (and the capture
    that saw it: our archived copy), and whether it has vanished since."""

    source_id: int
    seen_id: int | None
    seen_at: datetime.datetime | None
    vanished_at: datetime.datetime | None

    @property
    def vanished(self) -> bool:
        return self.vanished_at is not None


def archive_states(source_ids) -> dict[int, ArchiveState]:
    """The archive state of each source of `source_ids`, in one query."""
    ids = list(dict.fromkeys(source_ids))
    if not ids:
        return {}
    captures = Capture.objects.filter(source=OuterRef("pk")).order_by("-fetched_at", "-id")
    seen = captures.successful()
    rows = (
        Source.objects.filter(pk__in=ids)
        .annotate(
            seen_id=Subquery(seen.values("id")[:1]),
            seen_at=Subquery(seen.values("fetched_at")[:1]),
            last_outcome=Subquery(
                captures.filter(outcome__in=[*Capture.SEEN, *Capture.GONE]).values("outcome")[:1]
            ),
            vanished_at=Subquery(
                captures.filter(outcome=Capture.Outcome.VANISHED).values("fetched_at")[:1]
            ),
        )
        .values_list("pk", "seen_id", "seen_at", "last_outcome", "vanished_at")
    )
    states = {}
    for pk, seen_id, seen_at, last, vanished_at in rows:
        # Vanished: still gone now, and it vanished after it was last seen.
        gone = last in Capture.GONE and vanished_at and (seen_at is None or vanished_at > seen_at)
        states[pk] = ArchiveState(pk, seen_id, seen_at, vanished_at if gone else None)
    return states
