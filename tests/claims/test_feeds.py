import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import ClaimFactory, url_in

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def feed(client):
    call_command("load_demo", verbosity=0)
    ClaimFactory(text="Unpublished claim")
    response = client.get(reverse("claims:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_carries_verdicts_and_status_changes_newest_first(feed):
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 6
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[0].startswith("Verdict: Misleading — Gérald Darmanin")
    assert any(t.startswith("Correction: True") for t in titles)


def test_feed_entries_link_to_the_claim_timeline(feed):
    link = feed.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert "/claims/" in link and "#change-" in link


def test_every_page_links_the_feed_for_autodiscovery(client):
    call_command("load_demo", verbosity=0)
    for url in [
        reverse("claims:home"),
        reverse("claims:claim_list"),
        reverse("claims:page", args=["methodology"]),
    ]:
        html = client.get(url).content.decode()
        assert (
            f'type="application/atom+xml" title="Fact-check tracker: verdicts and changes" '
            f'href="{reverse("claims:feed")}"' in html
        )


def test_a_page_links_the_feed_in_its_own_language(client):
    call_command("load_demo", verbosity=0)
    html = client.get(url_in("fr", "claims:claim_list")).content.decode()
    assert (
        'type="application/atom+xml" title="Fact-check tracker : verdicts et changements" '
        f'href="{url_in("fr", "claims:feed")}"' in html
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", ["claims:feed", "claims:correction_feed"])
def test_each_language_has_its_feed_linking_to_its_own_pages(client, name, language):
    call_command("load_demo", verbosity=0)
    response = client.get(url_in(language, name), HTTP_ACCEPT_LANGUAGE="de")
    feed = ET.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    site = f"http://testserver/{language}/"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(site)
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver" + url_in(
        language, name
    )
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
    assert links and all(link.startswith(site + "claims/") for link in links)
