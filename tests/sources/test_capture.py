"""The evidence vault's engine: capturing a source from a page served on loopback, what is
stored and how, and the addresses and answers it refuses."""

import gzip
import hashlib
import socket

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import DatabaseError, connection, transaction
from warcio.archiveiterator import ArchiveIterator

from sources.capture.services import source_capture
from sources.models import Capture
from tests.factories import SourceFactory
from tests.loopback import Page, article, huge, never_answers, redirect_to, trickles

pytestmark = pytest.mark.django_db


def stored_files(prefix: str) -> list[str]:
    storage = storages["captures"]
    if not storage.exists(prefix):
        return []
    folders, files = storage.listdir(prefix)
    found = [f"{prefix}/{name}" for name in files]
    for folder in folders:
        found += stored_files(f"{prefix}/{folder}")
    return found


def warc_records(capture: Capture) -> list:
    with storages["captures"].open(capture.warc_name) as handle:
        return [
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_statuscode() if record.http_headers else None,
                record.content_stream().read(),
            )
            for record in ArchiveIterator(handle)
        ]


def test_a_capture_records_the_answer_with_the_hash_of_its_body(site):
    body = article()
    site.pages["/briefcam"] = Page(body)
    source = SourceFactory(url=site.url("/briefcam"))

    capture = source_capture(source=source)

    assert capture.outcome == Capture.Outcome.CAPTURED
    assert capture.status_code == 200
    assert capture.final_url == site.url("/briefcam")
    assert capture.content_type.startswith("text/html")
    assert capture.size == len(body)
    assert capture.sha256 == hashlib.sha256(body).hexdigest()
    with storages["captures"].open(capture.body_name) as handle:
        assert handle.read() == body


def test_the_warc_file_reads_back_with_warcio(site):
    body = article()
    site.pages["/briefcam"] = Page(body)
    capture = source_capture(source=SourceFactory(url=site.url("/briefcam")))

    with storages["captures"].open(capture.warc_name) as handle:
        assert handle.read(2) == b"\x1f\x8b"  # gzip
    records = warc_records(capture)
    kinds = [kind for kind, *_ in records]
    assert kinds == ["warcinfo", "response", "request"]
    _, uri, status, payload = records[1]
    assert (uri, status, payload) == (site.url("/briefcam"), "200", body)
    with storages["captures"].open(capture.warc_name) as handle:
        assert b"WARC/1.1" in gzip.decompress(handle.read())


def test_the_main_text_and_the_pages_own_metadata_are_extracted(site):
    site.pages["/briefcam"] = Page(article())
    capture = source_capture(source=SourceFactory(url=site.url("/briefcam")))

    assert "used the BriefCam video analysis software since 2015" in capture.main_text
    assert "SCRIPT RAN" not in capture.main_text
    assert "About us" not in capture.main_text  # the menu is not the document
    assert capture.title == "The national police use BriefCam"  # JSON-LD first
    assert capture.publisher_name == "Disclose"
    assert capture.published_on.isoformat() == "2023-11-14"


def test_metadata_falls_back_to_open_graph_without_json_ld(site):
    page = article().replace(b'"headline"', b'"nothing"').replace(b'"datePublished"', b'"x"')
    site.pages["/og"] = Page(page)
    capture = source_capture(source=SourceFactory(url=site.url("/og")))
    assert capture.title == "The police use BriefCam"
    assert capture.published_on.isoformat() == "2023-11-14"


def test_an_unchanged_page_stores_no_new_body_and_points_at_the_copy(site):
    site.pages["/briefcam"] = Page(article())
    source = SourceFactory(url=site.url("/briefcam"))
    first = source_capture(source=source)
    bodies = stored_files("bodies")

    second = source_capture(source=source)

    assert second.outcome == Capture.Outcome.UNCHANGED
    assert second.sha256 == first.sha256 and second.previous == first
    assert second.copy == first
    assert stored_files("bodies") == bodies == [first.body_name]
    kinds = [kind for kind, *_ in warc_records(second)]
    assert kinds == ["warcinfo", "revisit", "request"]  # no second copy of the body


def test_identical_bodies_of_two_sources_are_stored_once(site):
    site.pages["/a"] = Page(article())
    site.pages["/b"] = Page(article())
    one = source_capture(source=SourceFactory(url=site.url("/a")))
    two = source_capture(source=SourceFactory(url=site.url("/b")))
    assert one.body_name == two.body_name
    assert stored_files("bodies") == [one.body_name]


def test_a_recheck_asks_conditionally_and_records_not_modified(site):
    site.pages["/briefcam"] = Page(article(), headers={"Content-Type": "text/html", "ETag": '"v1"'})
    source = SourceFactory(url=site.url("/briefcam"))
    first = source_capture(source=source)

    again = source_capture(source=source, conditional=True)

    assert site.requests[-1][1].get("If-None-Match") == '"v1"'
    assert again.outcome == Capture.Outcome.NOT_MODIFIED
    assert again.copy == first and again.sha256 == first.sha256


def test_redirects_are_followed_and_the_final_address_recorded(site):
    site.pages["/old"] = redirect_to("/new")
    site.pages["/new"] = Page(article())
    capture = source_capture(source=SourceFactory(url=site.url("/old")))
    assert capture.outcome == Capture.Outcome.CAPTURED
    assert capture.requested_url == site.url("/old")
    assert capture.final_url == site.url("/new")
    assert [kind for kind, *_ in warc_records(capture)].count("response") == 2


def test_more_than_five_redirects_fail(site):
    for n in range(7):
        site.pages[f"/hop{n}"] = redirect_to(f"/hop{n + 1}")
    capture = source_capture(source=SourceFactory(url=site.url("/hop0")))
    assert capture.outcome == Capture.Outcome.FAILED
    assert "redirects" in capture.reason
    assert len(site.requests) == 6


def test_the_user_agent_names_the_project(site):
    site.pages["/briefcam"] = Page(article())
    source_capture(source=SourceFactory(url=site.url("/briefcam")))
    assert "factcheck-evidence-vault" in site.requests[0][1]["User-Agent"]


def test_the_connection_goes_to_the_checked_address_with_the_name_in_host(site, monkeypatch):
    site.pages["/briefcam"] = Page(article())
    real = socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        if host == "news.example":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    capture = source_capture(source=SourceFactory(url=f"http://news.example:{site.port}/briefcam"))
    assert capture.outcome == Capture.Outcome.CAPTURED
    assert site.requests[0][1]["Host"] == f"news.example:{site.port}"


# -- refused: not one request -----------------------------------------------------------


@pytest.fixture
def no_connection(monkeypatch):
    """Fails the test if anything opens a connection."""
    attempts = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise AssertionError(f"a connection to {address} was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


def test_loopback_is_refused_unless_allowed(site, settings):
    settings.CAPTURE_ALLOWED_NETWORKS = []
    site.pages["/briefcam"] = Page(article())
    capture = source_capture(source=SourceFactory(url=site.url("/briefcam")))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert "loopback" in capture.reason
    assert site.requests == []


def test_a_name_resolving_to_loopback_is_refused(site, settings):
    settings.CAPTURE_ALLOWED_NETWORKS = []
    site.pages["/briefcam"] = Page(article())
    capture = source_capture(source=SourceFactory(url=f"http://localhost:{site.port}/briefcam"))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert site.requests == []


def test_a_name_resolving_to_the_metadata_address_is_refused(no_connection, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", 80))],
    )
    capture = source_capture(source=SourceFactory(url="http://rebind.example/latest/"))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert "link-local" in capture.reason
    assert no_connection == []


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://10.1.2.3/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::ffff:127.0.0.1]/", "IPv4-mapped"),
        ("http://224.0.0.1/", "multicast"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[2002:7f00:1::1]/", "tunnel"),  # 6to4 of 127.0.0.1
        ("http://[2002:a9fe:a9fe::1]/", "tunnel"),  # 6to4 of the metadata address
        ("http://[64:ff9b::7f00:1]/", "tunnel"),  # NAT64 of 127.0.0.1
        ("http://[fec0::1]/", "tunnel"),  # site-local
        ("http://192.88.99.1/", "tunnel"),  # the 6to4 relay
        ("ftp://news.example.org/file", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_inner_addresses_and_other_schemes_are_refused_without_a_connection(
    no_connection, url, why
):
    capture = source_capture(source=SourceFactory(url=url))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert why in capture.reason
    assert no_connection == []


def test_ipv6_loopback_gets_no_request(site_v6, settings):
    settings.CAPTURE_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    site_v6.pages["/briefcam"] = Page(article())
    capture = source_capture(source=SourceFactory(url=site_v6.url("/briefcam")))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert site_v6.requests == []


def test_ipv4_mapped_loopback_gets_no_request_even_when_loopback_is_allowed(site):
    site.pages["/briefcam"] = Page(article())
    capture = source_capture(
        source=SourceFactory(url=f"http://[::ffff:127.0.0.1]:{site.port}/briefcam")
    )
    assert capture.outcome == Capture.Outcome.REFUSED
    assert site.requests == []


def test_a_redirect_to_a_refused_address_is_not_followed(site, other_site):
    other_site.pages["/secret"] = Page(b"internal")
    site.pages["/go"] = redirect_to(other_site.url("/secret"))
    capture = source_capture(source=SourceFactory(url=site.url("/go")))
    assert capture.outcome == Capture.Outcome.REFUSED
    assert "127.0.0.2" in capture.reason
    assert [path for path, _ in site.requests] == ["/go"]
    assert other_site.requests == []


# -- limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", [True, False])
def test_a_30_mb_body_is_cut_off_at_the_size_limit(site, declared):
    site.pages["/big"] = huge(30 * 2**20, declared=declared)
    capture = source_capture(source=SourceFactory(url=site.url("/big")))
    assert capture.outcome == Capture.Outcome.FAILED
    assert "limit" in capture.reason
    assert stored_files("bodies") == []


def test_a_server_that_never_answers_is_cut_off_at_the_time_limit(site, settings):
    settings.CAPTURE_TIMEOUT_SECONDS = 2
    site.pages["/slow"] = never_answers
    capture = source_capture(source=SourceFactory(url=site.url("/slow")))
    assert capture.outcome == Capture.Outcome.FAILED
    assert "within 2 s" in capture.reason


def test_a_server_trickling_bytes_is_cut_off_at_the_time_limit(site, settings):
    settings.CAPTURE_TIMEOUT_SECONDS = 2
    site.pages["/trickle"] = trickles
    capture = source_capture(source=SourceFactory(url=site.url("/trickle")))
    assert capture.outcome == Capture.Outcome.FAILED
    assert "within 2 s" in capture.reason


def test_errors_are_recorded_not_raised(site):
    site.pages["/boom"] = Page(b"oops", status=500)
    capture = source_capture(source=SourceFactory(url=site.url("/boom")))
    assert (capture.outcome, capture.status_code) == (Capture.Outcome.FAILED, 500)
    assert capture.reason.startswith("HTTP 500")


# -- append-only ------------------------------------------------------------------------------


def test_a_capture_cannot_be_saved_again_or_deleted(site):
    site.pages["/briefcam"] = Page(article())
    capture = source_capture(source=SourceFactory(url=site.url("/briefcam")))
    capture.main_text = "rewritten"
    with pytest.raises(ValidationError):
        capture.save()
    with pytest.raises(ValidationError):
        capture.delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE sources_capture SET main_text = 'rewritten'", "DELETE FROM sources_capture"],
)
def test_raw_sql_cannot_rewrite_or_remove_a_capture(site, statement):
    if connection.vendor != "postgresql" and statement.startswith("DELETE"):
        pytest.skip("SQLite keeps no DELETE guard: Django's test flush deletes row by row")
    site.pages["/briefcam"] = Page(article())
    source_capture(source=SourceFactory(url=site.url("/briefcam")))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Capture.objects.get().main_text.startswith("The national police")


@pytest.mark.parametrize(
    "page",
    [
        # NUL in a header
        Page(article(), headers={"Content-Type": "text/html", "ETag": '"a\x00b"'}),
        Page(b"plain\x00text with a NUL byte", headers={"Content-Type": "text/plain"}),
    ],
)
def test_what_a_page_sends_never_keeps_its_capture_from_being_recorded(site, page):
    site.pages["/odd"] = page
    capture = source_capture(source=SourceFactory(url=site.url("/odd")))
    capture.refresh_from_db()
    assert capture.outcome == Capture.Outcome.CAPTURED
    assert "\x00" not in capture.etag + capture.main_text


def test_a_redirect_to_a_very_long_address_is_recorded_cut_to_its_column(site):
    long_path = "/" + "a" * 3000
    site.pages["/short"] = Page(b"", status=302, headers={"Location": long_path})
    site.pages[long_path] = Page(article())
    capture = source_capture(source=SourceFactory(url=site.url("/short")))
    capture.refresh_from_db()
    assert capture.outcome == Capture.Outcome.CAPTURED
    assert len(capture.final_url) == Capture._meta.get_field("final_url").max_length
