import pytest

from sources.urls_normal import normalise_url

CANONICAL = "https://disclose.ngo/fr/article/briefcam"


@pytest.mark.parametrize(
    "url",
    [
        "https://disclose.ngo/fr/article/briefcam",
        "HTTPS://Disclose.NGO/fr/article/briefcam",
        "https://disclose.ngo/fr/article/briefcam/",
        "https://disclose.ngo/fr/article/briefcam#section-2",
        "https://disclose.ngo/fr/article/briefcam?utm_source=twitter&utm_medium=social",
        "https://disclose.ngo/fr/article/briefcam?fbclid=IwAR0abc&gclid=xyz",
        "https://www.disclose.ngo/fr/article/briefcam",
        "http://disclose.ngo/fr/article/briefcam",
        "https://disclose.ngo:443/fr/article/briefcam",
        "https://disclose.ngo//fr//article/briefcam",
        "  https://disclose.ngo/fr/article/briefcam  ",
    ],
)
def test_addresses_of_the_same_document_normalise_alike(url):
    assert normalise_url(url) == CANONICAL


def test_meaningful_query_parameters_are_kept_in_order():
    assert (
        normalise_url("https://example.org/search?q=cnil&page=2&utm_campaign=x")
        == "https://example.org/search?q=cnil&page=2"
    )


def test_path_case_is_kept_because_servers_may_care():
    assert normalise_url("https://example.org/Doc/A") != normalise_url("https://example.org/doc/a")


def test_other_ports_are_kept():
    assert normalise_url("https://example.org:8443/a") == "https://example.org:8443/a"


def test_empty_stays_empty():
    assert normalise_url("") == ""
