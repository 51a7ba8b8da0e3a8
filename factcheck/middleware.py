"""The project's middleware: 503 while the database is down, NUL bytes refused, the CSP
header, and the wrapper that runs the admin's middleware under ADMIN_URL only."""

import dataclasses
import logging

import csp.middleware
import csp.utils
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from .routers import admin_prefix

logger = logging.getLogger("factcheck.availability")


def is_api(request) -> bool:
    """The API speaks JSON, its errors included."""
    return request.path.startswith("/api/")


MESSAGE = "Bad request: the address contains a NUL character."


class RejectNulBytesMiddleware:
    """A NUL byte has no business in a URL, and PostgreSQL refuses it in any text it stores
    or compares; answer 400 here rather than fail deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            if is_api(request):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """While the database is unreachable, answer 503 with a page that needs no database (and
    a Retry-After), not a 500 and a traceback. Nothing else changes: Django drops the broken
    connection at the end of the request, so the next one after the database is back
    reconnects, without a restart."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "database unavailable",
            exc_info=exception,  # the traceback, for whoever reads the logs: not for readers
            extra={
                "event": "database_unavailable",
                "path": request.path,
                "error": type(exception).__name__,
            },
        )
        if is_api(request):
            response = JsonResponse({"detail": "Temporarily unavailable."}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
            )
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the policy built once instead of on every response.

    django-csp rebuilds the header from the settings for each response (a fifth of the time a
    cached page takes). Responses that carry a per-view policy, or a request that used a nonce,
    still go through django-csp itself."""

    _PER_VIEW = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_exempt",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt_ro",
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built_for = None
        self._header = ""

    def process_response(self, request, response):
        enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (
            report_only
            or not enforced
            or enforced.get("EXCLUDE_URL_PREFIXES")
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self._PER_VIEW)
            or csp.middleware.HEADER in response
        ):
            return super().process_response(request, response)
        if self._built_for is not enforced:  # overridden settings (tests) are a new object
            parts = self.get_policy_parts(request=request, response=response)
            self._header = csp.utils.build_policy(**dataclasses.asdict(parts))
            self._built_for = enforced
        response[csp.middleware.HEADER] = self._header
        return response


class _AdminOnly:
    """Runs the wrapped middleware for the admin's requests only.

    Sessions, authentication, messages, two-factor, lockouts and edit history serve the
    editors; public pages and the API use none of them (they are read-only and the same for
    every reader), and skipping them takes a tenth off a cached page. Hooks the wrapped
    middleware has are kept, for the admin's requests. (CSRF stays on everywhere.)"""

    inner_factory: staticmethod  # the wrapped middleware: a class or a function
    sync_capable, async_capable = True, False

    def __init__(self, get_response):
        self.get_response = get_response
        self.inner = self.inner_factory(get_response)
        self.prefix = admin_prefix()

    def is_admin(self, request) -> bool:
        return request.path.startswith(self.prefix)

    def __call__(self, request):
        if self.is_admin(request):
            return self.inner(request)
        return self.get_response(request)


def _forward(hook: str):
    def method(self, request, *args, **kwargs):
        if self.is_admin(request):
            return getattr(self.inner, hook)(request, *args, **kwargs)
        return None

    method.__name__ = hook
    return method


def admin_only(dotted: str) -> type:
    inner_class = import_string(dotted)
    hooks = {
        hook: _forward(hook)
        for hook in ("process_view", "process_exception", "process_template_response")
        if hasattr(inner_class, hook)
    }
    name = f"AdminOnly{inner_class.__name__}"
    namespace = {"inner_factory": staticmethod(inner_class), **hooks}
    try:
        # A subclass of the wrapped class too, so the checks that look for it (the admin's
        # own, for sessions, authentication and messages) see it.
        return type(name, (_AdminOnly, inner_class), namespace)
    except TypeError:  # a class with its own metaclass: a plain wrapper then
        return type(name, (_AdminOnly,), namespace)


AdminSessionMiddleware = admin_only("django.contrib.sessions.middleware.SessionMiddleware")
AdminAuthenticationMiddleware = admin_only(
    "django.contrib.auth.middleware.AuthenticationMiddleware"
)
AdminOTPMiddleware = admin_only("django_otp.middleware.OTPMiddleware")
AdminMessageMiddleware = admin_only("django.contrib.messages.middleware.MessageMiddleware")
AdminHistoryRequestMiddleware = admin_only("simple_history.middleware.HistoryRequestMiddleware")
AdminAxesMiddleware = admin_only("axes.middleware.AxesMiddleware")
