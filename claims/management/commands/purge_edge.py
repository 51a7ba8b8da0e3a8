"""Keep an edge cache (Varnish, a CDN) true: purge exactly the pages each commit changed.

Runs until stopped (a service beside the web workers; see docs/deploy.md). Needs PostgreSQL
(its LISTEN/NOTIFY carries each commit's keys) and PURGE_URL.
"""

import contextlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from claims.public import edge


class Command(BaseCommand):
    help = "Listen for public changes and purge their keys at PURGE_URL (Varnish xkey)."

    def handle(self, *args, **options):
        if not settings.PURGE_URL:
            raise CommandError("PURGE_URL is not set: there is no edge cache to purge.")
        if connection.vendor != "postgresql":
            raise CommandError("Purging the edge needs PostgreSQL (LISTEN/NOTIFY).")
        self.stdout.write(f"purging changed pages at {settings.PURGE_URL}")
        with contextlib.suppress(KeyboardInterrupt):
            edge.listen(on_purge=lambda keys: self.stdout.write(" ".join(keys)[:200]))
