"""Filtered listings depend on what their filters can match (ClaimFilter.dependency_keys), not
on every claim: they must never be stale after any kind of write, and a change must leave the
listings it cannot appear in alone."""

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse

from claims.models import Claim, Claimant
from claims.public.filters import ClaimFilter
from claims.services import claim_withdraw
from sources.models import Investigation
from tests.claims.test_caching import as_shown, forget_pages, rerate, served_and_fresh
from tests.claims.test_import import good_record, import_records
from tests.factories import ClaimantFactory, InvestigationFactory, TopicFactory, published_claim

pytestmark = pytest.mark.django_db

# How a listing can filter for `claim` (as it is now), for each of ClaimFilter's filters.
FOR_CLAIM = {
    "q": lambda claim: claim.text.split()[1],
    "rating": lambda claim: claim.rating.slug if claim.rating else "false",
    "claimant": lambda claim: claim.claimant.slug,
    "topic": lambda claim: (claim.topics.first() or TopicFactory()).slug,
    "language": lambda claim: claim.language,
    "said_from": lambda claim: claim.said_on.isoformat(),
    "said_to": lambda claim: claim.said_on.isoformat(),
    "open_investigation": lambda claim: "true",
    "sort": lambda claim: "-updated",
}


def test_every_filter_of_the_claim_list_is_tried():
    assert set(FOR_CLAIM) == set(ClaimFilter.base_filters)


def listings(*claims) -> list[str]:
    """The claim list and the API's, filtered by each filter as each claim can match it, alone
    and with a rating (as readers search), in each order."""
    queries = [{}, {"open_investigation": "false"}, {"sort": "-said"}]
    for claim in claims:
        for name, value in FOR_CLAIM.items():
            queries.append({name: value(claim)})
            queries.append({name: value(claim), "rating": FOR_CLAIM["rating"](claim)})
            queries.append({name: value(claim), "sort": "-updated"})
    addresses = set()
    for query in queries:
        for listing in (reverse("claims:claim_list"), reverse("api:claim-list")):
            addresses.add(f"{listing}?{urlencode(query)}" if query else listing)
    return sorted(addresses)


def answers(client, addresses) -> dict:
    """Each listing's ETag and content (an API list refuses a filter value nothing public
    has, with 400: an answer too)."""
    found = {}
    for address in addresses:
        response = client.get(address)
        assert response.status_code in (200, 400), address
        found[address] = (response.get("ETag"), None, response.content)
    return found


def rename(claim):
    claim.claimant.name = "A. Renamed"
    claim.claimant.save()


def new_text(claim):
    claim.text = "Le gouvernement zorglub dit vrai."
    claim.save()


def excerpt(claim):
    evidence = claim.evidence.get()
    evidence.excerpt = "A sharper excerpt."
    evidence.save()


def investigated(claim):
    claim.investigations.add(InvestigationFactory(state=Investigation.State.OPEN))


def investigation_closed(claim):
    Investigation.objects.filter(claims=claim).update(state=Investigation.State.CONCLUDED)


def redated_by_raw_sql(claim):
    with connection.cursor() as cursor:
        earlier = (
            "said_on - 400" if connection.vendor == "postgresql" else "date(said_on, '-400 days')"
        )
        cursor.execute(f"UPDATE claims_claim SET said_on = {earlier} WHERE id = %s", [claim.pk])


WRITES = {
    "a new verdict": rerate,
    "its date, through raw SQL": redated_by_raw_sql,
    "new evidence text": excerpt,
    "new claim text": new_text,
    "a topic added": lambda claim: claim.topics.add(TopicFactory()),
    "a topic renamed": lambda claim: claim.topics.update(name="Renamed topic"),
    "the claimant renamed": rename,
    "an investigation opened": investigated,
    "an investigation closed": investigation_closed,
    "a withdrawal": lambda claim: claim_withdraw(claim=claim, note="Sourcing failed."),
    "moved to another claimant": lambda claim: Claim.objects.filter(pk=claim.pk).update(
        claimant=Claimant.objects.exclude(pk=claim.claimant_id).first()
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_no_filtered_listing_is_stale_after_a_write(
    client, write, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # search vectors are refreshed
        a = published_claim(text="Le ministre quetanri affirme 40% des dépenses.")
        b = published_claim(text="La ministre velborisor affirme 60% des recettes.")
        a.topics.add(TopicFactory(name="Santé"))
        b.topics.add(TopicFactory(name="Budget"))
        a.investigations.add(InvestigationFactory(state=Investigation.State.OPEN))
    # B was updated last: A goes to the top of "recently updated" only when it changes.
    rerate(b, "Seen again.", "mostly-false")
    before_claim = Claim.objects.get(pk=a.pk)
    addresses = listings(before_claim, b)
    before = answers(client, addresses)
    with django_capture_on_commit_callbacks(execute=True):
        WRITES[write](a)
    after_claim = Claim.objects.get(pk=a.pk)
    addresses_after = listings(after_claim)  # what A matches now, too
    after = answers(client, addresses + addresses_after)
    forget_pages()
    fresh = answers(client, addresses + addresses_after)
    changed = 0
    for address in addresses + addresses_after:
        # Nothing the write altered is kept from before it.
        assert as_shown(after[address]) == as_shown(fresh[address]), address
        if address in before and as_shown(before[address]) != as_shown(fresh[address]):
            changed += 1
            if before[address][0]:  # HTML: a new ETag too
                assert after[address][0] != before[address][0], address
    assert changed, "the write changed no listing: it tests nothing"


def etags(client, addresses) -> dict:
    return {address: client.get(address)["ETag"] for address in addresses}


def test_a_verdict_leaves_the_searches_and_ratings_it_cannot_appear_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a = published_claim(text="Le ministre quetanri affirme 40% des dépenses.")
        published_claim(text="La ministre velborisor affirme 60% des recettes.", language="en")
    listing = reverse("claims:claim_list")
    untouched = [
        f"{listing}?q=velborisor",  # only B says it
        f"{listing}?q=velborisor&rating=false&language=en",
        f"{listing}?rating=misleading",  # A is neither misleading before nor after
    ]
    moved = [
        f"{listing}?q=quetanri",
        f"{listing}?q=quetanri&rating=true",  # A joins it
        f"{listing}?rating=false",  # A leaves it
        f"{listing}?q=velborisor+or+quetanri",
        f"{listing}?q=velborisor+-quetanri",  # a negated word: every claim's key
        listing,
    ]
    if connection.vendor != "postgresql":
        untouched = [u for u in untouched if "q=" not in u]  # SQLite has no search words
    before, before_moved = etags(client, untouched), etags(client, moved)
    rerate(a, slug="true")
    assert etags(client, untouched) == before
    after_moved = etags(client, moved)
    assert all(after_moved[u] != before_moved[u] for u in moved), after_moved


def test_a_negated_search_depends_on_every_claim(client, django_capture_on_commit_callbacks):
    # "-word" finds the claims without it: no word's key can tell which those are.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches the substring, minus sign included")
    with django_capture_on_commit_callbacks(execute=True):
        a = published_claim(text="Le ministre quetanri affirme 40% des dépenses.")
    address = f"{reverse('claims:claim_list')}?q=-velborisor"
    before = client.get(address)
    assert a.text in before.content.decode()
    rerate(a, slug="true")
    assert client.get(address)["ETag"] != before["ETag"]


def test_a_search_for_stop_words_alone_finds_nothing_and_stays(client):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches substrings: stop words find claims there")
    a = published_claim(text="Le ministre et les dépenses.")
    address = f"{reverse('claims:claim_list')}?q=les+et"
    before = client.get(address)
    assert a.text not in before.content.decode()
    rerate(a, slug="true")
    assert client.get(address)["ETag"] == before["ETag"]


def test_the_search_form_choices_do_not_depend_on_verdicts(client):
    a = published_claim()
    address = f"{reverse('claims:claim_list')}?rating=misleading"
    before = client.get(address)
    keys = before["Surrogate-Key"].split()
    assert "claims" not in keys and "cards" in keys
    rerate(a, slug="true")
    assert client.get(address)["ETag"] == before["ETag"]
    # A claim in a new language adds it to the form's choices.
    published_claim(language="de")
    assert '<option value="de"' in client.get(address).content.decode()


def test_a_claim_date_filter_alone_depends_on_every_claim(client):
    a = published_claim(said_on=datetime.date(2023, 1, 5))
    address = f"{reverse('claims:claim_list')}?said_from=2023-01-01"
    before = client.get(address)
    assert "claims" in before["Surrogate-Key"].split()
    rerate(a, slug="true")
    assert client.get(address)["ETag"] != before["ETag"]


def test_a_language_published_after_the_filters_were_first_built_is_accepted(client):
    assert ClaimFilter.base_filters["language"].field  # built once, as the API schema does
    claim = published_claim(language="de")
    for address in (reverse("claims:claim_list"), reverse("api:claim-list")):
        response = client.get(f"{address}?language=de")
        assert response.status_code == 200 and claim.text in response.content.decode(), address


# Found by an attack review: a search narrowed by a claimant depended on its words only, but
# whether the claimant is still a valid choice changes when its last claim leaves it.
@pytest.mark.parametrize("listing", ["claims:claim_list", "api:claim-list"])
def test_a_search_by_a_claimant_follows_the_claimant_losing_its_last_claim(
    client, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        other = published_claim(text="Le ministre quetanri affirme 40% des dépenses.")
        lone = published_claim(text="La ministre velborisor affirme 60% des recettes.")
    address = f"{reverse(listing)}?q=quetanri&claimant={lone.claimant.slug}"
    assert other.text not in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # as the admin saves it
        lone.claimant = ClaimantFactory()
        lone.save()
    served, fresh = served_and_fresh(client, address)
    assert (served.status_code, served.content) == (fresh.status_code, fresh.content)


def test_a_search_by_a_claimant_follows_a_reimport_that_corrects_the_claimant(
    client, tmp_path, chief, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        published_claim(text="Le ministre quetanri affirme 40% des dépenses.")
        record = good_record(itemReviewed={"author": {"name": "Alpha Person"}})
        import_records(tmp_path, [record], "--publish", "--as=chief")
    slug = Claim.objects.exclude(text__contains="quetanri").get().claimant.slug
    address = f"{reverse('claims:claim_list')}?q=quetanri&claimant={slug}"
    assert "Le ministre quetanri" not in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        record = good_record(itemReviewed={"author": {"name": "Beta Person"}})
        import_records(tmp_path, [record], "--publish", "--as=chief")
    assert Claim.objects.exclude(text__contains="quetanri").get().claimant.slug != slug
    served, fresh = served_and_fresh(client, address)
    assert served.content == fresh.content
