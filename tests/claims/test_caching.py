import datetime
import re
import threading
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, connections
from django.urls import reverse
from simple_history.models import HistoricalChanges

from claims.models import Claim, Evidence, PublicKey
from claims.public import caching, triggers
from claims.public.caching import local_pages
from claims.public.dependencies import RULES
from claims.services import claim_withdraw, status_change_record
from tests.factories import (
    ClaimFactory,
    EvidenceFactory,
    TopicFactory,
    public_data_settled,
    published_claim,
    rating,
    url_in,
)

pytestmark = pytest.mark.django_db


def rerate(claim, explanation="New facts.", slug="true"):
    return status_change_record(
        claim=claim,
        to_rating=rating(slug),
        facts_known_on=datetime.date(2023, 11, 25),
        explanation=explanation,
    )


def keys_now() -> dict:
    return dict(PublicKey.objects.values_list("key", "version"))


def test_public_pages_send_validators_their_keys_and_a_shared_cache_lifetime(client, settings):
    claim = published_claim()
    public_data_settled()
    response = client.get(claim.get_absolute_url())
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert f"s-maxage={settings.PUBLIC_SHARED_MAX_AGE}" in cache_control
    keys = response["Surrogate-Key"].split()
    # The claim, what it shows of other things (its claimant, documents…), the rating scale.
    assert set(keys) == {f"claim:{claim.pk}", f"claim-shown:{claim.pk}", "ratings", "site"}
    assert response["xkey"] == response["Surrogate-Key"]
    assert "Cookie" not in response.get("Vary", "")


def test_a_conditional_request_gets_304_until_something_changes(client):
    claim = published_claim()
    etag = client.get(claim.get_absolute_url())["ETag"]
    again = client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    rerate(claim)
    changed = client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "New facts." in changed.content.decode()


def test_a_status_change_is_visible_on_the_very_next_request_despite_the_cache(client):
    claim = published_claim()
    urls = [claim.get_absolute_url(), reverse("claims:home"), reverse("claims:feed")]
    for url in urls:
        client.get(url)  # rendered and cached
    change = rerate(claim, "The regulator's decision changes the verdict.")
    for url in urls:
        assert f'change-{change.pk}"' in client.get(url).content.decode(), url


def test_a_change_to_one_claim_leaves_another_claims_page_untouched(
    client, django_assert_max_num_queries
):
    a, b = published_claim(), published_claim()
    before = client.get(b.get_absolute_url())
    excerpt = a.evidence.get()
    excerpt.excerpt = "A sharper excerpt."
    excerpt.save()
    rerate(a)
    assert "A sharper excerpt." in client.get(a.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(1):  # B is not rendered again
        again = client.get(b.get_absolute_url(), HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 304 and again["ETag"] == before["ETag"]


def public_addresses(client) -> list[str]:
    """Every public page the sitemap lists, the site's feeds and data, and the API's lists."""
    addresses = [
        reverse("claims:feed"),
        reverse("claims:correction_feed"),
        reverse("claimreview_feed"),
        reverse("rating_css"),
        reverse("sitemap"),
    ]
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    for section in index.findall("s:sitemap/s:loc", namespace):
        path = section.text.split("testserver", 1)[1]
        addresses.append(path)
        entries = ET.fromstring(client.get(path).content)
        addresses += [
            loc.text.split("testserver", 1)[1] for loc in entries.iterfind(".//s:loc", namespace)
        ]
    for name in ("claim", "claimant", "source", "publisher", "investigation", "topic", "rating"):
        addresses.append(reverse(f"api:{name}-list"))
    return addresses


def public_validators(client, addresses) -> dict:
    answers = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        answers[address] = (response.get("ETag"), response.get("Last-Modified"), response.content)
        answers[address, "keys"] = response.get("Surrogate-Key", "")
    return answers


def forget_pages() -> None:
    """Forget every cached page, in the shared cache and this process: the next request
    renders afresh."""
    cache.clear()
    local_pages.clear()


def served_and_fresh(client, address):
    """The answer as served (from the cache if it kept one), then rendered afresh."""
    served = client.get(address)
    forget_pages()
    return served, client.get(address)


def as_shown(answer) -> bytes:
    content = answer[2]
    if content.startswith(b"<?xml") and b"<entry>" not in content:
        # A feed with no entries says it was updated when it was rendered.
        content = re.sub(rb"<updated>[^<]*</updated>", b"", content)
    return content


def test_a_change_gives_a_new_etag_to_every_page_it_alters_and_to_no_other_claimants(client):
    a, b = published_claim(), published_claim()
    a.topics.add(TopicFactory())
    b.topics.add(TopicFactory())
    others = [b.get_absolute_url(), b.claimant.get_absolute_url()]
    others.append(b.topics.get().get_absolute_url())
    addresses = sorted({*public_addresses(client), *others})
    before = public_validators(client, addresses)
    rerate(a)
    a.claimant.name = "A. Renamed"
    a.claimant.save()
    after = public_validators(client, addresses)
    forget_pages()
    fresh = public_validators(client, addresses)
    for address in addresses:
        # Whatever the change altered is altered at once: no page kept from before it.
        assert as_shown(after[address]) == as_shown(fresh[address]), address
        if (
            as_shown(fresh[address]) != as_shown(before[address]) and before[address][0]
        ):  # API: none
            assert after[address][0] != before[address][0], address
    assert "A. Renamed" in after[a.topics.get().get_absolute_url()][2].decode()
    # A sibling (same claimant, same topic) shows A's claimant's new name, but a status
    # change alone leaves its page as it was: it names the claimant, it does not list A.
    for address in others:  # B's claim, claimant and topic show nothing of A
        assert after[address][0] == before[address][0], address


def test_new_evidence_alone_shows_at_once_wherever_the_claims_last_change_is_dated(client):
    # Evidence touches neither `claims` nor `cards`, but the claim's last public change
    # moves: the API's updated_at, the sitemap's lastmod, ClaimReview's dateModified.
    a, _ = published_claim(), published_claim()
    addresses = public_addresses(client)
    before = public_validators(client, addresses)
    evidence = a.evidence.get()
    evidence.excerpt = "A sharper excerpt."
    evidence.save()
    after = public_validators(client, addresses)
    forget_pages()
    fresh = public_validators(client, addresses)
    moved = [a for a in addresses if as_shown(fresh[a]) != as_shown(before[a])]
    assert reverse("claimreview_feed") in moved and reverse("api:claim-list") in moved
    for address in addresses:
        assert as_shown(after[address]) == as_shown(fresh[address]), address


def test_a_status_change_leaves_the_pages_of_the_claimants_and_topics_other_claims(client):
    a = published_claim()
    sibling = published_claim(claimant=a.claimant)
    topic = TopicFactory()
    a.topics.add(topic)
    sibling.topics.add(topic)
    before = {url: client.get(url)["ETag"] for url in (sibling.get_absolute_url(),)}
    listings = [a.claimant.get_absolute_url(), topic.get_absolute_url()]
    listed = {url: client.get(url)["ETag"] for url in listings}
    rerate(a)
    for url, etag in before.items():
        assert client.get(url)["ETag"] == etag, url  # it names them, it does not list A
    for url, etag in listed.items():
        assert client.get(url)["ETag"] != etag, url  # these list A, with its new verdict


def test_work_readers_cannot_see_changes_no_public_etag_or_date(client):
    published = published_claim()
    draft = ClaimFactory(claimant=published.claimant)
    public_data_settled()
    addresses = public_addresses(client)
    assert len(addresses) > 15
    before = public_validators(client, addresses)
    keys_before = keys_now()
    # A draft's text, its evidence (citing the published claim's source), topics and rating.
    draft.text = "Still being checked."
    draft.save()
    EvidenceFactory(claim=draft, source=published.evidence.get().source)
    draft.topics.add(*published.topics.all(), TopicFactory())
    rerate(draft)
    # Editors' notes on the published claim (saved as the admin saves) and its evidence.
    published.editor_note = "Check the second source again."
    published.save()
    Evidence.objects.filter(claim=published).update(note="Ask the ministry.")
    get_user_model().objects.create_user("new-editor")
    after = keys_now()
    moved = {key for key in after if after[key] != keys_before.get(key)}
    shown = {key for a in addresses for key in before[a, "keys"].split()}
    assert not moved & shown  # a new topic's own key may move: no public page shows it
    assert public_validators(client, addresses) == before
    # Rendered afresh, no page tells when the editors worked (no "updated" date moved).
    forget_pages()
    fresh = public_validators(client, addresses)
    assert {a: as_shown(fresh[a]) for a in addresses} == {a: as_shown(before[a]) for a in addresses}


def test_a_withdrawal_is_gone_from_every_page_and_feed_on_the_next_request(client):
    claim, other = published_claim(), published_claim()
    addresses = public_addresses(client)
    own = {url_in(language, claim) for language in ("en", "fr")}
    listed = rf'"id":\s*{claim.pk}[,}}]'
    assert any(page in client.get(a).content.decode() for a in addresses for page in own)
    assert re.search(listed, client.get(reverse("api:claim-list")).content.decode())
    claim_withdraw(claim=claim, note="We could not stand by the sourcing.")
    for address in addresses:
        if address in own:
            assert client.get(address).status_code == 410
            continue
        content = client.get(address).content.decode()
        if "/feed/" in address and "/corrections/" not in address:
            # The feed's news is the withdrawal itself, with its note.
            assert "We could not stand by the sourcing." in content
            continue
        assert not any(page in content for page in own), address
        if address == reverse("api:claim-list"):
            assert not re.search(listed, content), address
    assert client.get(other.get_absolute_url()).status_code == 200


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
    rerate(claim)
    changed = client.get(claim.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=last_modified)
    assert changed.status_code == 200
    # Within the second of that change, no date is given that could hide a later one.
    assert "Last-Modified" not in changed


def test_each_host_and_scheme_is_cached_apart(client, settings):
    settings.ALLOWED_HOSTS = ["one.example.org", "two.example.org"]
    claim = published_claim()
    one = client.get(claim.get_absolute_url(), HTTP_HOST="one.example.org")
    two = client.get(claim.get_absolute_url(), HTTP_HOST="two.example.org")
    secure = client.get(claim.get_absolute_url(), HTTP_HOST="one.example.org", secure=True)
    assert "http://one.example.org/" in one.content.decode()
    assert "two.example.org" not in one.content.decode()
    assert "http://two.example.org/" in two.content.decode()
    assert "https://one.example.org/" in secure.content.decode()
    assert len({one["ETag"], two["ETag"], secure["ETag"]}) == 3


def test_a_new_deploy_renders_pages_afresh(client, settings):
    claim = published_claim()
    before = client.get(claim.get_absolute_url())["ETag"]
    settings.CODE_VERSION = "next-release"
    after = client.get(claim.get_absolute_url())
    assert after["ETag"] != before
    assert client.get(claim.get_absolute_url(), HTTP_IF_NONE_MATCH=before).status_code == 200


def test_a_cached_page_is_served_without_rendering_again(client, django_assert_max_num_queries):
    claim = published_claim()
    client.get(claim.get_absolute_url())
    with django_assert_max_num_queries(1):  # only the versions of its keys are read
        assert client.get(claim.get_absolute_url()).status_code == 200


def test_error_pages_are_not_cached_nor_answered_as_not_modified(client):
    address = reverse("claims:claim_detail", kwargs={"pk": 999999, "slug": "nothing"})
    for headers in ({}, {"HTTP_IF_NONE_MATCH": "*"}):
        response = client.get(address, **headers)
        assert response.status_code == 404
        assert "public" not in response.get("Cache-Control", "")


def test_each_language_has_its_own_cached_page(client):
    claim = published_claim()
    english = client.get(url_in("en", claim))
    client.cookies["django_language"] = "en"  # a cookie changes nothing: the address does
    french = client.get(url_in("fr", claim), HTTP_ACCEPT_LANGUAGE="en")
    assert "Our verdict" in english.content.decode()
    assert "Notre verdict" in french.content.decode()
    assert english["ETag"] != french["ETag"]
    assert "Vary" not in french or "Cookie" not in french["Vary"]


def test_api_answers_come_from_the_cache_until_what_they_show_changes(
    client, django_assert_max_num_queries
):
    claim = published_claim()
    url = reverse("api:claim-detail", args=[claim.pk])
    first = client.get(url)
    assert f"claim:{claim.pk}" in first["Surrogate-Key"].split()
    with django_assert_max_num_queries(1):
        assert client.get(url).json() == first.json()
    rerate(claim)
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
    assert len(local_pages.entries) == 2  # the two served last


@pytest.mark.django_db(transaction=True)
def test_many_readers_of_a_changed_page_wait_for_one_render(settings):
    settings.PUBLIC_RENDER_WAIT_SECONDS = 5
    renders, started, release = [], threading.Event(), threading.Event()

    def render():
        renders.append(1)
        started.set()
        release.wait(5)
        caching.depends_on("a-key-nobody-moves")
        return "the page"

    results = []

    def reader():
        try:
            results.append(caching.cached("one page", render))
        finally:
            connection.close()

    first = threading.Thread(target=reader)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=reader) for _ in range(7)]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert results == ["the page"] * 8
    assert len(renders) == 1


# -- the triggers ------------------------------------------------------------------------

# Tables of the claims and sources apps that no reader ever sees, each with the reason. Every
# other table of theirs holds rows a page, feed, sitemap or the API can show, so it needs its
# rules: a new public model is covered by this test without anyone listing it here.
NOT_PUBLIC = {
    "claims_publickey": "the versions the triggers move",
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


def test_every_public_table_has_rules_and_no_audit_trail_does():
    assert public_tables() == set(RULES)
    assert {"claims_claim_topics", "claims_publicationevent"} <= set(RULES)


def test_the_installed_triggers_are_the_rules_after_every_migration():
    # SQLite rebuilds a table to alter a column, dropping its triggers; a later migration that
    # forgot to put them back, or a change of RULES without a migration, fails here.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger")
            found = set(cursor.fetchall())
            for table in RULES:
                for event in ("insert", "update", "delete", "truncate"):
                    assert (table, f"{table}_public_keys_{event}") in found
                cursor.execute(
                    "SELECT prosrc FROM pg_proc WHERE proname = %s", [f"{table}_public_keys"]
                )
                assert cursor.fetchone()[0] == triggers.postgres_function_body(table), table
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            found = dict(cursor.fetchall())
            for table in RULES:
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
                for name, sql in triggers.sqlite_triggers(table, columns).items():
                    assert found.get(name) == sql, name


def test_writes_behind_the_orms_back_touch_the_keys_of_what_they_change():
    claim, other = published_claim(), published_claim()
    before = keys_now()
    Claim.objects.filter(pk=claim.pk).update(summary="Changed behind the ORM's back.")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE claims_evidence SET excerpt = 'raw' WHERE claim_id = %s", [other.pk])
    after = keys_now()
    moved = {key for key in after if after[key] != before.get(key)}
    source = other.evidence.get().source_id
    assert {
        f"claim:{claim.pk}",
        f"claimant-claims:{claim.claimant_id}",  # its page lists the claim
        "claims",
        f"claim:{other.pk}",
        f"source:{source}",
        "cited",
    } <= moved
    # Pages that only name the claimant (every page of its claims) are left alone.
    assert not {k for k in moved if k.startswith("claimant")} - {
        f"claimant-claims:{claim.claimant_id}"
    }
    assert "ratings" not in moved


def test_only_a_change_readers_can_see_moves_a_claims_public_date():
    claim = published_claim()

    def public_date():
        return Claim.objects.values_list("public_updated_at", flat=True).get(pk=claim.pk)

    dated = public_date()
    assert dated is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET editor_note = 'night shift' WHERE id = %s", [claim.pk]
        )
    Evidence.objects.filter(claim=claim).update(note="Ask the ministry.")
    assert public_date() == dated
    # What the claim's page shows: its own columns, and what hangs off it (evidence, topics).
    changes = [
        lambda: Claim.objects.filter(pk=claim.pk).update(summary="Sharper."),
        lambda: Evidence.objects.filter(claim=claim).update(excerpt="A new excerpt."),
        lambda: claim.topics.add(TopicFactory()),
    ]
    for change in changes:
        change()
        assert public_date() > dated
        dated = public_date()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite trusts the writer")
def test_raw_sql_cannot_date_a_change_that_did_not_happen():
    claim = published_claim()
    dated = Claim.objects.values_list("public_updated_at", flat=True).get(pk=claim.pk)
    future = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    Claim.objects.filter(pk=claim.pk).update(public_updated_at=future, editor_note="x")
    assert Claim.objects.values_list("public_updated_at", flat=True).get(pk=claim.pk) == dated
    template = ClaimFactory.build(claimant=claim.claimant, public_updated_at=future)
    (written,) = Claim.objects.bulk_create([template])  # an INSERT that names a date
    assert Claim.objects.values_list("public_updated_at", flat=True).get(pk=written.pk) < future


def another_session(**options):
    """A second PostgreSQL session on the test database, as another process would have."""
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        **options,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL defers to commit")
@pytest.mark.django_db(transaction=True)
def test_keys_move_when_the_transaction_commits_and_are_announced(migration_data):
    from django.db import transaction

    claim = published_claim()
    listener = another_session(autocommit=True)
    listener.execute(f"LISTEN {triggers.CHANNEL}")
    key = f"claim:{claim.pk}"
    version = PublicKey.objects.get(key=key).version
    with transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(summary="Reworded.")
        seen_outside = listener.execute(
            "SELECT version FROM claims_publickey WHERE key = %s", [key]
        ).fetchone()[0]
    assert seen_outside == version  # nothing moved before the commit
    assert PublicKey.objects.get(key=key).version > version
    announced = [n.payload for n in listener.notifies(timeout=2, stop_after=1)]
    listener.close()
    assert key in " ".join(announced).split()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL defers to commit")
@pytest.mark.django_db(transaction=True)
def test_committing_new_evidence_never_waits_for_an_editor_holding_the_claim(migration_data):
    from django.db import transaction

    claim = published_claim()
    other = another_session()
    # Another editor's transaction is writing the claim (and could wait for our keys next).
    other.execute("UPDATE claims_claim SET editor_note = %s WHERE id = %s", ["busy", claim.pk])
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            EvidenceFactory(claim=claim)  # its commit moves claim:N, which dates the claim
    finally:
        other.rollback()
        other.close()
    assert Evidence.objects.filter(claim=claim).count() == 2


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
