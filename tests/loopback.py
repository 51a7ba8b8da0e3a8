"""A web site on loopback for the evidence vault's tests: pages by path, a log of every
request it received, and ways of answering badly (slowly, hugely, never)."""

import http.server
import socket
import threading
import time
from dataclasses import dataclass, field

import pytest


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class Site:
    """Pages served on loopback; `requests` holds (path, headers) of every request received."""

    def __init__(self, host: str = "127.0.0.1"):
        self.pages: dict[str, Page | object] = {}
        self.requests: list[tuple[str, dict]] = []
        self.stop = threading.Event()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                site.requests.append((self.path, dict(self.headers)))
                page = site.pages.get(self.path.split("?")[0])
                if callable(page):
                    page(self, site)
                    return
                page = page or Page(b"<p>No such page.</p>", status=404)
                etag = page.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, *args):
                pass

        family = socket.AF_INET6 if ":" in host else socket.AF_INET

        class Server(http.server.ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

        self.server = Server((host, 0), Handler)
        self.port = self.server.server_address[1]
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(settings):
    settings.CAPTURE_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    site = Site()
    yield site
    site.close()


@pytest.fixture
def other_site():
    """A second loopback address (127.0.0.2), not allowed by `site`'s settings."""
    site = Site("127.0.0.2")
    yield site
    site.close()


@pytest.fixture
def site_v6():
    try:
        site = Site("::1")
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    yield site
    site.close()


def never_answers(handler, site):
    """Reads the request, then says nothing until the test ends."""
    site.stop.wait(30)


def trickles(handler, site):
    """Headers, then one byte now and then, forever."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    while not site.stop.is_set():
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.2)


def huge(size: int, *, declared: bool):
    def answer(handler, site):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        if declared:
            handler.send_header("Content-Length", str(size))
        handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = b"a" * 2**20
        try:
            for _ in range(size // len(chunk)):
                handler.wfile.write(chunk)
        except OSError:
            return

    return answer


def redirect_to(location: str):
    def answer(handler, site):
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


ARTICLE = """<!doctype html>
<html lang="en"><head><title>Police use BriefCam | Disclose</title>
<meta property="og:title" content="The police use BriefCam">
<meta property="og:site_name" content="Disclose">
<meta property="article:published_time" content="2023-11-14T08:00:00+01:00">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "The national police use BriefCam", "datePublished": "2023-11-14",
 "publisher": {{"@type": "Organization", "name": "Disclose"}}}}
</script>
</head><body><nav><a href="/">Home</a> | <a href="/about">About us</a></nav>
<article><h1>The national police use BriefCam</h1>
<p>{lead}</p>
<p>The ministry did not answer our questions. Internal documents show the software was
deployed in several departments, and that agents were trained to use its features.</p>
<p>Lawyers say that using facial recognition without a legal basis breaches the data
protection law, and that the authority in charge should open a control procedure.</p>
</article>
<footer>Copyright Disclose</footer>
<script>document.body.innerHTML = "SCRIPT RAN"; alert("captured script");</script>
</body></html>
"""

LEAD = (
    "The national police have used the BriefCam video analysis software since 2015, our "
    "investigation shows. One of its features is facial recognition."
)


def article(lead: str = LEAD) -> bytes:
    return ARTICLE.format(lead=lead).encode()
