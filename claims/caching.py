"""Caching of public pages, correct by construction.

Every public response is keyed on the PublicVersion counter, which database triggers move in
the same transaction as any change readers could see. A request costs one primary-key read of
that counter; a page already rendered for this version comes from the cache (Django's cache
framework: local memory by default, Redis when REDIS_URL is set), and a client or proxy that
already holds it gets 304 Not Modified. After a change the next request renders afresh.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags
from django.utils.timezone import localdate
from django.utils.translation import get_language

from .models import PublicVersion


def public_state() -> tuple[int, float]:
    """The current public version and when it last moved (a Unix time)."""
    row = PublicVersion.objects.using(read_alias()).values_list("version", "changed_at").first()
    if row is None:  # only after a test flush: nothing cached can be trusted, use a fresh key
        return 0, 0.0
    return row[0], row[1].timestamp()


def version_cached(name: str, compute):
    """`compute()`, cached until public data next changes."""
    version, _ = public_state()
    digest = hashlib.blake2b(name.encode(), digest_size=16).hexdigest()  # any text, safe key
    key = f"public-value:{digest}:{version}"
    value = cache.get(key) if version else None
    if value is None:
        value = compute()
        if version and value is not None:
            cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def read_alias() -> str:
    from factcheck.routers import PUBLIC_READS

    return PUBLIC_READS


def public_page(view):
    """Cache a public GET view's response per version, language and full path, and answer
    conditional requests. Responses that set cookies or are not 200 are never stored."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version, changed_at = public_state()
        path = request.get_full_path()
        digest = hashlib.blake2b(
            # The day counts: "today" appears on pages (the as-of date picker's bound).
            f"{version}|{localdate()}|{get_language()}|{path}".encode(),
            digest_size=16,
        ).hexdigest()
        etag = f'"{digest}"'
        headers = {
            "ETag": etag,
            "Last-Modified": http_date(changed_at) if changed_at else None,
        }
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:
            key = f"public-page:{digest}"
            response = cache.get(key) if version else None
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if response.status_code == 200 and not response.cookies and version:
                    cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        if response.status_code in (200, 304):
            for name, value in headers.items():
                if value:
                    response[name] = value
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PUBLIC_BROWSER_MAX_AGE,
                s_maxage=settings.PUBLIC_SHARED_MAX_AGE,
            )
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper
