"""Capture sources now, in the foreground (cron, tests, a first run after an import)."""

from django.core.management.base import BaseCommand, CommandError

from sources.capture.runs import capture_all, summary
from sources.capture.services import sources_pending
from sources.models import Source


class Command(BaseCommand):
    help = (
        "Fetch and archive sources now: --pending for every source with an address and no "
        "capture yet, --source ID (repeatable) for given ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pending", action="store_true", help="Every source not captured yet.")
        parser.add_argument(
            "--source", type=int, action="append", default=[], metavar="ID", help="A source id."
        )

    def handle(self, *args, pending=False, source=(), **options):
        if not pending and not source:
            raise CommandError("Say which sources: --pending, or --source ID.")
        missing = set(source) - set(
            Source.objects.filter(pk__in=source).values_list("pk", flat=True)
        )
        if missing:
            raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        chosen = Source.objects.none()
        if pending:
            chosen = sources_pending()
        if source:
            chosen = Source.objects.filter(pk__in=[*source, *chosen.values_list("pk", flat=True)])
        chosen = chosen.exclude(url="").order_by("pk")
        outcomes = capture_all(chosen, conditional=False, stream=self.stderr, label="capture")
        self.stdout.write(summary(outcomes))
