"""Fetch again the sources that are due (or --all), and record each result as a capture."""

from django.core.management.base import BaseCommand

from sources.capture.runs import capture_all, summary
from sources.capture.services import sources_due
from sources.models import Source


class Command(BaseCommand):
    help = (
        "Re-check cited documents: those never captured, last checked CAPTURE_RECHECK_DAYS "
        "ago, or last found gone or failing CAPTURE_RETRY_HOURS ago (--all: every source "
        "now). Conditional requests; a polite pace per host."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Every source with an address.")

    def handle(self, *args, all=False, **options):
        sources = Source.objects.exclude(url="").order_by("pk") if all else sources_due()
        outcomes = capture_all(sources, conditional=True, stream=self.stderr, label="check")
        self.stdout.write(summary(outcomes))
