"""Purging an edge cache (Varnish with xkey, or a CDN) of exactly what a change touched.

Every public response names its keys (`xkey`, `Surrogate-Key`; claims/public/caching.py), so
the edge can keep pages for a day. PostgreSQL announces each commit's keys on the
`public_keys` channel (claims/public/triggers.py) — raw SQL and imports too — and
`manage.py purge_edge` listens and sends them to PURGE_URL: one `PURGE` request per batch,
the keys in `xkey-purge` (docs/varnish.vcl) and `Surrogate-Key`, and again a moment later
(PURGE_AGAIN_SECONDS) for a page rendered from before the change. Announcements made while no
listener was connected are lost, so on (re)connecting, and after the edge could not be
reached, it first purges `site`, every page.
"""

import logging
import time
import urllib.error
import urllib.request

import psycopg
from django.conf import settings
from psycopg.conninfo import make_conninfo

from .caching import SITE_KEY
from .triggers import CHANNEL

log = logging.getLogger(__name__)

# Keys per request: headers stay well under the 8 KB proxies accept.
HEADER_BYTES = 6000


def purge(keys: list[str], url: str | None = None) -> None:
    """Ask the edge to drop every response carrying any of `keys`."""
    url = url or settings.PURGE_URL
    batch: list[str] = []
    for key in keys:
        if batch and len(" ".join(batch)) + 1 + len(key) > HEADER_BYTES:
            _send(url, " ".join(batch))
            batch = []
        batch.append(key)
    if batch:
        _send(url, " ".join(batch))


def _send(url: str, keys: str) -> None:
    request = urllib.request.Request(
        url, method="PURGE", headers={"xkey-purge": keys, "Surrogate-Key": keys}
    )
    for attempt in range(3):
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (settings)
                response.read()
            return
        except (urllib.error.URLError, OSError) as error:
            log.warning("purge of %s at %s failed (%s), try %d", keys[:80], url, error, attempt + 1)
            time.sleep(0.2 * 2**attempt)
    # The edge may now hold pages that changed: it is told to drop everything once it answers.
    log.error("could not purge %s at %s; will purge everything", keys[:200], url)
    raise EdgeUnreachable(url)


class EdgeUnreachable(Exception):
    pass


def _connect() -> psycopg.Connection:
    db = settings.DATABASES["default"]  # announcements are made on the primary
    conninfo = make_conninfo(
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )
    connection = psycopg.connect(conninfo, autocommit=True)
    connection.execute(f"LISTEN {CHANNEL}")
    return connection


def listen(stop=None, on_purge=None, batch_seconds: float = 0.02) -> None:
    """Purge what each commit touched until `stop` (a threading.Event) is set; `on_purge`
    is called with each batch's keys once purged."""
    while stop is None or not stop.is_set():
        try:
            connection = _connect()
        except psycopg.OperationalError as error:
            log.warning("cannot listen for public changes (%s); retrying", error)
            time.sleep(1)
            continue
        try:
            purge([SITE_KEY])  # what was announced while nobody listened is lost
            if on_purge:
                on_purge([SITE_KEY])
            _relay(connection, stop, on_purge, batch_seconds)
        except psycopg.OperationalError as error:
            log.warning("lost the database connection (%s); reconnecting", error)
        except EdgeUnreachable:
            time.sleep(1)  # reconnecting purges `site` first
        finally:
            connection.close()


def _relay(connection, stop, on_purge, batch_seconds: float) -> None:
    # Each batch is purged twice: at once, and again PURGE_AGAIN_SECONDS later. A page whose
    # render began before the commit (or that a lagging replica served) can reach the edge
    # after the first purge; the second one drops it.
    again: list[tuple[float, list[str]]] = []
    while stop is None or not stop.is_set():
        keys: set[str] = set()
        for notice in connection.notifies(timeout=0.2):
            keys.update(notice.payload.split())
            break
        if keys:
            # Gather what commits right after (an import's many transactions) into one request.
            for notice in connection.notifies(timeout=batch_seconds):
                keys.update(notice.payload.split())
            again.append((time.monotonic() + settings.PURGE_AGAIN_SECONDS, sorted(keys)))
        due = [batch for at, batch in again if at <= time.monotonic()]
        again = [(at, batch) for at, batch in again if at > time.monotonic()]
        for batch in [sorted(keys)] * bool(keys) + due:
            purge(batch)
            if on_purge:
                on_purge(batch)
