"""The real Varnish (docs/varnish.vcl) in front of the app, purged by claims.public.edge."""

import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from claims.public import edge
from tests.factories import published_claim

VCL = Path(__file__).resolve().parent.parent / "docs" / "varnish.vcl"

pytestmark = [
    pytest.mark.skipif(
        shutil.which("varnishd") is None,
        reason="Varnish is not installed (Debian: apt-get install varnish varnish-modules; "
        ".ci/run installs them)",
    ),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="purging listens on PostgreSQL"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    backend_port = live_server.url.rsplit(":", 1)[1]
    folder = Path(tempfile.mkdtemp(prefix="varnish-"))
    vcl = folder / "factcheck.vcl"
    vcl.write_text(re.sub(r'\.port = "\d+";', f'.port = "{backend_port}";', VCL.read_text()))
    vcl.chmod(0o644)
    folder.chmod(0o755)
    port = free_port()
    process = subprocess.Popen(
        ["varnishd", "-F", "-n", str(folder / "work"), "-a", f"127.0.0.1:{port}",
         "-f", str(vcl), "-s", "malloc,32m", "-p", "vcc_allow_inline_c=off"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"varnishd exited: {process.stdout.read().decode()}")
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def purger(varnish, settings):
    """purge_edge's loop in a thread; `purger.wait_for(key)` until a batch with it is sent."""
    settings.PURGE_URL = f"{varnish}/"
    batches, arrived, stop = [], threading.Condition(), threading.Event()

    def on_purge(keys):
        with arrived:
            batches.append(keys)
            arrived.notify_all()

    def wait_for(key, after=0):
        """Until a batch sent after the first `after` ones carries `key`."""
        with arrived:
            found = arrived.wait_for(lambda: any(key in b for b in batches[after:]), timeout=10)
            assert found, key

    thread = threading.Thread(target=edge.listen, args=(stop, on_purge), daemon=True)
    thread.start()
    wait_for("site")  # connected: it purges everything first
    wait_for.batches = batches
    yield wait_for
    stop.set()
    thread.join(5)


def fetch(url: str) -> tuple[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Cache"), response.read().decode()


@pytest.mark.django_db(transaction=True)
def test_a_status_change_reaches_readers_through_varnish_and_nothing_else_is_dropped(
    varnish, purger, migration_data
):
    from claims.services import status_change_record
    from tests.factories import rating

    a, b = published_claim(), published_claim()
    pages = {
        "a": a.get_absolute_url(),
        "b": b.get_absolute_url(),
        "home": reverse("claims:home"),
        "list": reverse("claims:claim_list"),
    }
    for path in pages.values():
        fetch(varnish + path)
    for name, path in pages.items():
        assert fetch(varnish + path)[0] == "HIT", name
    sent = len(purger.batches)
    change = status_change_record(
        claim=a,
        to_rating=rating("true"),
        facts_known_on=a.said_on,
        explanation="The regulator's decision changes the verdict.",
    )
    purger(f"claim:{a.pk}", after=sent)
    for name in ("a", "home", "list"):
        state, body = fetch(varnish + pages[name])
        assert state == "MISS", name
        assert f'change-{change.pk}"' in body or "rating-true" in body, name
    assert fetch(varnish + pages["b"])[0] == "HIT"


@pytest.mark.django_db(transaction=True)
def test_only_the_purgers_address_may_purge(varnish):
    request = urllib.request.Request(f"{varnish}/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400  # from 127.0.0.1 (a purger), but no keys given


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_from_before_a_change_does_not_outlive_the_second_purge(
    varnish, purger, migration_data, monkeypatch, settings
):
    from claims.public import views
    from claims.services import status_change_record
    from tests.factories import rating

    settings.PURGE_AGAIN_SECONDS = 1
    claim = published_claim()
    url = varnish + claim.get_absolute_url()
    rendering, release = threading.Event(), threading.Event()
    original = views.ClaimDetailView.get_context_data

    def slow(self, **kwargs):  # its snapshot is taken; the render is slow
        rendering.set()
        release.wait(10)
        return original(self, **kwargs)

    monkeypatch.setattr(views.ClaimDetailView, "get_context_data", slow)
    reader = threading.Thread(target=lambda: fetch(url))
    reader.start()
    assert rendering.wait(10)
    monkeypatch.setattr(views.ClaimDetailView, "get_context_data", original)
    sent = len(purger.batches)
    change = status_change_record(
        claim=claim, to_rating=rating("true"), facts_known_on=claim.said_on, explanation="New."
    )
    purger(f"claim:{claim.pk}", after=sent)  # the first purge, while the old render is in flight
    release.set()
    reader.join(10)
    assert f'change-{change.pk}"' not in fetch(url)[1]  # the stale page reached Varnish...
    first = len(purger.batches)
    purger(f"claim:{claim.pk}", after=first)  # ...until the second purge
    assert f'change-{change.pk}"' in fetch(url)[1]


@pytest.mark.django_db(transaction=True)
def test_what_the_app_does_not_mark_public_is_never_kept_whatever_its_address(
    varnish, migration_data
):
    published_claim()
    for path in ("/%61pi/claims/", "/api/claims/"):  # an encoded address still reaches the API
        request = urllib.request.Request(varnish + path, headers={"Accept": "text/html"})
        for _ in range(2):
            with urllib.request.urlopen(request, timeout=10) as response:
                state = response.headers.get("X-Cache")
        assert state == "MISS", path
