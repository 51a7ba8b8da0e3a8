"""Write the ClaimReview DataFeed of every published verdict to a file or stdout."""

import json

from django.core.management.base import BaseCommand

from claims.claimreview.export import claimreview_datafeed
from claims.exports import add_export_arguments


class Command(BaseCommand):
    help = "Export published verdicts as a schema.org ClaimReview DataFeed (JSON-LD)."

    def add_arguments(self, parser):
        add_export_arguments(parser)

    def handle(self, *args, output=None, base_url, **options):
        feed = claimreview_datafeed(base_url=base_url)
        text = json.dumps(feed, ensure_ascii=False, indent=1)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"{len(feed['dataFeedElement'])} reviews written to {output}")
        else:
            self.stdout.write(text)
