import datetime

import pytest
from django.apps import apps
from django.db import connection, connections
from django.urls import reverse
from simple_history.models import HistoricalChanges

from claims.models import Claim, PublicVersion
from claims.public.caching import local_pages
from claims.services import status_change_record
from tests.factories import public_data_settled, published_claim, rating

pytestmark = pytest.mark.django_db


def test_public_pages_send_validators_and_a_shared_cache_lifetime(client, settings):
    claim = published_claim()
    public_data_settled()
    response = client.get(claim.get_absolute_url())
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert f"s-maxage={settings.PUBLIC_SHARED_MAX_AGE}" in cache_control
    assert "Cookie" in response["Vary"]


def test_a_conditional_request_gets_304_until_something_changes(client):
    claim = published_claim()
    etag = client.get(claim.get_absolute_url())["ETag"]
    again = client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation="New facts.",
    )
    changed = client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "New facts." in changed.content.decode()


def test_a_status_change_is_visible_on_the_very_next_request_despite_the_cache(client):
    claim = published_claim()
    urls = [claim.get_absolute_url(), reverse("claims:home"), reverse("claims:feed")]
    for url in urls:
        client.get(url)  # rendered and cached
    change = status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation="The regulator's decision changes the verdict.",
    )
    for url in urls:
        assert f'change-{change.pk}"' in client.get(url).content.decode(), url


def test_any_write_moves_the_public_version_even_a_bulk_update():
    claim = published_claim()
    before = PublicVersion.objects.get().version
    Claim.objects.filter(pk=claim.pk).update(summary="Changed behind the ORM's back.")
    assert PublicVersion.objects.get().version > before


# Tables of the claims and sources apps that no reader ever sees, each with the reason. Every
# other table of theirs holds rows a page, feed, sitemap or the API can show, so it needs the
# trigger: a new public model is covered by this test without anyone listing it here.
NOT_PUBLIC = {
    "claims_publicversion": "the counter the triggers move",
    "claims_ratingmapping": "other newsrooms' labels, read only by the importer",
}


def public_tables() -> set[str]:
    tables = set()
    for app in ("claims", "sources"):
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if issubclass(model, HistoricalChanges):  # the editors' audit trail, admin only
                continue
            tables.add(model._meta.db_table)
    return tables - set(NOT_PUBLIC)


def test_every_public_table_still_moves_the_version_after_every_migration():
    # SQLite rebuilds a table to alter a column, dropping its triggers; a later migration that
    # forgot to put them back would leave that table's changes invisible behind the cache.
    # Only the version triggers count (a table's other triggers, its record rules, do not).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger")
            events = ["bump_public_version"]  # one per statement, for every kind of write
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            events = ["insert_bump", "update_bump", "delete_bump"]
        found = set(cursor.fetchall())
    expected = {(table, f"{table}_{event}") for table in public_tables() for event in events}
    assert expected - found == set()


def test_the_public_tables_include_the_many_to_many_ones_and_no_audit_trail():
    tables = public_tables()
    assert {"claims_claim", "claims_claim_topics", "claims_claim_investigations"} <= tables
    assert {"claims_publicationevent", "sources_investigationupdate"} <= tables
    assert not {t for t in tables if "historical" in t} and not tables & set(NOT_PUBLIC)


def test_a_cached_page_is_served_without_rendering_again(client, django_assert_max_num_queries):
    claim = published_claim()
    client.get(claim.get_absolute_url())
    with django_assert_max_num_queries(1):  # only the public version is read
        assert client.get(claim.get_absolute_url()).status_code == 200


def test_each_language_is_cached_apart(client):
    claim = published_claim()
    english = client.get(claim.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(claim.get_absolute_url()).content.decode()
    assert "Our verdict" in english and "Notre verdict" in french


def test_error_pages_are_not_cached(client):
    response = client.get("/claims/999999-nothing/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_api_answers_come_from_the_cache_until_data_changes(client, django_assert_max_num_queries):
    claim = published_claim()
    url = reverse("api:claim-detail", args=[claim.pk])
    first = client.get(url).json()
    with django_assert_max_num_queries(1):
        assert client.get(url).json() == first
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation="Changed.",
    )
    assert client.get(url).json()["rating"]["slug"] == "true"


def test_pages_come_from_the_shared_cache_when_this_process_has_forgotten_them(
    client, django_assert_max_num_queries
):
    claim = published_claim()
    first = client.get(claim.get_absolute_url())
    local_pages.clear()  # as in another worker, or after this one's memory filled up
    with django_assert_max_num_queries(1):
        again = client.get(claim.get_absolute_url())
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]


def test_the_memory_each_process_keeps_pages_in_is_bounded(client, settings):
    claims = [published_claim() for _ in range(4)]
    size = len(client.get(claims[0].get_absolute_url()).content)
    settings.PUBLIC_PAGE_LOCAL_BYTES = int(size * 2.5)
    local_pages.clear()
    for claim in claims:
        client.get(claim.get_absolute_url())
    assert local_pages.size <= settings.PUBLIC_PAGE_LOCAL_BYTES
    assert len(local_pages.pages) == 2  # the two served last


@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_without_an_error(client, migration_data):
    claim = published_claim()
    client.get(claim.get_absolute_url())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()
    connection.health_check_done = False  # as at the start of a request on a kept connection
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["W/{etag}", '"other", {etag}', "*"],
    ids=["weak", "list", "any"],
)
def test_conditional_requests_follow_http_rules_for_etags(client, header):
    claim = published_claim()
    etag = client.get(claim.get_absolute_url())["ETag"]
    again = client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=header.format(etag=etag))
    assert again.status_code == 304


def test_if_modified_since_gets_304_until_something_changes(client):
    claim = published_claim()
    public_data_settled()
    last_modified = client.get(claim.get_absolute_url())["Last-Modified"]
    again = client.get(claim.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert again.status_code == 304
    status_change_record(
        claim=claim,
        to_rating=rating("true"),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation="New facts.",
    )
    changed = client.get(claim.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert changed.status_code == 200
    # Within the second of that change, no date is given that could hide a later one.
    assert "Last-Modified" not in changed


def test_each_host_and_scheme_is_cached_apart(client, settings):
    settings.ALLOWED_HOSTS = ["one.example.org", "two.example.org"]
    claim = published_claim()
    one = client.get(claim.get_absolute_url(), HTTP_HOST="one.example.org").content.decode()
    two = client.get(claim.get_absolute_url(), HTTP_HOST="two.example.org").content.decode()
    secure = client.get(claim.get_absolute_url(), HTTP_HOST="one.example.org", secure=True)
    assert "http://one.example.org/" in one and "two.example.org" not in one
    assert "http://two.example.org/" in two
    assert "https://one.example.org/" in secure.content.decode()


def test_a_new_deploy_renders_pages_afresh(client, settings):
    claim = published_claim()
    before = client.get(claim.get_absolute_url())["ETag"]
    settings.CODE_VERSION = "next-release"
    after = client.get(claim.get_absolute_url())
    assert after["ETag"] != before
    assert client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=before).status_code == 200
