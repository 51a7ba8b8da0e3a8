"""CSV export of claims, safe to open in a spreadsheet."""

import csv
from collections.abc import Iterable

from .models import Claim, default_language_url

COLUMNS = [
    "id",
    "claim",
    "claimant",
    "said_on",
    "language",
    "rating",
    "final_verdict",
    "publication_state",
    "published_at",
    "updated_at",
    "public_url",
    "appearance_urls",
    "evidence_urls",
]
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with a leading apostrophe where a spreadsheet would run a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_queryset(claims):
    return (
        claims.select_related("claimant", "rating")
        .prefetch_related("appearances", "evidence__source")
        .order_by("id")
    )


def write_claims_csv(claims: Iterable[Claim], out, *, base_url: str, bom: bool = False) -> int:
    """Write one row per claim to the text stream `out`; returns the number of rows."""
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for claim in claims:
        rating = claim.rating
        writer.writerow(
            [
                neutralise(v)
                for v in [
                    claim.pk,
                    claim.text,
                    claim.claimant.name,
                    claim.said_on.isoformat(),
                    claim.language,
                    rating.label if rating else "",
                    "yes" if rating and rating.is_final else "no",
                    claim.publication_state,
                    claim.published_at.isoformat() if claim.published_at else "",
                    claim.updated_at.isoformat(),
                    base_url + default_language_url(claim) if claim.is_public else "",
                    " ".join(a.url for a in claim.appearances.all() if a.url),
                    " ".join(e.source.url for e in claim.evidence.all() if e.source.url),
                ]
            ]
        )
        count += 1
    return count


def add_export_arguments(parser) -> None:
    """The options every export command shares: where to write, and the site's address."""
    parser.add_argument("--output", "-o", help="File to write (default: standard output).")
    parser.add_argument(
        "--base-url",
        default="http://localhost:8000",
        type=_base_url,
        help="The public site's address, for the URLs in the export "
        "(e.g. https://factcheck.example.org).",
    )


def _base_url(value: str) -> str:
    import argparse

    if not value.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError("must start with http:// or https://")
    return value.rstrip("/")
