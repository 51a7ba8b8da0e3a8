"""Load the demo case (claims/demo_case.py): the French police's use of BriefCam, 2023.

Idempotent: every row is looked up by a stable key before it is created, so running the
command again adds nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims import demo_case as case
from claims.demo_case import DEMO_ACCOUNTS, DemoAccount, at
from claims.models import Appearance, Claim, Claimant, Evidence, Rating, Topic
from claims.services import claim_publish, status_change_record
from sources.models import Investigation, InvestigationUpdate, Publisher, Source
from sources.services import investigation_update_record


class Command(BaseCommand):
    help = "Load the demo case (BriefCam and facial recognition, France, November 2023)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts",
            action="store_true",
            help="Also create the demo editor accounts with known passwords (never in production).",
        )

    def handle(self, *args, **options):
        from django.conf import settings

        if options["accounts"] and not settings.DEBUG:
            raise CommandError("Demo accounts have known passwords; create them only with DEBUG=1.")
        with transaction.atomic():
            created = self.load_case()
            accounts = self.ensure_accounts() if options["accounts"] else []
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo case loaded: {created} new rows, {Claim.objects.count()} claims."
                )
            )
        for account in accounts:
            self.stdout.write(f"username: {account.username}  password: {account.password}")

    # -- accounts ---------------------------------------------------------------------------

    def ensure_accounts(self) -> list[DemoAccount]:
        User = get_user_model()
        for account in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=account.username)
            user.is_staff = True
            user.is_superuser = False
            user.set_password(account.password)
            user.save()
            user.groups.set([Group.objects.get(name=account.group)])
        return DEMO_ACCOUNTS

    # -- the case ---------------------------------------------------------------------------

    def load_case(self) -> int:
        self.created = 0
        publishers = {
            slug: self.get(Publisher, {"slug": slug}, name=name, kind=kind, url=url, country="FR")
            for slug, (name, kind, url) in case.PUBLISHERS.items()
        }
        topics = {
            slug: self.get(Topic, {"slug": slug}, name=name) for slug, name in case.TOPICS.items()
        }
        claimants = {
            key: self.get(Claimant, lookup, **fields)
            for key, (lookup, fields) in case.CLAIMANTS.items()
        }
        sources = {}
        for key, (lookup, fields) in case.SOURCES.items():
            publisher = publishers.get(fields.get("publisher"))
            sources[key] = self.get(Source, lookup, **{**fields, "publisher": publisher})
        investigations = {
            key: self.investigation(
                **{**fields, "body": publishers[fields["body"]]}, sources=sources
            )
            for key, fields in case.INVESTIGATIONS.items()
        }
        for fields in case.CLAIMS:
            self.claim(
                **{
                    **fields,
                    "claimant": claimants[fields["claimant"]],
                    "topics": [topics[slug] for slug in fields["topics"]],
                    "investigations": [investigations[k] for k in fields["investigations"]],
                    "evidence": [(sources[k], *rest) for k, *rest in fields["evidence"]],
                }
            )
        for claim_slug, source, stance, excerpt in case.LATE_EVIDENCE:
            self.get(
                Evidence,
                {"claim": Claim.objects.get(slug=claim_slug), "source": sources[source]},
                stance=stance,
                excerpt=excerpt,
            )
        return self.created

    # -- helpers ----------------------------------------------------------------------------

    def get(self, model, lookup: dict, **defaults):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
        self.created += created
        return obj

    def investigation(self, slug, *, updates, sources, **fields) -> Investigation:
        investigation = self.get(Investigation, {"slug": slug}, **fields)
        for happened_on, state, summary, source_key in updates:
            source = sources[source_key]
            exists = InvestigationUpdate.objects.filter(
                investigation=investigation, happened_on=happened_on, summary=summary
            ).exists()
            if not exists:
                update = investigation_update_record(
                    investigation=investigation,
                    happened_on=happened_on,
                    state=state,
                    summary=summary,
                    source=source,
                )
                # Recorded the day it happened, as the newsroom would have.
                InvestigationUpdate.objects.filter(pk=update.pk).update(created_at=at(happened_on))
                self.created += 1
        return investigation

    def claim(
        self, slug, *, topics, investigations, appearances, evidence, history, published, **fields
    ) -> Claim:
        claim = self.get(Claim, {"slug": slug}, **fields)
        claim.topics.add(*topics)
        claim.investigations.add(*investigations)
        for medium, outlet, day in appearances:
            self.get(
                Appearance, {"claim": claim, "medium": medium, "appeared_on": day}, outlet=outlet
            )
        for source, stance, excerpt in evidence:
            item = self.get(
                Evidence, {"claim": claim, "source": source}, stance=stance, excerpt=excerpt
            )
            if item.created_at > published:  # new this run: gathered before publication
                Evidence.objects.filter(pk=item.pk).update(
                    created_at=published, updated_at=published
                )
        # The demo replays November 2023 in order: each change is dated when it was made
        # then, and the claim is published at its time among them.
        for rating_slug, facts_known_on, recorded_at, kind, explanation in history:
            if claim.status_changes.filter(explanation=explanation).exists():
                continue
            if recorded_at > published and claim.publication_state != Claim.State.PUBLISHED:
                claim_publish(claim=claim, at=published)
            status_change_record(
                claim=claim,
                to_rating=Rating.objects.get(slug=rating_slug),
                facts_known_on=facts_known_on,
                explanation=explanation,
                kind=kind,
                at=recorded_at,
            )
            self.created += 1
        if claim.publication_state != Claim.State.PUBLISHED:
            claim_publish(claim=claim, at=published)
        last = claim.status_changes.order_by("-created_at").values_list("created_at", flat=True)
        Claim.objects.filter(pk=claim.pk).update(updated_at=last[0])
        return claim
