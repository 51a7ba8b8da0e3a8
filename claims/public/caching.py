"""Caching of public pages and values, by what they show.

A page is rendered once, in one database snapshot, and stored with the keys it depends on
(claims/public/dependencies.py) and their versions then. A later request reads the current
versions of those keys (one indexed query, the only one a cached page makes) and, if none
moved, answers from this process's memory or the shared cache (Django's: local memory by
default, Redis when REDIS_URL is set), or 304 to a client that holds it. A change touches
only its own keys, when it commits, so an evidence excerpt saved on claim A re-renders A's
page and nothing else; drafts touch none. When many readers ask for a page whose keys moved,
one renders it and the others wait for that result (a bounded wait). Every response names
its keys (`Surrogate-Key`, `xkey`) so an edge cache can drop exactly those (edge.py).
"""

import hashlib
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

import psycopg
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections, transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.timezone import localdate
from django.utils.translation import get_language

# What every response depends on: TRUNCATE moves it (triggers.py), and the edge purger purges
# it to empty the edge at once (edge.py).
SITE_KEY = "site"

# The keys what is being rendered depends on, as it declares them.
_collected: ContextVar[set[str] | None] = ContextVar("public_keys", default=None)


def depends_on(*keys: str) -> None:
    """Declare that what is being rendered shows the things `keys` name."""
    collected = _collected.get()
    if collected is not None:
        collected.update(keys)


def read_alias() -> str:
    """The database public reads come from: the replica when one is configured (the project's
    router sends them there too)."""
    return "replica" if "replica" in settings.DATABASES else "default"


def key_versions(keys: tuple[str, ...]) -> tuple[tuple[int, ...], float]:
    """The current version of each key (0: never changed) and the latest change's Unix time."""
    if not keys:
        return (), 0.0
    connection = connections[read_alias()]
    # This read is its own health check: Django's (CONN_HEALTH_CHECKS) would cost a second
    # round trip on every page. A connection the database dropped fails here and is replaced
    # once, before anything else of the request has used it.
    connection.health_check_done = True
    try:
        rows = _read_keys(connection, keys)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        rows = _read_keys(connection, keys)
    found = {key: (version, changed_at) for key, version, changed_at in rows}
    versions = tuple(found.get(key, (0, 0.0))[0] for key in keys)
    return versions, max((changed_at for _, changed_at in found.values()), default=0.0)


def _read_keys(connection, keys):
    # Raw SQL: the ORM would cost more than the round trip, on every request.
    if connection.vendor == "postgresql":
        return _read_keys_bound(connection, list(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, version, changed_at FROM claims_publickey WHERE key IN "
            f"({', '.join(['%s'] * len(keys))})",
            list(keys),
        )
        return cursor.fetchall()


KEYS_SQL = (
    "SELECT key, version, changed_at FROM claims_publickey "
    "WHERE key = ANY(string_to_array(%s, ' '))"
)


def _read_keys_bound(connection, keys: list[str]):
    """On PostgreSQL, one query text whatever the keys, with the keys bound on the server as
    one string (keys hold no spaces; a string costs less to send than an array), through a
    cursor kept on the connection. Not a prepared statement: Django leaves psycopg's
    prepare_threshold at None, and a statement a pooler (PgBouncer in transaction mode) lost
    would fail every later hit on that connection."""
    connection.ensure_connection()
    raw = connection.connection
    # Kept on the connection: a psycopg cursor costs more to make than the read itself.
    cursor = getattr(connection, "_public_keys_cursor", None)
    if cursor is None or cursor.connection is not raw or cursor.closed:
        cursor = connection._public_keys_cursor = psycopg.Cursor(raw)
    started = time.monotonic()
    with connection.wrap_database_errors:  # Django's errors, as from its own cursors
        cursor.execute(KEYS_SQL, [" ".join(keys)], prepare=False)
        rows = cursor.fetchall()
    if connection.queries_logged:  # counted like Django's own queries (tests, debug)
        sql = KEYS_SQL % repr(" ".join(keys))
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


@dataclass(frozen=True)
class Entry:
    """A rendered value with the keys it depends on and their versions when it was made."""

    keys: tuple[str, ...]
    versions: tuple[int, ...]
    changed_at: float
    value: Any

    @property
    def size(self) -> int:
        return len(self.value[0]) if isinstance(self.value, tuple) else 0


class _LocalEntries:
    """The pages this process served last, up to a size in bytes: a hit costs no round trip
    to the shared cache and no unpickling."""

    def __init__(self):
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, name: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(name)
            if entry is not None:
                self.entries.move_to_end(name)
            return entry

    def put(self, name: str, entry: Entry) -> None:
        limit = settings.PUBLIC_PAGE_LOCAL_BYTES
        if not entry.size or entry.size > limit:
            return
        with self.lock:
            old = self.entries.pop(name, None)
            if old is not None:
                self.size -= old.size
            self.entries[name] = entry
            self.size += entry.size
            while self.size > limit:
                _, dropped = self.entries.popitem(last=False)
                self.size -= dropped.size

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


local_pages = _LocalEntries()


def _stored(name: str) -> Entry | None:
    entry = local_pages.get(name)
    if entry is None:
        entry = cache.get(name)
        if isinstance(entry, Entry):
            local_pages.put(name, entry)
        else:
            entry = None
    return entry


def _fresh(entry: Entry | None) -> Entry | None:
    """`entry` if none of its keys moved since it was made."""
    if entry is not None and key_versions(entry.keys)[0] == entry.versions:
        return entry
    return None


class Uncacheable(Exception):
    """What was rendered must not be stored (an error page, a response setting a cookie)."""

    def __init__(self, value):
        self.value = value


@contextmanager
def _snapshot():
    """One consistent view of the database for a render and the versions it is stored with:
    a change committed half-way through can neither be half in the page nor hide behind it."""
    alias = read_alias()
    connection = connections[alias]
    if connection.in_atomic_block or connection.vendor != "postgresql":
        yield  # SQLite reads in one transaction; a test's transaction is already one
        return
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _make(compute) -> Entry:
    token = _collected.set(set())
    try:
        with _snapshot():
            value = compute()
            keys = tuple(sorted(_collected.get()))
            versions, changed_at = key_versions(keys)
    finally:
        _collected.reset(token)
    return Entry(keys, versions, changed_at, value)


def _make_once(name: str, compute, known: Entry | None) -> Entry:
    """Make the entry, unless another request is already making it: then wait for that one
    (up to PUBLIC_RENDER_WAIT_SECONDS) rather than render the same page at the same time."""
    lock = f"public-render:{name}"
    if not cache.add(lock, 1, settings.PUBLIC_RENDER_LOCK_SECONDS):
        seen = (known.keys, known.versions) if known else None
        deadline = time.monotonic() + settings.PUBLIC_RENDER_WAIT_SECONDS
        pause = 0.005
        while time.monotonic() < deadline:
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            found = cache.get_many([name, lock])
            entry = found.get(name)
            if isinstance(entry, Entry) and (entry.keys, entry.versions) != seen:
                if _fresh(entry):
                    return entry
                seen = (entry.keys, entry.versions)
            if lock not in found:
                break  # it is done, and left nothing for us (an error page, say)
        return _make(compute)  # render it here: the other request failed or is slow
    try:
        entry = _make(compute)
        cache.set(name, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
        local_pages.put(name, entry)
        return entry
    finally:
        cache.delete(lock)


def cached_entry(name: str, compute) -> Entry:
    """The entry `name`, fresh, made by `compute()` if need be; what it depends on is declared
    to whatever is being rendered around it."""
    known = _stored(name)
    entry = _fresh(known) or _make_once(name, compute, known)
    depends_on(*entry.keys)
    return entry


def cached(name: str, compute, *keys: str):
    """`compute()`, cached until one of `keys` (or a key it declares) changes."""

    def computed():
        depends_on(*keys)
        return compute()

    digest = hashlib.blake2b(f"{name}|{settings.CODE_VERSION}".encode(), digest_size=16)
    return cached_entry(f"public-value:{digest.hexdigest()}", computed).value


def _page_name(request) -> str:
    """What tells one public page from another, as its cache name."""
    parts = [
        str(localdate()),  # "today" appears on pages (the as-of date picker's bound)
        get_language() or "",
        request.scheme,  # pages embed absolute addresses (canonical, JSON-LD)
        request.get_host(),
        request.get_full_path(),
        settings.CODE_VERSION,
    ]
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()
    return f"public-page:{digest}"


def _render(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    if response.status_code != 200 or response.cookies or not _collected.get():
        raise Uncacheable(response)
    return response.content, list(response.headers.items())


def public_page(view, *keys: str):
    """Cache a public GET view's response by what it shows (`keys`, and any the view declares
    with depends_on), and answer conditional requests. Responses that set cookies or are not
    200 are never stored; any method but GET and HEAD gets 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):  # the public site is read-only
            return HttpResponseNotAllowed(["GET", "HEAD"])
        name = _page_name(request)

        def compute():
            depends_on(SITE_KEY, *keys)
            return _render(view, request, args, kwargs)

        try:
            entry = cached_entry(name, compute)
        except Uncacheable as uncacheable:
            return uncacheable.value
        return _answer(request, name, entry)

    return wrapper


def name_keys(response, entry: Entry) -> None:
    """Tell an edge cache what the response shows: `Surrogate-Key` (CDNs), `xkey` (Varnish)."""
    response["Surrogate-Key"] = response["xkey"] = " ".join(entry.keys)


def _answer(request, name: str, entry: Entry):
    digest = hashlib.blake2b(f"{name}|{entry.versions}".encode(), digest_size=16).hexdigest()
    etag = f'"{digest}"'
    # HTTP dates count whole seconds: a date is only given once its second is over, or a
    # change later in that same second would hide behind it.
    changed_at = entry.changed_at
    last_modified = int(changed_at) if changed_at and time.time() - changed_at >= 1 else None
    # Django's own rules: weak ETags, lists, "*", If-Modified-Since, If-Match (412).
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        content, headers = entry.value
        response = HttpResponse(content, headers=dict(headers))
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    name_keys(response, entry)
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_BROWSER_MAX_AGE,
        s_maxage=settings.PUBLIC_SHARED_MAX_AGE,
    )
    return response
