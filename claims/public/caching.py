"""Caching of public pages, correct by construction.

Every public response is keyed on the PublicVersion counter, which database triggers move in
the same transaction as any change readers could see. A request costs one primary-key read of
that counter (the only query a cached page makes); a page already rendered for this version
comes from this process's memory, else from the shared cache (Django's cache framework: local
memory by default, Redis when REDIS_URL is set), and a client or proxy that already holds it
gets 304 Not Modified. After a change the next request renders afresh: the old version's
entries are never asked for again and age out.
"""

import datetime
import hashlib
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.timezone import localdate
from django.utils.translation import get_language

# The version a public request started with: every cached value it reads is of that version.
_request_state: ContextVar[tuple[int, float] | None] = ContextVar("public_state", default=None)


def public_state() -> tuple[int, float]:
    """The current public version and when it last moved (a Unix time)."""
    state = _request_state.get()
    if state is not None:
        return state
    connection = connections[read_alias()]
    # This read is its own health check: Django's (CONN_HEALTH_CHECKS) would cost a second
    # round trip on every page. A connection the database dropped fails here and is replaced
    # once, before anything else of the request has used it.
    connection.health_check_done = True
    try:
        row = _read_version(connection)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        row = _read_version(connection)
    if row is None:  # only after a test flush: nothing cached can be trusted, use a fresh key
        return 0, 0.0
    changed_at = row[1]
    if isinstance(changed_at, str):  # SQLite returns raw text through a plain cursor
        from django.utils.dateparse import parse_datetime

        changed_at = parse_datetime(changed_at)
    if changed_at.tzinfo is None:  # stored in UTC (the trigger's and Django's), without a zone
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    return row[0], changed_at.timestamp()


def _read_version(connection):
    # Raw SQL: the ORM would cost more than the round trip, on every request.
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, changed_at FROM claims_publicversion WHERE id = 1")
        return cursor.fetchone()


def version_cached(name: str, compute):
    """`compute()`, cached until public data next changes."""
    version, _ = public_state()
    # Any text makes a safe key; the code's version in it keeps a deploy from serving old shapes.
    digest = hashlib.blake2b(f"{name}|{settings.CODE_VERSION}".encode(), digest_size=16).hexdigest()
    key = f"public-value:{digest}:{version}"
    value = cache.get(key) if version else None
    if value is None:
        value = compute()
        if version and value is not None:
            cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def read_alias() -> str:
    """The database public reads come from: the replica when one is configured (the project's
    router sends them there too)."""
    return "replica" if "replica" in settings.DATABASES else "default"


class _LocalPages:
    """The pages this process served last, up to a size in bytes: a hit costs no round trip
    to the shared cache and no unpickling. Keys carry the version, so nothing here is stale."""

    def __init__(self):
        self.pages: OrderedDict[str, tuple[bytes, list]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple[bytes, list]) -> None:
        limit = settings.PUBLIC_PAGE_LOCAL_BYTES
        if len(page[0]) > limit:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = page
            self.size += len(page[0])
            while self.size > limit:
                _, (content, _) = self.pages.popitem(last=False)
                self.size -= len(content)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


local_pages = _LocalPages()


def _stored(key: str):
    page = local_pages.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            local_pages.put(key, page)
    return page


def _page_digest(request, version: int) -> str:
    """What a public page depends on, as its cache key and ETag."""
    parts = [
        str(version),
        str(localdate()),  # "today" appears on pages (the as-of date picker's bound)
        get_language() or "",
        request.scheme,  # pages embed absolute addresses (canonical, JSON-LD)
        request.get_host(),
        request.get_full_path(),
        settings.CODE_VERSION,
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()


def public_page(view):
    """Cache a public GET view's response per version, language and full path, and answer
    conditional requests. Responses that set cookies or are not 200 are never stored; any
    method but GET and HEAD gets 405."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):  # the public site is read-only
            return HttpResponseNotAllowed(["GET", "HEAD"])
        version, changed_at = state = public_state()
        # HTTP dates count whole seconds: a date is only given once its second is over, or a
        # change later in that same second would hide behind it.
        last_modified = int(changed_at) if changed_at and time.time() - changed_at >= 1 else None
        token = _request_state.set(state)
        try:
            digest = _page_digest(request, version)
            etag = f'"{digest}"'
            # Django's own rules: weak ETags, lists, "*", If-Modified-Since, If-Match (412).
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                key = f"public-bytes:{digest}"  # (content, headers): bytes, not a pickled response
                page = _stored(key) if version else None
                if page is not None:
                    content, headers = page
                    response = HttpResponse(content, headers=dict(headers))
                else:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()
                    if response.status_code == 200 and not response.cookies and version:
                        page = (response.content, list(response.headers.items()))
                        cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
                        local_pages.put(key, page)
        finally:
            _request_state.reset(token)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            if last_modified:
                response["Last-Modified"] = http_date(last_modified)
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_BROWSER_MAX_AGE,
                s_maxage=settings.PUBLIC_SHARED_MAX_AGE,
            )
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper
