import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from claims.models import Claim, StatusChange
from claims.public.sitemaps import SITEMAPS
from claims.services import status_change_record
from sources.models import Investigation
from sources.services import investigation_update_record
from tests.factories import (
    ClaimFactory,
    ClaimLinkFactory,
    EvidenceFactory,
    InvestigationFactory,
    SourceFactory,
    TopicFactory,
    published_claim,
    rating,
    url_in,
)

pytestmark = pytest.mark.django_db

DRAFT_TEXT = "Secret draft claim about tax cuts"
EDITOR_NOTE = "Editors only: call the ministry back"


@pytest.fixture
def draft(db):
    claim = ClaimFactory(text=DRAFT_TEXT, editor_note=EDITOR_NOTE)
    status_change_record(
        claim=claim,
        to_rating=rating("false"),
        facts_known_on=datetime.date(2023, 11, 22),
        explanation="Draft verdict.",
    )
    return claim


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # builds the search vectors
        call_command("load_demo", verbosity=0)
    return Claim.objects.get(slug="gerald-darmanin-facial-recognition")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# -- home --------------------------------------------------------------------------------------


def test_home_shows_latest_verdicts_changes_counts_and_a_search_box(client, demo):
    response = client.get(reverse("claims:home"))
    html = response.content.decode()
    assert demo.text in html
    assert "What changed" in html
    assert "Unverified → " in html  # the minister's first change
    assert 'name="q"' in html
    counts = {r.slug: n for r, n in response.context["rating_counts"]}
    assert counts["misleading"] == 1 and counts["true"] == 1 and counts["false"] == 0
    assert re.search(r"Misleading</span>\s*</a> <span class=\"count\">1</span>", html)


# -- list, filters, search ---------------------------------------------------------------------


def test_list_shows_published_claims_with_a_count(client, demo):
    html = page(client, reverse("claims:claim_list"))
    assert "3 claims" in html
    assert demo.text in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"rating": "misleading"}, {"gerald-darmanin-facial-recognition"}),
        ({"rating": "true"}, {"aurelien-saintoul-olympic-law-facial-recognition"}),
        ({"claimant": "aurelien-saintoul"}, {"aurelien-saintoul-olympic-law-facial-recognition"}),
        ({"topic": "privacy"}, {"lfi-briefcam-contravenes-the-law"}),
        (
            {"open_investigation": "true"},
            {"gerald-darmanin-facial-recognition", "lfi-briefcam-contravenes-the-law"},
        ),
        ({"open_investigation": "false"}, {"aurelien-saintoul-olympic-law-facial-recognition"}),
        ({"said_from": "2023-11-22"}, set()),
        (
            {"said_to": "2023-11-21", "language": "fr", "rating": "misleading"},
            {"gerald-darmanin-facial-recognition"},
        ),
    ],
)
def test_filters_narrow_the_list_and_combine(client, demo, params, expected):
    response = client.get(reverse("claims:claim_list"), params)
    assert response.status_code == 200
    assert {c.slug for c in response.context["object_list"]} == expected


def test_search_finds_claims_by_words_in_the_quote(client, demo):
    response = client.get(reverse("claims:claim_list"), {"q": "ma connaissance"})
    slugs = [c.slug for c in response.context["object_list"]]
    assert slugs == ["gerald-darmanin-facial-recognition"]


def test_sorting_by_recently_updated_follows_the_changes_readers_saw(client):
    def order():
        response = client.get(reverse("claims:claim_list"), {"sort": "-updated"})
        return [c.pk for c in response.context["object_list"]]

    older, newer = published_claim(), published_claim()
    older.editor_note = "Checked again at night."  # not an update readers saw
    older.save()
    assert order() == [newer.pk, older.pk]
    older.summary = "A sharper summary."
    older.save()
    assert order() == [older.pk, newer.pk]


def test_list_paginates_and_keeps_the_filters_in_page_links(client):
    for i in range(25):
        published_claim(text=f"Claim number {i} about the budget")
    html = page(client, reverse("claims:claim_list"), rating="false")
    assert "Page 1 of 2" in html
    assert "rating=false&amp;page=2" in html
    second = client.get(reverse("claims:claim_list"), {"rating": "false", "page": 2})
    assert len(second.context["object_list"]) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"rating": "not-a-rating"},
        {"said_from": "2023-13-45"},
        {"said_to": "yesterday"},
        {"open_investigation": "maybe"},
        {"sort": "secret_field"},
        {"q": "x" * 5000},
        {"q": "\u202e\ud7ff 🤔 ' OR 1=1 --"},
        {"q": "<script>alert(1)</script>"},
        {"claimant": "<b>nobody</b>"},
        {"as_of": "2023-11-22"},
    ],
)
def test_bad_query_strings_give_a_normal_page_and_are_escaped(client, demo, params):
    response = client.get(reverse("claims:claim_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<b>nobody</b>" not in html


@pytest.mark.parametrize("page_value", ["abc", "999", "-1", "0"])
def test_bad_page_numbers_answer_404_not_500(client, demo, page_value):
    response = client.get(reverse("claims:claim_list"), {"page": page_value})
    assert response.status_code == 404


def test_an_unknown_rating_is_reported_beside_its_field(client, demo):
    html = page(client, reverse("claims:claim_list"), rating="nonsense")
    assert "Select a valid choice" in html


# -- claim page --------------------------------------------------------------------------------


def test_claim_page_shows_quote_translation_verdict_and_evidence_on_both_sides(client, demo):
    html = page(client, demo.get_absolute_url())
    assert 'lang="fr"><p>À ma connaissance' in html
    assert "To my knowledge, we do not use facial recognition." in html
    assert "Misleading" in html
    assert 'Supports the claim <span class="count">(1)</span>' in html
    assert 'Contradicts the claim <span class="count">(1)</span>' in html
    assert "La police nationale utilise illégalement" in html
    assert "CNIL control procedure" in html and "Open" in html
    assert "France 5" in html


def test_claim_page_timeline_merges_changes_evidence_and_investigation_updates(client, demo):
    response = client.get(demo.get_absolute_url())
    kinds = [(e.day, e.kind) for e in response.context["state"].timeline]
    assert kinds == sorted(kinds, key=lambda k: k[0])
    assert {"said", "evidence", "investigation", "status"} <= {k for _, k in kinds}


def test_corrections_are_marked_on_the_timeline(client, demo):
    claim = Claim.objects.get(slug="aurelien-saintoul-olympic-law-facial-recognition")
    html = page(client, claim.get_absolute_url())
    assert 'class="tag tag-correction">Correction' in html
    assert "Correction: we first rated this" in html


def test_as_of_shows_the_rating_and_evidence_as_they_stood_that_day(client, demo):
    response = client.get(demo.get_absolute_url(), {"as_of": "2023-11-22"})
    state = response.context["state"]
    assert state.is_past
    assert state.rating == rating("under-investigation")
    html = response.content.decode()
    assert "as it stood on" in html
    earlier = client.get(demo.get_absolute_url(), {"as_of": "2023-11-14"}).context["state"]
    assert earlier.rating is None
    assert [e.source.title for e in earlier.evidence["contradicts"]] == [
        "La police nationale utilise illégalement un logiciel israélien de reconnaissance faciale"
    ]
    assert earlier.evidence["context"] == []
    # The CNIL opened its procedure on the 15th: not yet there on the 14th.
    assert all(inv.slug != "cnil-briefcam-control" for inv, _ in earlier.investigations)


def test_as_of_follows_investigation_states(client):
    claim = published_claim()
    inv = InvestigationFactory(
        opened_on=datetime.date(2023, 11, 15), state=Investigation.State.OPEN
    )
    claim.investigations.add(inv)
    investigation_update_record(
        investigation=inv, happened_on=datetime.date(2023, 11, 15), state="open", summary="Opened."
    )
    investigation_update_record(
        investigation=inv,
        happened_on=datetime.date(2024, 12, 5),
        state="concluded",
        summary="Concluded.",
    )
    url = claim.get_absolute_url()
    assert client.get(url, {"as_of": "2024-01-01"}).context["state"].investigations == [
        (inv, "open")
    ]
    assert client.get(url).context["state"].investigations == [(inv, "concluded")]


def test_a_bad_as_of_date_shows_today_with_a_notice(client, demo):
    html = page(client, demo.get_absolute_url(), as_of="2023-13-45")
    assert "That date could not be read" in html
    assert "Misleading" in html


def test_old_or_missing_slugs_redirect_to_the_canonical_url(client, demo):
    canonical = demo.get_absolute_url()
    assert client.get(reverse("claims:claim_short", args=[demo.pk])).url == canonical
    old = reverse("claims:claim_detail", kwargs={"pk": demo.pk, "slug": "old-wording"})
    response = client.get(old)
    assert response.status_code == 301
    assert response.url == canonical


def test_rewording_a_claim_keeps_old_links_working(client, demo):
    old_url = demo.get_absolute_url()
    demo.text = "The police never use facial recognition."
    demo.slug = "police-never-use-facial-recognition"
    demo.save()
    response = client.get(old_url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == demo.get_absolute_url()


def test_claimreview_json_ld_has_what_google_requires_and_recommends(client, demo):
    html = page(client, demo.get_absolute_url())
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == demo.text
    assert data["url"] == "http://testserver" + demo.get_absolute_url()
    assert data["datePublished"] == "2023-11-21"
    assert data["author"]["@type"] == "Organization"
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 3,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Misleading",
    }
    item = data["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Person",
        "name": "Gérald Darmanin",
        "jobTitle": "Minister of the Interior",
    }
    assert item["datePublished"] == "2023-11-21"
    assert item["appearance"][0]["name"] == "France 5"


def test_no_claimreview_for_a_non_final_rating(client, demo):
    claim = Claim.objects.get(slug="lfi-briefcam-contravenes-the-law")
    assert "application/ld+json" not in page(client, claim.get_absolute_url())


def test_claimreview_json_ld_cannot_break_out_of_its_script(client):
    claim = published_claim(text="Claim </script><script>alert(1)</script>")
    html = page(client, claim.get_absolute_url())
    assert "</script><script>alert(1)" not in html


def test_linked_claims_show_on_both_pages_but_drafts_do_not(client, demo, draft):
    other = Claim.objects.get(slug="lfi-briefcam-contravenes-the-law")
    ClaimLinkFactory(from_claim=demo, to_claim=other, kind="follow_up")
    ClaimLinkFactory(from_claim=demo, to_claim=draft, kind="repeat")
    assert escape(other.text) in page(client, demo.get_absolute_url())
    assert escape(demo.text) in page(client, other.get_absolute_url())
    assert DRAFT_TEXT not in page(client, demo.get_absolute_url())


def test_claim_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    claim = published_claim()
    for _ in range(30):
        EvidenceFactory(claim=claim)
    for i in range(20):
        status_change_record(
            claim=claim,
            to_rating=rating("misleading" if i % 2 else "true"),
            facts_known_on=datetime.date(2023, 11, 22),
            explanation=f"Step {i}",
        )
    inv = InvestigationFactory()
    claim.investigations.add(inv)
    for i in range(10):
        investigation_update_record(
            investigation=inv,
            happened_on=datetime.date(2023, 12, 1),
            summary=f"Update {i}",
            source=SourceFactory(),
        )
    with django_assert_max_num_queries(15):  # incl. the public version read
        assert client.get(claim.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "name", ["claims:home", "claims:claim_list", "claims:feed", "claims:claimant_list"]
)
def test_list_pages_run_a_fixed_number_of_queries(client, name, django_assert_max_num_queries):
    for i in range(30):
        claim = published_claim(text=f"Claim {i}")
        claim.topics.add(TopicFactory())
        status_change_record(
            claim=claim,
            to_rating=rating("true"),
            facts_known_on=datetime.date(2023, 11, 23),
            explanation="Now true.",
        )
    with django_assert_max_num_queries(11):  # incl. the public version read
        assert client.get(reverse(name)).status_code == 200


# -- drafts never leak -------------------------------------------------------------------------


def test_a_draft_answers_404(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("claims:claim_short", args=[draft.pk])).status_code == 404


def test_a_claim_in_review_answers_404(client):
    claim = ClaimFactory(publication_state=Claim.State.REVIEW)
    assert client.get(claim.get_absolute_url()).status_code == 404


def test_a_withdrawn_claim_answers_410_with_its_public_note(client):
    from claims.services import claim_withdraw

    claim = published_claim(editor_note=EDITOR_NOTE)
    claim_withdraw(claim=claim, note="We could not confirm the quote's context.")
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "We could not confirm the quote" in html
    assert EDITOR_NOTE not in html
    claims_sitemap = reverse("sitemap_section", kwargs={"section": "claims"})
    assert claim.get_absolute_url() not in client.get(claims_sitemap).content.decode()


def test_drafts_and_editor_notes_never_appear_on_public_pages(client, demo, draft):
    demo.editor_note = EDITOR_NOTE
    demo.save()
    urls = [
        reverse("claims:home"),
        reverse("claims:claim_list"),
        reverse("claims:claim_list") + "?q=tax",
        demo.get_absolute_url(),
        reverse("claims:feed"),
        *[reverse("sitemap_section", kwargs={"section": name}) for name in SITEMAPS],
        reverse("claims:claimant_list"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert DRAFT_TEXT not in html, url
        assert EDITOR_NOTE not in html, url
        assert "Draft verdict." not in html, url


def test_counts_ignore_drafts(client, draft):
    published_claim(rating_slug="false")
    response = client.get(reverse("claims:home"))
    assert {r.slug: n for r, n in response.context["rating_counts"]}["false"] == 1
    assert "1 claim" in page(client, reverse("claims:claim_list"))


def test_pages_reached_only_through_drafts_answer_404(client, draft):
    evidence = EvidenceFactory(claim=draft)
    inv = InvestigationFactory()
    draft.investigations.add(inv)
    topic = TopicFactory()
    draft.topics.add(topic)
    assert client.get(draft.claimant.get_absolute_url()).status_code == 404
    assert client.get(evidence.source.get_absolute_url()).status_code == 404
    assert client.get(inv.get_absolute_url()).status_code == 404
    assert client.get(topic.get_absolute_url()).status_code == 404


# -- other pages -------------------------------------------------------------------------------


def test_claimant_page_lists_claims_and_a_breakdown_by_rating(client, demo):
    html = page(client, demo.claimant.get_absolute_url())
    assert demo.text in html
    assert "Misleading" in html and "Verdicts by rating" in html


def test_source_page_says_which_claims_it_supports_or_contradicts(client, demo):
    source = demo.evidence.get(stance="contradicts").source
    html = page(client, source.get_absolute_url())
    assert "Contradicts the claim" in html and demo.text in html
    assert "Supports the claim" in html  # it supports the group's claim


def test_a_source_cited_only_by_an_investigation_update_has_a_page(client, demo):
    update = Investigation.objects.get(slug="commission-inquiry-facial-recognition").updates.get()
    assert client.get(update.source.get_absolute_url()).status_code == 200


def test_topic_page_lists_its_claims(client, demo):
    topic = demo.topics.get(slug="police")
    assert demo.text in page(client, topic.get_absolute_url())


def test_investigation_page_shows_updates_and_dependent_claims(client, demo):
    inv = Investigation.objects.get(slug="cnil-briefcam-control")
    html = page(client, inv.get_absolute_url())
    assert "The CNIL announces a control procedure" in html
    assert demo.text in html


def test_methodology_lists_every_rating_from_the_table(client, demo):
    from claims.models import Rating

    html = page(client, reverse("claims:page", args=["methodology"]))
    for r in Rating.objects.all():
        assert r.label in html
        assert r.description in html
    assert "How we correct them" in html
    assert client.get(reverse("claims:methodology")).status_code == 302


def test_methodology_shows_a_rating_renamed_by_editors(client):
    r = rating("false")
    r.label, r.description = "Wrong", "Our new definition of wrong."
    r.save()
    html = page(client, reverse("claims:page", args=["methodology"]))
    assert "Wrong" in html and "Our new definition of wrong." in html


def test_unknown_pages_answer_404(client):
    assert client.get(reverse("claims:page", args=["nope"])).status_code == 404
    missing = reverse("claims:claim_detail", kwargs={"pk": 99999, "slug": "nothing"})
    assert client.get(missing).status_code == 404


def test_rating_colours_come_from_the_rating_table(client):
    css = client.get(reverse("rating_css")).content.decode()
    assert f".rating-misleading {{ --rating-colour: {rating('misleading').colour}; }}" in css


# -- French UI ---------------------------------------------------------------------------------


def test_the_french_address_shows_the_site_in_french(client, demo):
    html = page(client, url_in("fr", demo))
    assert '<html lang="fr">' in html
    assert "Notre verdict" in html
    assert "Trompeur" in html
    assert "21 novembre 2023" in html


def test_english_is_the_default(client, demo):
    html = page(client, demo.get_absolute_url())
    assert '<html lang="en">' in html
    assert "Our verdict" in html
    assert "Nov. 21, 2023" in html


def test_status_change_is_visible_on_the_next_request(client, demo):
    status_change_record(
        claim=demo,
        to_rating=rating("false"),
        facts_known_on=datetime.date(2024, 12, 5),
        explanation="The CNIL found the feature in use.",
        kind=StatusChange.Kind.UPDATE,
    )
    html = page(client, demo.get_absolute_url())
    assert "The CNIL found the feature in use." in html


def test_related_pages_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from tests.factories import ClaimantFactory

    claimant, topic, source = ClaimantFactory(), TopicFactory(), SourceFactory()
    inv = InvestigationFactory()
    for i in range(25):
        claim = published_claim(claimant=claimant, text=f"Claim {i}")
        claim.topics.add(topic)
        claim.investigations.add(inv)
        EvidenceFactory(claim=claim, source=source)
        investigation_update_record(
            investigation=inv,
            happened_on=datetime.date(2023, 12, 1),
            summary=f"Update {i}",
            source=SourceFactory(),
        )
    for url in [
        claimant.get_absolute_url(),
        topic.get_absolute_url(),
        source.get_absolute_url(),
        inv.get_absolute_url(),
        reverse("sitemap"),
        reverse("sitemap_section", kwargs={"section": "claims"}),
        reverse("claims:page", args=["methodology"]),
    ]:
        with django_assert_max_num_queries(11):  # incl. the public version read
            assert client.get(url).status_code == 200, url
