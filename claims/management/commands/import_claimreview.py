"""Import ClaimReview records published by fact-checkers (see README: "Importing")."""

import json
import multiprocessing
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from claims import bulk
from claims.claimreview.load import Skipped
from claims.claimreview.parse import (
    ClaimReviewFile,
    FileChanged,
    Rejected,
    parse_record,
    scan_file,
)
from claims.services import ImportContext, claimreview_records_import

# Records written together: big enough that each table costs a few statements per batch,
# small enough that a batch the database refuses is cheap to redo record by record.
BATCH_SIZE = 2000
MAX_REJECTIONS_KEPT = 10_000


_records: Iterator | None = None  # the file being read; a forked parser process inherits it


def _parse_next() -> list:
    """(position, clean record or Rejected) for the file's next chunk, keys computed; [] at
    its end. Reads the file itself: the process that runs this holds one chunk at a time."""
    parsed = []
    for position, raw in islice(_records, BATCH_SIZE):
        try:
            record = parse_record(raw)
            record.key  # noqa: B018  (computed and sent back with the record)
        except Rejected as error:
            record = error
        parsed.append((position, record))
    return parsed


def parsed_chunks(found: ClaimReviewFile) -> Iterator[list]:
    """The file's records, read and parsed chunk by chunk. Where processes can fork, a second
    process reads and parses the next chunk while this one writes the last: that is a fifth
    of an import's time, and the other core is otherwise idle while PostgreSQL works. Only
    one chunk runs ahead, so memory stays bounded whatever the file's size."""
    global _records
    _records = found.records()  # not started: whichever process parses opens the file
    try:
        if "fork" not in multiprocessing.get_all_start_methods() or found.count <= BATCH_SIZE:
            while parsed := _parse_next():
                yield parsed
            return
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as parser:
            upcoming = parser.submit(_parse_next)
            while parsed := upcoming.result():
                upcoming = parser.submit(_parse_next)
                yield parsed
    finally:
        _records = None


class DryRunRollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import ClaimReview records from JSON arrays, schema.org DataFeeds, JSON Lines or Google "
        "Fact Check Tools API responses. Re-importing the same records changes nothing. A claim "
        "is changed only while it is as the last import left it: a record whose claim was "
        "withdrawn or edited since, or that --as USER may not change, is skipped with the "
        "reason (a record that would change nothing is counted unchanged, whatever its claim's "
        "state). Without --as the import is the system: it creates drafts and changes no claim "
        "that has been published."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Report without writing.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish imported claims (default: drafts). Needs --as a chief editor.",
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USER",
            help="Act as this newsroom account, checked like any editor; status changes and "
            "publications record it. Needed for --publish and to change published claims.",
        )
        parser.add_argument(
            "--report",
            help="Write every rejected and skipped record and unmapped rating to this JSON file.",
        )
        parser.add_argument(
            "--show",
            type=int,
            default=20,
            help="How many rejected and skipped records to list (default 20).",
        )

    def handle(self, *args, paths, dry_run, publish, report, show, username=None, **options):
        self.counts = Counter()
        self.rejected: list[tuple[str, str]] = []  # the first MAX_REJECTIONS_KEPT, by position
        self.reasons: Counter = Counter()
        self.skipped: list[dict] = []  # the first MAX_REJECTIONS_KEPT, by position
        self.skip_reasons: Counter = Counter()
        if publish and not username:
            raise CommandError(
                "--publish needs --as USER: an account allowed to publish (a chief editor)"
            )
        user = self.acting_user(username) if username else None
        started = time.perf_counter()
        try:
            context = ImportContext(publish=publish, user=user)
        except PermissionDenied as error:
            raise CommandError(f"--as {username}: {error}") from None
        try:
            with transaction.atomic():
                bulk.defer_index_merges()
                for path in paths:
                    self.import_file(path, context)
                if dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        elapsed = time.perf_counter() - started
        self.print_summary(context, elapsed, dry_run, show)
        if report:
            with open(report, "w", encoding="utf-8") as handle:
                json.dump(
                    {
                        "counts": self.counts,
                        "rejected": [{"position": p, "reason": r} for p, r in self.rejected],
                        "skipped": self.skipped,
                        "unmapped_ratings": context.unmapped,
                    },
                    handle,
                    ensure_ascii=False,
                    indent=1,
                )

    def acting_user(self, username: str):
        """The account the import acts as. What it may do is checked by ImportContext."""
        User = get_user_model()
        try:
            return User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"--as {username}: no such user") from None

    def import_file(self, path: str, context: ImportContext) -> None:
        seen: set[bytes] = set()  # keys, as bytes: a file may hold a million records
        try:
            found = scan_file(path)
            progress = tqdm(
                total=found.count,
                desc=path.rsplit("/", 1)[-1],
                unit="rec",
                file=sys.stderr,
                disable=None,
                leave=False,
            )
            for parsed in parsed_chunks(found):
                batch: list[tuple[str, object]] = []
                for position, record in parsed:
                    self.counts["read"] += 1
                    where = f"{path}: {position}"
                    if isinstance(record, Rejected):
                        self.reject(where, str(record))
                    elif (key := bytes.fromhex(record.key)) in seen:
                        self.counts["duplicate"] += 1
                    else:
                        seen.add(key)
                        batch.append((where, record))
                progress.update(len(parsed) - len(batch))
                self.import_batch(batch, context, progress)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
        except FileChanged as error:  # nothing is kept: the run's transaction rolls back
            raise CommandError(str(error)) from None
        progress.close()

    def import_batch(self, batch, context: ImportContext, progress) -> None:
        if not batch:
            return
        outcomes = claimreview_records_import(records=[r for _, r in batch], context=context)
        for (where, record), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Skipped):
                self.skip(where, record.key, outcome)
            elif isinstance(outcome, Rejected):  # the scale has no rating for it
                self.reject(where, str(outcome))
            elif isinstance(outcome, Exception):  # one record's problem, not the run's
                self.reject(
                    where,
                    f"could not be stored ({type(outcome).__name__}: "
                    f"{str(outcome).splitlines()[0][:120]})",
                )
            else:
                self.counts[outcome] += 1
        progress.update(len(batch))

    def skip(self, where: str, key: str, skipped: Skipped) -> None:
        self.counts["skipped"] += 1
        self.skip_reasons[skipped.reason] += 1
        if len(self.skipped) < MAX_REJECTIONS_KEPT:
            self.skipped.append(
                {
                    "position": where,
                    "key": key,
                    "claim": skipped.claim_id,
                    "reason": skipped.reason,
                }
            )

    def reject(self, where: str, reason: str) -> None:
        self.counts["rejected"] += 1
        self.reasons[reason] += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:  # a hostile file must not fill memory
            self.rejected.append((where, reason))

    def print_summary(self, context, elapsed: float, dry_run: bool, show: int) -> None:
        c = self.counts
        rate = c["read"] / elapsed if elapsed else 0
        head = "Dry run, nothing written" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{head}: {c['read']} records read in {elapsed:.1f} s ({rate:.0f} records/s)"
            )
        )
        for name in ["created", "updated", "unchanged", "duplicate", "rejected"]:
            self.stdout.write(f"  {name:<10} {c[name]}")
        for reason, count in self.reasons.most_common():
            self.stdout.write(f"    {count:>6}  {reason}")
        # After the five counts above, which scripts read by position (bench/run.py).
        self.stdout.write(f"  {'skipped':<10} {c['skipped']}")
        for reason, count in self.skip_reasons.most_common():
            self.stdout.write(f"    {count:>6}  {reason}")
        for where, reason in self.rejected[:show]:
            self.stdout.write(f"  rejected {where}: {reason}")
        if c["rejected"] > show:
            self.stdout.write(f"  … {c['rejected'] - show} more (use --report FILE)")
        for entry in self.skipped[:show]:
            self.stdout.write(
                f"  skipped {entry['position']} (claim {entry['claim']}): {entry['reason']}"
            )
        if c["skipped"] > show:
            self.stdout.write(f"  … {c['skipped'] - show} more skipped (use --report FILE)")
        if context.unmapped:
            total = sum(context.unmapped.values())
            self.stdout.write(
                f"  ratings not mapped (imported as {context.fallback.label}): {total} records, "
                f"{len(context.unmapped)} labels; the most frequent:"
            )
            for label, count in sorted(context.unmapped.items(), key=lambda x: -x[1])[:show]:
                self.stdout.write(f"    {count:>6}  {label}")
