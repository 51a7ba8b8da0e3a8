"""Settings for the fact-check claim tracker.

Everything that differs between machines comes from environment variables (a `.env` file in
the project folder is read too; `make` writes one with a fresh SECRET_KEY). The README lists
every variable.
"""

import datetime
import hashlib
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (or put it in .env; "
            "`make` writes one for you), or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "factcheck.apps.NewsroomAdminConfig",  # django.contrib.admin with two-factor login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "sources",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "factcheck.middleware.RejectNulBytesMiddleware",
    "factcheck.middleware.DatabaseUnavailableMiddleware",
    "factcheck.routers.PublicReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "factcheck.middleware.AdminSessionMiddleware",  # admin-only wrappers: see the module
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # everywhere: cheap on reads, and the checks ask
    "factcheck.middleware.AdminAuthenticationMiddleware",
    "factcheck.middleware.AdminOTPMiddleware",
    "factcheck.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "factcheck.middleware.CSPMiddleware",  # django-csp's, the header built once
    "factcheck.middleware.AdminHistoryRequestMiddleware",
    "factcheck.middleware.AdminAxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "factcheck.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"
ASGI_APPLICATION = "factcheck.asgi.application"

# A SQLite file in the project folder is the zero-set-up default; production uses PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("DATABASE_REPLICA_URL"):
    # Public reads go here (factcheck/routers.py); tests mirror it onto the primary.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["factcheck.routers.PublicReadsRouter"]

# The admin's address; the public-reads router and robots.txt follow it.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Caching: local memory per process by default, Redis shared by every worker when set.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # django-redis keeps one client per server (Django's own builds one per call).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Cached pages carry the versions of their database's keys: two databases sharing
            # one Redis (staging and production, say) must not share keys.
            "KEY_PREFIX": "factcheck:"
            + hashlib.blake2b(
                f"{DATABASES['default'].get('HOST')}:{DATABASES['default'].get('PORT')}/"
                f"{DATABASES['default'].get('NAME')}".encode(),
                digest_size=6,
            ).hexdigest(),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Public pages (claims/public/caching.py): how long a rendered page may sit in our cache (keyed
# on the data's version, so this only bounds memory), and the Cache-Control lifetimes sent to
# browsers and to shared caches (a reverse proxy or CDN) in front of us.


def _code_digest() -> str:
    """A digest of the code and the files pages are made from."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in ("claims", "sources", "factcheck", "templates", "static", "locale"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".css", ".js", ".mo", ".txt"}:
                digest.update(str(path.relative_to(BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


# What the deployed code is: part of every public page's cache key and ETag, so a template fix
# shows at once after a deploy. CODE_VERSION (a release's commit, say) if set, else a digest.
CODE_VERSION = os.environ.get("CODE_VERSION") or _code_digest()
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "3600"))
# Each process also keeps the pages it served last in its own memory, up to this many bytes
# (the load drill reads 1,700 pages of some 11 KB: 16 MB made most hits unpickle from Redis).
PUBLIC_PAGE_LOCAL_BYTES = int(os.environ.get("PUBLIC_PAGE_LOCAL_BYTES", str(64 * 2**20)))
# An edge cache in front of the site (Varnish with xkey, docs/varnish.vcl): `manage.py
# purge_edge` sends each commit's keys there, e.g. http://127.0.0.1:6081/. Off when empty.
PURGE_URL = os.environ.get("PURGE_URL", "")
# Each purge is sent again this much later, for pages rendered from before the change (a render
# in flight, a lagging replica): more than a cold render and the replica's usual lag.
PURGE_AGAIN_SECONDS = float(os.environ.get("PURGE_AGAIN_SECONDS", "3"))
# When many readers ask for a page that changed, one renders it; the others wait for it up to
# PUBLIC_RENDER_WAIT_SECONDS (then render it themselves). The render lock expires after
# PUBLIC_RENDER_LOCK_SECONDS should its holder die.
PUBLIC_RENDER_WAIT_SECONDS = float(os.environ.get("PUBLIC_RENDER_WAIT_SECONDS", "2"))
PUBLIC_RENDER_LOCK_SECONDS = int(os.environ.get("PUBLIC_RENDER_LOCK_SECONDS", "10"))
PUBLIC_BROWSER_MAX_AGE = int(os.environ.get("PUBLIC_BROWSER_MAX_AGE", "0"))
PUBLIC_SHARED_MAX_AGE = int(os.environ.get("PUBLIC_SHARED_MAX_AGE", "60"))

# Reverting to an old version from History would bypass the publishing rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Django 6 behaviour now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# The public pages of sources and investigations list the claims that cite them, so they live
# with the claims views; the sources app itself never imports claims.
ABSOLUTE_URL_OVERRIDES = {
    "sources.source": lambda source: reverse("claims:source_detail", kwargs={"pk": source.pk}),
    "sources.investigation": lambda inv: reverse(
        "claims:investigation_detail", kwargs={"slug": inv.slug}
    ),
    "sources.capture": lambda capture: reverse(
        "claims:capture_detail", kwargs={"source_pk": capture.source_id, "pk": capture.pk}
    ),
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The evidence vault's bodies and WARC files (sources/capture/): a folder under MEDIA_ROOT
    # by default, any Django storage (django-storages' S3, say: docs/deploy.md) by setting.
    # Never served by the app: readers download a WARC through its capture's page.
    "captures": {
        "BACKEND": os.environ.get(
            "CAPTURE_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("CAPTURE_STORAGE_OPTIONS") or "null")
        or {"location": str(MEDIA_ROOT / "captures")},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Logs go to stderr, one JSON object per line (LOG_FORMAT=text for plain lines). The security
# log (admin changes, logins, lockouts) is the "factcheck.audit" logger.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "factcheck.logformat.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if os.environ.get("LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},  # ours say the same, structured
}

# -- Hardening (docs/security.md) ---------------------------------------------------------------
# Production is served over HTTPS, usually by a proxy that terminates TLS and says so in
# X-Forwarded-Proto (it must overwrite that header from clients). HTTPS=0 for plain-HTTP
# set-ups only: local production-mode runs, the benchmark, the tests.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe the app over plain HTTP: answer them, do not redirect them.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): only our own scripts, styles, images and fonts; no
# inline script or style anywhere (JSON-LD data blocks are not scripts and need nothing).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it; forms carry the token
SESSION_COOKIE_SAMESITE = "Lax"
# Only the admin has sessions (factcheck.middleware.AdminSessionMiddleware): an editor is
# logged out after ADMIN_SESSION_HOURS without an admin request. Saving on every request
# moves the expiry forward on each admin page; public pages never touch the session.
SESSION_COOKIE_AGE = int(os.environ.get("ADMIN_SESSION_HOURS", "10")) * 3600
SESSION_SAVE_EVERY_REQUEST = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Admin logins (django-axes): a user name is locked for AXES_COOLOFF_MINUTES, from every
# address, once AXES_FAILURE_LIMIT failures in a row came for it from one address or spread
# over many (credential stuffing rotates addresses). The price: whoever knows a user name can
# lock it that long (`manage.py axes_reset_username NAME` unlocks it). Axes takes the worst
# of the listed counts, so the per-name one, which includes the pair's, decides at one limit.
# The address is the API throttle's (factcheck.admin_site.client_address, NUM_PROXIES below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "factcheck.admin_site.client_address"
# django-axes looks for its middleware by name; ours wraps it to run for the admin only.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
AXES_VERBOSE = False  # our own log lines say what happened (factcheck/audit.py)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Two-factor login (django-otp, TOTP): anyone with a confirmed device must give a code; with
# REQUIRE_2FA on, no newsroom account (editor, chief editor, superuser) can use the admin
# without one.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Fact-check tracker")

# The newsroom's name: shown on the site and as the ClaimReview author.
SITE_NAME = os.environ.get("SITE_NAME", "Fact-check tracker")

# The read-only public API (claims/api/). Anonymous clients are throttled per IP: behind
# TRUSTED_PROXY_COUNT proxies that append to X-Forwarded-For, the address the one facing
# clients wrote there (that many entries from the right); without, REMOTE_ADDR. DRF's own
# default would key on the whole header, which a client can vary at will.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_ANON", "600/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check tracker API",
    "DESCRIPTION": (
        "Read-only access to published fact-checks: claims with their verdict, evidence and "
        "rating history, and the claimants, sources, publishers, investigations, topics and "
        "ratings they refer to."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "factcheck.openapi.add_error_responses",
    ],
}

# -- The evidence vault (sources/capture/) --------------------------------------------------------
# Background work: Django's tasks framework (django-tasks), stored in the database by default
# (zero set-up: `manage.py db_worker` runs them; `make demo` starts one). TASKS_BACKEND names
# another backend (the test run uses the dummy one: nothing runs unless a test runs it).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Fetching a cited document safely: loopback, private, link-local, multicast, reserved and
# IPv4-mapped addresses are refused unless a network listed here (comma-separated CIDRs)
# holds them, for tests and intranets.
CAPTURE_ALLOWED_NETWORKS = env_list("CAPTURE_ALLOWED_NETWORKS")
CAPTURE_TIMEOUT_SECONDS = float(os.environ.get("CAPTURE_TIMEOUT_SECONDS", "20"))
CAPTURE_MAX_BYTES = int(os.environ.get("CAPTURE_MAX_BYTES", str(20 * 2**20)))
CAPTURE_MAX_REDIRECTS = int(os.environ.get("CAPTURE_MAX_REDIRECTS", "5"))
# At least this long between two requests to one host, within one process.
CAPTURE_HOST_INTERVAL_SECONDS = float(os.environ.get("CAPTURE_HOST_INTERVAL_SECONDS", "1"))
# `check_links` fetches again a source whose latest capture is this many days old.
CAPTURE_RECHECK_DAYS = float(os.environ.get("CAPTURE_RECHECK_DAYS", "30"))
# …and sooner, this many hours, when it was last found gone or failing.
CAPTURE_RETRY_HOURS = float(os.environ.get("CAPTURE_RETRY_HOURS", "24"))
# After this many tries in a row finding it gone (404/410, no such host, nothing listening),
# a source has vanished and the claims citing it go to re-review.
CAPTURE_VANISH_AFTER = int(os.environ.get("CAPTURE_VANISH_AFTER", "3"))
CAPTURE_USER_AGENT = os.environ.get(
    "CAPTURE_USER_AGENT", f"factcheck-evidence-vault/1 ({SITE_NAME}; archiving cited sources)"
)
