"""Write the ClaimReview DataFeed of every published verdict to a file or stdout."""

import json

from django.core.management.base import BaseCommand, CommandError

from claims.claimreview import claimreview_datafeed


class Command(BaseCommand):
    help = "Export published verdicts as a schema.org ClaimReview DataFeed (JSON-LD)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="The public site's address, for the reviews' URLs (e.g. https://factcheck.example.org).",
        )

    def handle(self, *args, output=None, base_url, **options):
        if not base_url.startswith(("http://", "https://")):
            raise CommandError("--base-url must start with http:// or https://")
        feed = claimreview_datafeed(base_url=base_url.rstrip("/"))
        text = json.dumps(feed, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"{len(feed['dataFeedElement'])} reviews written to {output}")
        else:
            self.stdout.write(text)
