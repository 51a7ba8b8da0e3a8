import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rolled-back test transactions reuse version numbers: a page cached by an earlier test
    # must not answer for this one.
    from django.core.cache import cache

    from claims.public.caching import local_pages

    cache.clear()
    local_pages.clear()
    yield
    cache.clear()
    local_pages.clear()


@pytest.fixture(autouse=True)
def _public_keys_at_once(request):
    """On PostgreSQL a transaction's public keys move when it commits (claims/public/
    triggers.py); a test's transaction never commits, so in a test they move at each
    statement instead. Transactional tests keep the real, deferred behaviour."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS claims_pendingkey_flush IMMEDIATE")


@pytest.fixture(autouse=True)
def _default_language():
    # A request leaves its language active in this thread: a French page read by an earlier
    # test must not turn this one's reverse() into French addresses.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _record_rules_checked(request):
    """On PostgreSQL, check each test's rows against the rules the database checks at commit
    (migration 0013), as if the test had committed: a rolled-back test transaction never gets
    there, so a test building a state production would refuse is caught here."""
    yield
    marker = request.node.get_closest_marker("django_db")
    failed = getattr(request.node, "rep_call_failed", True)
    if marker is None or marker.kwargs.get("transaction") or failed:
        return
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.rep_call_failed = report.failed
    return report


@pytest.fixture(autouse=True)
def _plain_static_storage(settings, tmp_path):
    # Production hashes static files at collectstatic time; tests render templates without it.
    # Captured bodies and WARC files go to the test's own folder.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "captures": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "captures")},
        },
    }


@pytest.fixture
def editor(db):
    """A member of the newsroom's Editor group (tests.factories.member)."""
    from tests.factories import member

    return member("Editor", "editor")


@pytest.fixture
def chief(db):
    """A member of the Chief editor group."""
    from tests.factories import member

    return member("Chief editor", "chief")


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("chief", "chief@example.org", "pw-chief-1")
    client.force_login(user)
    client.user = user
    return client


def reseed_migration_data() -> None:
    """Put back the rows data migrations seed (rating scale, methodology, newsroom roles).

    Transactional tests (live server, several connections) commit for real, so the database
    is flushed after each one, data migrations' rows included; serialized rollback does not
    restore them reliably on PostgreSQL once ordinary tests have run in the same session.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    loader = MigrationLoader(connection)
    for name in (
        "0002_default_rating_scale",
        "0004_search_and_content",
        "0006_roles_and_guards",
        "0008_default_rating_mappings",
    ):
        for operation in loader.get_migration("claims", name).operations:
            if isinstance(operation, RunPython) and operation.code.__name__.startswith("seed"):
                operation.code(apps, None)


@pytest.fixture
def migration_data():
    """For transactional tests: the rows data migrations seed, back after earlier flushes."""
    reseed_migration_data()


# A web site on loopback for the evidence vault's tests (tests/loopback.py).
from tests.loopback import other_site, site, site_v6  # noqa: E402, F401
