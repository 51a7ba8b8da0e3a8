import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimantFactory, ClaimFactory, published_claim

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)


@pytest.fixture
def claims(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        minister = published_claim(
            text="The French police do not use facial recognition.",
            quote="À ma connaissance, nous n'utilisons pas la reconnaissance faciale.",
            quote_language="fr",
        )
        olympics = published_claim(
            text="Parliament excluded facial recognition from the Olympic Games law.",
            summary="The law rules out facial recognition for video surveillance experiments.",
        )
        budget = published_claim(text="The deficit fell below three percent in 2023.")
    return minister, olympics, budget


RESULT_LINK = re.compile(r'<h3><a href="/en/claims/(\d+)-')  # a result card's claim link


def found(query: str) -> list[Claim]:
    """The claims the public search shows a reader, in its order: the claim list's results
    for `?q=`, taken as they are; whatever the page lists is returned, draft or not."""
    response = Client().get(reverse("claims:claim_list"), {"q": query})
    assert response.status_code == 200
    ids = [int(pk) for pk in dict.fromkeys(RESULT_LINK.findall(response.content.decode()))]
    claims = Claim.objects.in_bulk(ids)
    return [claims[pk] for pk in ids]


@postgres_only
@pytest.mark.parametrize(
    "query",
    [
        "reconnaissance faciale",
        "RECONNAISSANCE FACIALE",
        "réconnaissançe faciale",
        "facial recognition",
        "recognitions",
    ],
)
def test_search_is_case_accent_and_stem_insensitive(claims, query):
    minister, olympics, budget = claims
    results = found(query)
    assert minister in results
    assert budget not in results


@postgres_only
def test_french_stemming_matches_other_forms_of_a_word(claims):
    minister, _, _ = claims
    # "connaissances" and the quote's "connaissance" share a stem; "reconnaissance" does not.
    assert found("connaissances") == [minister]


@postgres_only
def test_results_are_ranked_by_relevance(claims):
    minister, olympics, _ = claims
    # Both say "facial recognition" in their text (weight A); the minister's quote says it
    # again ("reconnaissance faciale", weight A), the Olympic claim only in its summary (C).
    # Without the rank the page's own order (newest first) would put the Olympic claim first.
    assert found("facial recognition") == [minister, olympics]
    assert found("olympic law") == [olympics]


@postgres_only
def test_websearch_syntax_excludes_words(claims):
    minister, olympics, _ = claims
    assert found("facial recognition -olympic") == [minister]


@postgres_only
def test_renaming_a_claimant_refreshes_the_search(claims, django_capture_on_commit_callbacks):
    minister, _, _ = claims
    claimant = minister.claimant
    with django_capture_on_commit_callbacks(execute=True):
        claimant.name = "Gérald Darmanin"
        claimant.save()
    assert found("darmanin") == [minister]


def test_search_never_returns_drafts(claims, django_capture_on_commit_callbacks):
    minister, olympics, _ = claims
    with django_capture_on_commit_callbacks(execute=True):
        draft = ClaimFactory(text="Draft about facial recognition", claimant=ClaimantFactory())
    assert Claim.objects.search("facial recognition").filter(pk=draft.pk).exists()  # it matches
    results = found("facial recognition")
    assert draft not in results
    assert set(results) == {minister, olympics}


def test_an_empty_query_returns_everything(claims):
    assert len(found("   ")) == 3


def test_search_finds_words_from_the_claim_and_the_summary(claims):
    _, olympics, budget = claims
    assert found("deficit") == [budget]
    assert olympics in found("surveillance")
