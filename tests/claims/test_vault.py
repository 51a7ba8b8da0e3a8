"""The evidence vault on the newsroom's side: a cited source that changed or vanished sends
its claims to re-review with the reason shown to the chief editor; an excerpt no longer in
the source's text is flagged; *Add evidence by URL* offers what the page says of itself."""

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.services import claim_mark_reviewed
from sources.capture.services import source_capture
from sources.capture.tasks import capture_source
from sources.models import Capture, Publisher
from tests.factories import ClaimFactory, published_claim
from tests.loopback import LEAD, Page, article

pytestmark = pytest.mark.django_db


def cited_on(site, path="/doc", excerpt=""):
    """A published claim whose evidence is the page at `path`, captured once."""
    site.pages[path] = Page(article())
    claim = published_claim()
    evidence = claim.evidence.get()
    evidence.excerpt = excerpt
    evidence.save(update_fields=["excerpt"])
    source = evidence.source
    source.url = site.url(path)
    source.save()
    first = source_capture(source=source)
    assert first.outcome == Capture.Outcome.CAPTURED
    claim_mark_reviewed(claim=claim, explanation="Checked against the archived copy.")
    assert claim not in Claim.objects.needs_rereview()
    return claim, source


def in_rereview(claim) -> bool:
    return Claim.objects.needs_rereview().filter(pk=claim.pk).exists()


def test_a_change_of_the_sources_text_sends_the_citing_claims_to_rereview(site):
    claim, source = cited_on(site)
    other = ClaimFactory()  # cites nothing: untouched
    site.pages["/doc"] = Page(article("The ministry now says it never bought the software."))

    capture = source_capture(source=source, conditional=True)

    assert capture.outcome == Capture.Outcome.CHANGED and capture.text_changed
    assert in_rereview(claim) and not in_rereview(other)


def test_a_new_body_with_the_same_text_is_no_reason_for_rereview(site):
    claim, source = cited_on(site)
    site.pages["/doc"] = Page(article() + b"<!-- new ad tag -->")
    capture = source_capture(source=source)
    assert capture.outcome == Capture.Outcome.CAPTURED and not capture.text_changed
    assert not in_rereview(claim)


def test_a_source_gone_three_times_in_a_row_vanished_and_its_claims_need_rereview(
    site, settings, chief
):
    settings.CAPTURE_VANISH_AFTER = 3
    claim, source = cited_on(site)
    del site.pages["/doc"]  # 404 from now on

    outcomes = [source_capture(source=source).outcome for _ in range(2)]
    assert outcomes == [Capture.Outcome.MISSING] * 2
    assert not in_rereview(claim)  # one bad day is not a vanished source

    assert source_capture(source=source).outcome == Capture.Outcome.VANISHED
    assert in_rereview(claim)

    claim_mark_reviewed(claim=claim, explanation="The archived copy still shows it.", user=chief)
    assert source_capture(source=source).outcome == Capture.Outcome.MISSING  # still gone
    assert not in_rereview(claim)  # vanished once, reviewed once


def test_a_host_with_nothing_listening_counts_as_gone(settings):
    settings.CAPTURE_ALLOWED_NETWORKS, settings.CAPTURE_VANISH_AFTER = ["127.0.0.1/32"], 1
    claim = published_claim()
    source = claim.evidence.get().source
    source.url = "http://127.0.0.1:9/closed"
    source.save()
    assert source_capture(source=source).outcome == Capture.Outcome.VANISHED
    assert in_rereview(claim)


def test_the_chief_editor_sees_why_with_the_escaped_diff(site, client, chief):
    claim, source = cited_on(site)
    site.pages["/doc"] = Page(article("Now it says &lt;b&gt;nothing&lt;/b&gt; about 2015."))
    source_capture(source=source)
    client.force_login(chief)

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()

    assert "Why this claim needs re-review" in page
    assert f"Source “{source.title}” changed on" in page
    assert "<del>-" in page and "<ins>+Now it says &lt;b&gt;nothing&lt;/b&gt;" in page
    assert "<b>nothing" not in page


def test_the_chief_editor_sees_a_vanished_source_and_its_reason(site, settings, client, chief):
    settings.CAPTURE_VANISH_AFTER = 1
    claim, source = cited_on(site)
    del site.pages["/doc"]
    source_capture(source=source)
    client.force_login(chief)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert f"Source “{source.title}” vanished on" in page and "HTTP 404" in page


def test_an_excerpt_still_in_the_text_passes_whatever_its_quotes_and_spaces(site, client, chief):
    excerpt = "“One  of its features\nis facial recognition.”"
    claim, source = cited_on(site, excerpt=excerpt.replace("“", "").replace("”", ""))
    client.force_login(chief)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "Seen on" in page
    assert "no longer found" not in page


def test_an_excerpt_no_longer_in_the_latest_text_is_flagged(site, client, chief):
    claim, source = cited_on(site, excerpt=LEAD.split(",")[0])
    site.pages["/doc"] = Page(article("Rewritten without the sentence."))
    source_capture(source=source)
    client.force_login(chief)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "The excerpt is no longer found in the source&#x27;s latest captured text" in page


def test_adding_evidence_by_url_offers_what_the_page_says_of_itself(site, client, editor):
    site.pages["/briefcam"] = Page(article())
    claim = ClaimFactory()
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_evidence_by_url", args=[claim.pk]),
        {"url": site.url("/briefcam"), "stance": "contradicts"},
    )
    source = claim.evidence.get().source
    found = reverse("admin:claims_claim_source_found", args=[claim.pk, source.pk])
    assert response.status_code == 302 and response.url == found
    assert "Capture pending" in client.get(found).content.decode()

    capture_source.call(source.pk)  # what the worker does
    page = client.get(found).content.decode()
    assert "The national police use BriefCam" in page and "Disclose" in page

    response = client.post(found, {"title": "on", "publisher": "on", "published_on": "on"})
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "The national police use BriefCam"
    assert source.publisher == Publisher.objects.get(name="Disclose")
    assert source.published_on.isoformat() == "2023-11-14"


def test_capture_now_fetches_at_once(site, client, editor):
    site.pages["/briefcam"] = Page(article())
    claim = ClaimFactory()
    client.force_login(editor)
    client.post(
        reverse("admin:claims_claim_evidence_by_url", args=[claim.pk]),
        {"url": site.url("/briefcam"), "stance": "context"},
    )
    source = claim.evidence.get().source
    found = reverse("admin:claims_claim_source_found", args=[claim.pk, source.pk])
    assert client.post(found, {"capture": "1"}).status_code == 302
    assert source.captures.get().outcome == Capture.Outcome.CAPTURED


def test_an_editor_cannot_change_a_published_claims_source_through_the_offer(site, client, editor):
    claim, source = cited_on(site)
    client.force_login(editor)
    found = reverse("admin:claims_claim_source_found", args=[claim.pk, source.pk])
    assert client.get(found).status_code == 200
    assert client.post(found, {"title": "on"}).status_code == 403
    source.refresh_from_db()
    assert source.title != "The national police use BriefCam"


def test_the_offer_is_only_for_a_source_of_that_claim(site, client, editor):
    claim, source = cited_on(site)
    client.force_login(editor)
    other = ClaimFactory()
    url = reverse("admin:claims_claim_source_found", args=[other.pk, source.pk])
    assert client.get(url).status_code == 404
