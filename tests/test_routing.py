import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import published_claim

has_replica = pytest.mark.skipif(
    "replica" not in settings.DATABASES, reason="no DATABASE_REPLICA_URL: one database only"
)
pytestmark = [
    pytest.mark.django_db(
        databases=["default", "replica"] if "replica" in settings.DATABASES else ["default"]
    ),
    has_replica,
]


def queries_on(alias: str, fetch) -> int:
    with CaptureQueriesContext(connections[alias]) as captured:
        fetch()
    return len(captured)


def test_public_pages_and_the_api_read_from_the_replica(client):
    claim = published_claim()
    for url in [claim.get_absolute_url(), reverse("claims:home"), reverse("api:claim-list")]:
        assert queries_on("replica", lambda url=url: client.get(url)) > 0, url
        assert queries_on("default", lambda url=url: client.get(url + "?x=1")) == 0, url


def test_the_admin_reads_and_writes_on_the_primary(admin_client):
    claim = published_claim()
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    assert queries_on("default", lambda: admin_client.get(url)) > 0
    assert queries_on("replica", lambda: admin_client.get(url)) == 0


@pytest.fixture(autouse=True, scope="module")
def _close_the_replica_connection():
    # Otherwise it holds the test database open and pytest-django cannot drop it afterwards.
    yield
    if "replica" in connections:
        connections["replica"].close()
