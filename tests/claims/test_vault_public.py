"""Readers and machines see the evidence vault: "seen on DATE" and our archived copy on each
evidence item, the copy's own page (date, addresses, SHA-256, main text, WARC download,
never the captured HTML), a vanished source said so, `archivedAt` in ClaimReview and the
API; only what a published claim cites."""

import io
import json

import pytest
from django.urls import reverse
from warcio.archiveiterator import ArchiveIterator

from sources.capture.services import source_capture
from sources.models import Capture
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, published_claim
from tests.loopback import Page, article

pytestmark = pytest.mark.django_db


def cited_capture(site, path="/doc", claim=None):
    site.pages[path] = Page(article())
    claim = claim or published_claim()
    source = claim.evidence.get().source
    source.url = site.url(path)
    source.save()
    return claim, source_capture(source=source)


def capture_url(capture: Capture) -> str:
    return reverse(
        "claims:capture_detail", kwargs={"source_pk": capture.source_id, "pk": capture.pk}
    )


def test_each_evidence_item_says_when_it_was_seen_and_links_our_copy(site, client):
    claim, capture = cited_capture(site)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert f'href="{capture_url(capture)}"' in page
    assert "Our archived copy" in page and "seen on" in page


def test_a_new_capture_shows_on_the_claim_page_at_once(site, client):
    claim, first = cited_capture(site)
    assert f'href="{capture_url(first)}"' in client.get(claim.get_absolute_url()).content.decode()
    second = source_capture(source=first.source)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert f'href="{capture_url(second)}"' in page


def test_the_archived_copy_shows_date_addresses_hash_and_text_not_the_page(site, client):
    claim, capture = cited_capture(site)
    response = client.get(capture_url(capture))
    page = response.content.decode()
    assert response.status_code == 200
    assert capture.sha256 in page and capture.requested_url in page
    assert "used the BriefCam video analysis software since 2015" in page
    assert capture.fetched_at.strftime("%Y-%m-%d") in page  # the <time datetime=…>
    assert "document.body.innerHTML" not in page  # the captured page's script is not served


def test_the_warc_is_a_download_readable_with_warcio(site, client):
    claim, capture = cited_capture(site)
    response = client.get(reverse("capture_warc", args=[capture.source_id, capture.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/warc"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    body = b"".join(response.streaming_content)
    kinds = [record.rec_type for record in ArchiveIterator(io.BytesIO(body))]
    assert "response" in kinds


def test_a_vanished_source_says_so_beside_its_archived_copy(site, settings, client):
    settings.CAPTURE_VANISH_AFTER = 1
    claim, capture = cited_capture(site)
    del site.pages["/doc"]
    assert source_capture(source=capture.source).outcome == Capture.Outcome.VANISHED
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "No longer available at its address" in page
    assert f'href="{capture_url(capture)}"' in page  # the copy is still there
    assert "no longer available" in client.get(capture_url(capture)).content.decode()


def test_the_archive_of_a_document_only_drafts_cite_is_not_public(site, client):
    site.pages["/draft"] = Page(article())
    source = SourceFactory(url=site.url("/draft"))
    EvidenceFactory(claim=ClaimFactory(), source=source)
    capture = source_capture(source=source)
    assert client.get(capture_url(capture)).status_code == 404
    assert client.get(reverse("capture_warc", args=[source.pk, capture.pk])).status_code == 404


def test_a_failed_capture_has_no_public_page(site, client):
    claim, capture = cited_capture(site)
    site.pages["/doc"] = Page(b"oops", status=500)
    failed = source_capture(source=capture.source)
    assert client.get(capture_url(failed)).status_code == 404
    wrong_source = reverse("claims:capture_detail", kwargs={"source_pk": 999, "pk": capture.pk})
    assert client.get(wrong_source).status_code == 404


def test_the_claim_page_reads_all_archives_in_one_query_whatever_their_number(site, client):
    def queries_for(claim) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(claim.get_absolute_url()).status_code == 200
        return len(queries)

    one, _ = cited_capture(site, "/one")
    three, _ = cited_capture(site, "/three")
    for n in range(2):
        site.pages[f"/more{n}"] = Page(article(f"Lead {n}."))
        source = SourceFactory(url=site.url(f"/more{n}"))
        EvidenceFactory(claim=three, source=source)
        source_capture(source=source)
        source_capture(source=source)
    client.get("/en/")  # settle the per-request work shared by every page
    assert queries_for(three) == queries_for(one)


def test_claimreview_cites_the_evidence_with_our_archived_copy(site, client):
    claim, capture = cited_capture(site)
    feed = json.loads(client.get(reverse("claimreview_feed")).content)
    review = feed["dataFeedElement"][0]["item"][0]
    citation = review["citation"][0]
    assert citation["url"] == capture.source.url
    assert citation["archivedAt"].endswith(capture_url(capture))


def test_the_api_gives_each_evidence_its_archived_copy(site, client):
    claim, capture = cited_capture(site)
    data = client.get(f"/api/claims/{claim.pk}/").json()
    evidence = data["evidence"][0]
    assert evidence["archived_at"] == "http://testserver" + capture_url(capture)
    assert evidence["seen_at"].startswith(capture.fetched_at.strftime("%Y-%m-%d"))
