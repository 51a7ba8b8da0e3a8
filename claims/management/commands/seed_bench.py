"""Fill an empty database with realistic synthetic data for benchmarks (fixed random seed).

For N claims, in the proportions of a busy newsroom after years: N/5 claimants, 3N sources,
10N evidence links, 3N status changes, N/20 investigations, N appearances, French and English
text. PostgreSQL is filled with COPY; other databases with bulk inserts (slower).
"""

import datetime
import random
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from claims.models import Claim, Rating, Topic
from claims.search import search_vector_refresh

FR = [
    "le",
    "gouvernement",
    "la",
    "police",
    "les",
    "impôts",
    "le",
    "chômage",
    "la",
    "dette",
    "les",
    "retraites",
    "l'école",
    "l'hôpital",
    "la",
    "sécurité",
    "les",
    "salaires",
    "le",
    "climat",
    "l'énergie",
    "les",
    "migrants",
    "la",
    "justice",
    "reconnaissance",
    "faciale",
    "vidéosurveillance",
    "budget",
    "inflation",
    "logement",
]
EN = [
    "the",
    "government",
    "police",
    "taxes",
    "unemployment",
    "debt",
    "pensions",
    "schools",
    "hospitals",
    "crime",
    "wages",
    "climate",
    "energy",
    "migration",
    "courts",
    "facial",
    "recognition",
    "surveillance",
    "budget",
    "inflation",
    "housing",
]
VERBS_FR = ["a augmenté de", "a baissé de", "n'a jamais utilisé", "coûte", "représente"]
VERBS_EN = ["rose by", "fell by", "never used", "costs", "accounts for"]


class Command(BaseCommand):
    help = "Seed an empty database with N synthetic claims and everything around them."

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, claims: int, seed: int, **options):
        if Claim.objects.exists():
            raise CommandError("The database already has claims; seed_bench needs an empty one.")
        if claims < 20:
            raise CommandError("--claims must be at least 20.")
        self.rng = random.Random(seed)
        syllables = ["ba", "ri", "lo", "que", "tan", "mi", "sor", "vel", "dun", "cha", "ne", "pol"]
        self.names = sorted(
            {
                "".join(self.rng.choice(syllables) for _ in range(self.rng.randint(2, 4)))
                for _ in range(6000)
            }
        )
        started = time.perf_counter()
        self.n = claims
        with transaction.atomic():
            self.seed()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Leave nothing for autovacuum to do: a benchmark started right after seeding
            # would otherwise share the cores with it. (VACUUM cannot run in a transaction,
            # as under a test's; there the planner statistics do not matter.)
            self.stderr.write("vacuuming and analysing…")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {claims} claims in {time.perf_counter() - started:.0f} s.")
        )

    # -- text ------------------------------------------------------------------------------

    def sentence(self, french: bool) -> str:
        words, verbs = (FR, VERBS_FR) if french else (EN, VERBS_EN)
        # Names of places, people and programmes: what makes real claims searchable.
        subject = " ".join([*self.rng.sample(words, 1), *self.rng.sample(self.names, 2)])
        number = self.rng.randint(2, 95)
        unit = "%" if self.rng.random() < 0.5 else (" milliards" if french else " billion")
        return (
            f"{subject.capitalize()} {self.rng.choice(verbs)} {number}{unit} "
            + " ".join(self.rng.sample(words, 3))
            + "."
        )

    # -- rows ------------------------------------------------------------------------------

    def seed(self) -> None:
        rng, n = self.rng, self.n
        now = timezone.now()
        ratings = list(Rating.objects.all())
        topics = [
            Topic.objects.create(name=f"Topic {i}", slug=f"bench-topic-{i}") for i in range(50)
        ]
        steps = [
            ("publishers", 500),
            ("claimants", n // 5),
            ("sources", 3 * n),
            ("investigations", max(n // 20, 1)),
            ("claims", n),
            ("topics", n),
            ("evidence", 10 * n),
            ("status changes", 3 * n),
            ("publications", n),
            ("appearances", n),
        ]
        self.progress = tqdm(
            total=sum(c for _, c in steps), unit="row", file=sys.stderr, disable=None
        )
        day0 = datetime.date(2015, 1, 1)

        def day(offset_max=3600):
            return day0 + datetime.timedelta(days=rng.randint(0, offset_max))

        pub_ids = self.copy(
            "sources_publisher",
            ["name", "slug", "kind", "url", "country", "created_at", "updated_at"],
            (
                (
                    f"Publisher {i}",
                    f"bench-publisher-{i}",
                    "media",
                    f"https://publisher{i}.example.org",
                    "FR",
                    now,
                    now,
                )
                for i in range(500)
            ),
        )
        claimant_ids = self.copy(
            "claims_claimant",
            [
                "name",
                "slug",
                "kind",
                "role",
                "affiliation",
                "wikidata_id",
                "created_at",
                "updated_at",
            ],
            (
                (f"Person {i}", f"bench-claimant-{i}", "person", "Minister", "", "", now, now)
                for i in range(n // 5)
            ),
        )
        source_ids = self.copy(
            "sources_source",
            [
                "title",
                "url",
                "normalised_url",
                "publisher_id",
                "kind",
                "language",
                "published_on",
                "accessed_on",
                "archive_url",
                "created_at",
                "updated_at",
            ],
            (
                (
                    self.sentence(i % 2 == 0),
                    f"https://news.example.org/a/{i}",
                    f"https://news.example.org/a/{i}",
                    rng.choice(pub_ids),
                    "article",
                    "fr" if i % 2 == 0 else "en",
                    d,
                    d,
                    "",
                    now,
                    now,
                )
                for i in range(3 * n)
                for d in [day()]
            ),
        )
        inv_ids = self.copy(
            "sources_investigation",
            [
                "title",
                "slug",
                "body_id",
                "kind",
                "description",
                "opened_on",
                "initial_state",
                "state",
                "outcome",
                "created_at",
                "updated_at",
            ],
            (
                (
                    f"Inquiry {i}",
                    f"bench-inquiry-{i}",
                    rng.choice(pub_ids),
                    "regulatory",
                    "",
                    day(),
                    "requested",
                    rng.choice(["open", "requested", "concluded"]),
                    "",
                    now,
                    now,
                )
                for i in range(max(n // 20, 1))
            ),
        )
        # The last of each claim's three status changes decides its rating.
        final = [rng.choice(ratings) for _ in range(n)]
        claim_rows = []
        for i in range(n):
            french = i % 2 == 0
            said = day()
            text = self.sentence(french)
            published = rng.random() < 0.9
            claim_rows.append(
                (
                    text,
                    f"bench-claim-{i}",
                    text,
                    "fr" if french else "en",
                    "",
                    "",
                    rng.choice(claimant_ids),
                    said,
                    "fr" if french else "en",
                    "Summary: " + self.sentence(not french),
                    final[i].pk,
                    "published" if published else "draft",
                    now if published else None,
                    "",
                    "",
                    now,
                    now,
                    1,
                )
            )
        claim_ids = self.copy(
            "claims_claim",
            [
                "text",
                "slug",
                "quote",
                "quote_language",
                "quote_translation",
                "editor_note",
                "claimant_id",
                "said_on",
                "language",
                "summary",
                "rating_id",
                "publication_state",
                "published_at",
                "withdrawal_note",
                "import_key",
                "created_at",
                "updated_at",
                "version",
            ],
            iter(claim_rows),
        )
        self.copy(
            "claims_claim_topics",
            ["claim_id", "topic_id"],
            ((cid, rng.choice(topics).pk) for cid in claim_ids),
            returning=False,
        )
        self.copy(
            "claims_claim_investigations",
            ["claim_id", "investigation_id"],
            ((cid, rng.choice(inv_ids)) for cid in claim_ids[::20]),
            returning=False,
        )
        self.copy(
            "claims_evidence",
            ["claim_id", "source_id", "stance", "excerpt", "note", "created_at", "updated_at"],
            (
                (
                    cid,
                    sid,
                    rng.choice(["supports", "contradicts", "context"]),
                    "Excerpt.",
                    "",
                    now,
                    now,
                )
                for cid in claim_ids
                for sid in rng.sample(source_ids, 10)
            ),
            returning=False,
        )
        changes = []
        for index, cid in enumerate(claim_ids):
            previous = None
            for step in range(3):
                to = final[index] if step == 2 else rng.choice(ratings)
                changes.append(
                    (
                        cid,
                        previous.pk if previous else None,
                        to.pk,
                        day(),
                        "Explanation of the change.",
                        "correction" if rng.random() < 0.03 else "update",
                        now - datetime.timedelta(days=30 * (3 - step)),
                    )
                )
                previous = to
        change_ids = self.copy(
            "claims_statuschange",
            [
                "claim_id",
                "from_rating_id",
                "to_rating_id",
                "facts_known_on",
                "explanation",
                "kind",
                "created_at",
            ],
            iter(changes),
        )
        # Each published claim went public with its latest (third) change as the verdict.
        self.copy(
            "claims_publicationevent",
            ["claim_id", "kind", "status_change_id", "note", "created_at"],
            (
                (cid, "published", change_ids[3 * index + 2], "", now)
                for index, cid in enumerate(claim_ids)
                if claim_rows[index][11] == "published"
            ),
            returning=False,
        )
        self.copy(
            "claims_appearance",
            ["claim_id", "medium", "outlet", "url", "archive_url", "appeared_on"],
            ((cid, "tv", "France 5", "", "", day()) for cid in claim_ids),
            returning=False,
        )
        self.progress.close()
        self.stderr.write("building search vectors…")
        search_vector_refresh(claim_ids)

    def copy(self, table: str, columns: list[str], rows, returning: bool = True) -> list[int]:
        """Insert rows fast and return their ids (COPY on PostgreSQL)."""
        rows = list(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
                start = cursor.fetchone()[0]
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        self.progress.update()
                if not returning:
                    return []
                cursor.execute(f"SELECT id FROM {table} WHERE id > %s ORDER BY id", [start])
                return [r[0] for r in cursor.fetchall()]
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )
            self.progress.update(len(rows))
            if not returning:
                return []
            cursor.execute(f"SELECT id FROM {table} ORDER BY id DESC LIMIT %s", [len(rows)])
            return sorted(r[0] for r in cursor.fetchall())
