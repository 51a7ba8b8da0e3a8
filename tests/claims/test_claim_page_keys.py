"""A claim's page depends on three keys (dependencies.claim_page_keys): whatever it shows of
other things must reach its `claim-shown` key, however that thing is written."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from claims.public.caching import local_pages
from sources.capture.services import source_capture
from sources.models import Investigation, InvestigationUpdate, Publisher, Source
from tests.claims.test_caching import as_shown
from tests.factories import (
    ClaimLinkFactory,
    InvestigationFactory,
    InvestigationUpdateFactory,
    TopicFactory,
    published_claim,
    url_in,
)
from tests.loopback import Page, article

pytestmark = pytest.mark.django_db


def document(claim) -> Source:
    return claim.evidence.get().source


def investigation(claim) -> Investigation:
    return claim.investigations.get()


def retitle(source: Source) -> None:
    source.title = "A new title for the document"
    source.save()


def rename_publisher(publisher: Publisher) -> None:
    with connection.cursor() as cursor:  # behind the ORM's back
        cursor.execute(
            "UPDATE sources_publisher SET name = 'Renamed publisher' WHERE id = %s", [publisher.pk]
        )


def rename(thing) -> None:
    thing.name = "A. Renamed"
    thing.save()


def capture(claim, site) -> None:
    source = document(claim)
    site.pages["/doc"] = Page(article())
    Source.objects.filter(pk=source.pk).update(url=site.url("/doc"))
    source.refresh_from_db()
    source_capture(source=source)


WRITES = {
    "its claimant renamed": lambda claim, linked, site: rename(claim.claimant),
    "a linked claim's claimant renamed": lambda claim, linked, site: rename(linked.claimant),
    "its topic renamed": lambda claim, linked, site: rename(claim.topics.get()),
    "a document retitled": lambda claim, linked, site: retitle(document(claim)),
    "a document's publisher renamed": lambda claim, linked, site: rename_publisher(
        document(claim).publisher
    ),
    "the investigating body renamed": lambda claim, linked, site: rename_publisher(
        investigation(claim).body
    ),
    "the investigation retitled": lambda claim, linked, site: Investigation.objects.filter(
        claims=claim
    ).update(title="The regulator's second procedure"),
    "an investigation update": lambda claim, linked, site: InvestigationUpdateFactory(
        investigation=investigation(claim), summary="The regulator reports."
    ),
    "an update rewritten": lambda claim, linked, site: InvestigationUpdate.objects.filter(
        investigation__claims=claim
    ).update(summary="The procedure widens."),
    "a document captured": lambda claim, linked, site: capture(claim, site),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_claim_page_shows_at_once_what_changed_in_what_it_shows(client, site, write):
    claim, linked = published_claim(), published_claim()
    ClaimLinkFactory(from_claim=claim, to_claim=linked)
    claim.topics.add(TopicFactory())
    claim.investigations.add(InvestigationFactory())
    InvestigationUpdateFactory(investigation=investigation(claim))
    pages = [
        url_in("en", claim),
        url_in("fr", claim),
        reverse("api:claim-detail", kwargs={"pk": claim.pk}),
    ]
    before = {page: client.get(page).content for page in pages}
    WRITES[write](claim, linked, site)
    after = {page: client.get(page).content for page in pages}
    cache.clear()
    local_pages.clear()
    fresh = {page: client.get(page).content for page in pages}
    assert as_shown((None, None, fresh[pages[0]])) != as_shown((None, None, before[pages[0]]))
    for page in pages:
        assert after[page] == fresh[page], page
