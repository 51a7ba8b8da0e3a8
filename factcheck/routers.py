"""Send the public site's and the API's reads to a read replica when one is configured.

`PublicReadsMiddleware` marks GET and HEAD requests outside the admin as public; during such a
request the router answers reads from the `replica` alias. Everything else — the admin, every
write, management commands — uses the primary.
"""

from contextvars import ContextVar

from django.conf import settings

PUBLIC_READS = "replica" if "replica" in settings.DATABASES else "default"
_public_request: ContextVar[bool] = ContextVar("public_request", default=False)


class PublicReadsRouter:
    def db_for_read(self, model, **hints):
        return PUBLIC_READS if _public_request.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def admin_prefix() -> str:
    """The path every admin request starts with (ADMIN_URL, default /admin/)."""
    return "/" + settings.ADMIN_URL.strip("/") + "/"


class PublicReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = admin_prefix()

    def __call__(self, request):
        public = request.method in ("GET", "HEAD") and not request.path.startswith(
            self.admin_prefix
        )
        token = _public_request.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_request.reset(token)
