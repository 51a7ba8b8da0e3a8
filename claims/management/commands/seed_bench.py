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

from claims import bulk
from claims.models import (
    Appearance,
    Claim,
    Claimant,
    Evidence,
    PublicationEvent,
    Rating,
    StatusChange,
    Topic,
)
from claims.search import vector_sql
from sources.models import Investigation, Publisher, Source

BATCH = 50_000  # rows per COPY: bounded memory at a million evidence links

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
    # Each step draws from the one random generator in a fixed order, so a seed always gives
    # the same database.

    def seed(self) -> None:
        self.now = timezone.now()
        self.ratings = list(Rating.objects.all())
        self.topics = [
            Topic.objects.create(name=f"Topic {i}", slug=f"bench-topic-{i}") for i in range(50)
        ]
        n = self.n
        counts = [500, n // 5, 3 * n, max(n // 20, 1), n, n, n // 20, 10 * n, 3 * n, n, n]
        self.progress = tqdm(total=sum(counts), unit="row", file=sys.stderr, disable=None)
        publishers = self.publishers()
        claimants = self.claimants()
        sources = self.sources(publishers)
        investigations = self.investigations(publishers)
        final = [self.rng.choice(self.ratings) for _ in range(n)]
        claims, published = self.claims(claimants, final)
        self.claim_links(claims, investigations)
        self.evidence(claims, sources)
        changes = self.status_changes(claims, final)
        self.publications(claims, published, changes)
        self.appearances(claims)
        self.progress.close()

    def day(self, offset_max: int = 3600) -> datetime.date:
        return datetime.date(2015, 1, 1) + datetime.timedelta(days=self.rng.randint(0, offset_max))

    def insert(self, model, rows, **options) -> list[int]:
        """Rows in through the import's COPY writer (bulk.insert), in batches; their ids."""
        ids, batch = [], []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                ids += bulk.insert(model, batch, history=False, **options)
                self.progress.update(len(batch))
                batch = []
        ids += bulk.insert(model, batch, history=False, **options)
        self.progress.update(len(batch))
        return ids

    def publishers(self) -> list[int]:
        return self.insert(
            Publisher,
            (
                {
                    "name": f"Publisher {i}",
                    "slug": f"bench-publisher-{i}",
                    "kind": "media",
                    "url": f"https://publisher{i}.example.org",
                    "country": "FR",
                }
                for i in range(500)
            ),
        )

    def claimants(self) -> list[int]:
        return self.insert(
            Claimant,
            (
                {"name": f"Person {i}", "slug": f"bench-claimant-{i}", "role": "Minister"}
                for i in range(self.n // 5)
            ),
        )

    def sources(self, publishers: list[int]) -> list[int]:
        def row(i: int, published: datetime.date) -> dict:
            return {
                "title": self.sentence(i % 2 == 0),
                "url": f"https://news.example.org/a/{i}",
                "normalised_url": f"https://news.example.org/a/{i}",
                "publisher_id": self.rng.choice(publishers),
                "kind": "article",
                "language": "fr" if i % 2 == 0 else "en",
                "published_on": published,
                "accessed_on": published,
            }

        return self.insert(Source, (row(i, self.day()) for i in range(3 * self.n)))

    def investigations(self, publishers: list[int]) -> list[int]:
        return self.insert(
            Investigation,
            (
                {
                    "title": f"Inquiry {i}",
                    "slug": f"bench-inquiry-{i}",
                    "body_id": self.rng.choice(publishers),
                    "kind": "regulatory",
                    "opened_on": self.day(),
                    "initial_state": "requested",
                    "state": self.rng.choice(["open", "requested", "concluded"]),
                }
                for i in range(max(self.n // 20, 1))
            ),
        )

    def claims(self, claimants: list[int], final: list) -> tuple[list[int], list[bool]]:
        """N claims, nine in ten published, each rated as its last status change will say."""
        published = []

        def row(i: int) -> dict:
            french = i % 2 == 0
            said, text = self.day(), self.sentence(french)
            published.append(self.rng.random() < 0.9)
            return {
                "text": text,
                "slug": f"bench-claim-{i}",
                "quote": text,
                "quote_language": "fr" if french else "en",
                "claimant_id": self.rng.choice(claimants),
                "said_on": said,
                "language": "fr" if french else "en",
                "summary": "Summary: " + self.sentence(not french),
                "rating_id": final[i].pk,
                "publication_state": "published" if published[-1] else "draft",
                "published_at": self.now if published[-1] else None,
            }

        # The search vector is computed as each row goes in, as the import does.
        vector = vector_sql(
            "s", "(SELECT cl.name FROM claims_claimant AS cl WHERE cl.id = s.claimant_id)"
        )
        rows = (row(i) for i in range(self.n))
        return self.insert(Claim, rows, computed={"search_vector": vector}), published

    def claim_links(self, claims: list[int], investigations: list[int]) -> None:
        self.insert(
            Claim.topics.through,
            ({"claim_id": c, "topic_id": self.rng.choice(self.topics).pk} for c in claims),
        )
        self.insert(
            Claim.investigations.through,
            (
                {"claim_id": c, "investigation_id": self.rng.choice(investigations)}
                for c in claims[::20]
            ),
        )

    def evidence(self, claims: list[int], sources: list[int]) -> None:
        stances = ["supports", "contradicts", "context"]
        self.insert(
            Evidence,
            (
                {
                    "claim_id": claim,
                    "source_id": source,
                    "stance": self.rng.choice(stances),
                    "excerpt": "Excerpt.",
                }
                for claim in claims
                for source in self.rng.sample(sources, 10)
            ),
        )

    def status_changes(self, claims: list[int], final: list) -> list[int]:
        """Three changes a claim, a month apart, the last one to its current rating."""

        def rows():
            for index, claim in enumerate(claims):
                previous = None
                for step in range(3):
                    to = final[index] if step == 2 else self.rng.choice(self.ratings)
                    yield {
                        "claim_id": claim,
                        "from_rating_id": previous.pk if previous else None,
                        "to_rating_id": to.pk,
                        "facts_known_on": self.day(),
                        "explanation": "Explanation of the change.",
                        "kind": "correction" if self.rng.random() < 0.03 else "update",
                        "created_at": self.now - datetime.timedelta(days=30 * (3 - step)),
                    }
                    previous = to

        return self.insert(StatusChange, rows())

    def publications(self, claims: list[int], published: list[bool], changes: list[int]) -> None:
        """Each published claim went public with its latest (third) change as the verdict."""
        self.insert(
            PublicationEvent,
            (
                {
                    "claim_id": claim,
                    "kind": "published",
                    "status_change_id": changes[3 * index + 2],
                    "created_at": self.now,
                }
                for index, claim in enumerate(claims)
                if published[index]
            ),
        )

    def appearances(self, claims: list[int]) -> None:
        self.insert(
            Appearance,
            (
                {"claim_id": claim, "medium": "tv", "outlet": "France 5", "appeared_on": self.day()}
                for claim in claims
            ),
        )
