"""Write claims as CSV (UTF-8; --bom for Excel)."""

import sys

from django.core.management.base import BaseCommand

from claims.exports import add_export_arguments, export_queryset, write_claims_csv
from claims.models import Claim


class Command(BaseCommand):
    help = "Export claims with their current rating, claimant, dates and URLs as CSV."

    def add_arguments(self, parser):
        add_export_arguments(parser)
        parser.add_argument(
            "--all",
            action="store_true",
            help="Every claim, drafts included (default: published only).",
        )
        parser.add_argument(
            "--bom",
            action="store_true",
            help="Start with a UTF-8 byte-order mark, so Excel reads accents.",
        )

    def handle(self, *args, output=None, all=False, bom=False, base_url, **options):
        claims = export_queryset(Claim.objects.all() if all else Claim.objects.published())
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                count = write_claims_csv(claims, handle, base_url=base_url, bom=bom)
            self.stderr.write(f"{count} claims written to {output}")
        else:
            write_claims_csv(claims, sys.stdout, base_url=base_url, bom=bom)
