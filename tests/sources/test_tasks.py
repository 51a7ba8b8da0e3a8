"""Captures are asked for in the background, when the transaction that added a source or
changed its address commits, on every path that writes sources."""

import pytest
from django_tasks import default_task_backend

from claims.services import evidence_add_by_url
from sources.capture.tasks import capture_pending, capture_source
from sources.models import Capture
from tests.factories import ClaimFactory, SourceFactory, member
from tests.loopback import Page, article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_tasks_yet():
    default_task_backend.clear()
    yield
    default_task_backend.clear()


def enqueued() -> list[tuple[str, list]]:
    return [(r.task.name, list(r.args)) for r in default_task_backend.results]


def test_a_new_source_is_captured_once_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory()
        assert enqueued() == []  # not before the commit: the task must find the row
    assert enqueued() == [("capture_source", [source.pk])]


def test_a_changed_address_is_captured_again_and_other_edits_are_not(
    django_capture_on_commit_callbacks,
):
    source = SourceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        source.title = "A better title"
        source.save()
    assert enqueued() == []
    source.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        source.url = "https://news.example.org/moved"
        source.save()
    assert enqueued() == [("capture_source", [source.pk])]


def test_a_source_without_an_address_asks_for_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        SourceFactory(url="")
    assert enqueued() == []


def test_adding_evidence_by_a_new_url_asks_for_a_capture(django_capture_on_commit_callbacks):
    editor = member("Editor", "editor")
    claim = ClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        evidence, _ = evidence_add_by_url(
            claim=claim, url="https://cnil.fr/decision", stance="context", user=editor
        )
    assert enqueued() == [("capture_source", [evidence.source_id])]


def test_the_task_captures_and_running_it_twice_fetches_nothing_more(site):
    site.pages["/briefcam"] = Page(article())
    source = SourceFactory(url=site.url("/briefcam"))
    assert capture_source.call(source.pk) == Capture.Outcome.CAPTURED
    assert capture_source.call(source.pk) == "already captured"
    assert len(site.requests) == 1 and source.captures.count() == 1


def test_the_pending_task_captures_only_sources_never_captured(site):
    site.pages["/a"] = Page(article())
    site.pages["/b"] = Page(article("Another lead."))
    done = SourceFactory(url=site.url("/a"))
    capture_source.call(done.pk)
    pending = SourceFactory(url=site.url("/b"))
    SourceFactory(url="")
    assert capture_pending.call() == 1
    assert pending.captures.get().outcome == Capture.Outcome.CAPTURED
    assert done.captures.count() == 1
