"""`capture_sources` and `check_links`: captures in the foreground, each result recorded."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from sources.capture.services import source_capture, sources_due
from tests.factories import SourceFactory
from tests.loopback import Page, article

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_capture_sources_pending_captures_the_sources_never_captured(site):
    site.pages["/a"] = Page(article())
    first = SourceFactory(url=site.url("/a"))
    assert run("capture_sources", "--pending") == "1 captured\n"
    assert first.captures.count() == 1
    assert run("capture_sources", "--pending") == "nothing to fetch\n"


def test_capture_sources_by_id(site):
    site.pages["/a"] = Page(article())
    source = SourceFactory(url=site.url("/a"))
    run("capture_sources", "--source", str(source.pk))
    run("capture_sources", "--source", str(source.pk))
    assert list(source.captures.values_list("outcome", flat=True)) == ["unchanged", "captured"]


def test_capture_sources_says_what_is_wrong_with_its_arguments():
    with pytest.raises(CommandError, match="--pending"):
        run("capture_sources")
    with pytest.raises(CommandError, match="No source with id 999"):
        run("capture_sources", "--source", "999")


def test_check_links_fetches_the_due_sources_only(site, settings):
    settings.CAPTURE_RECHECK_DAYS, settings.CAPTURE_RETRY_HOURS = 30, 24
    site.pages["/a"] = Page(article())
    checked = SourceFactory(url=site.url("/a"))
    never = SourceFactory(url=site.url("/never"))
    source_capture(source=checked)
    later = timezone.now() + datetime.timedelta(days=31)
    assert set(sources_due()) == {never}
    assert set(sources_due(now=later)) == {checked, never}

    assert run("check_links") == "1 missing\n"
    assert set(sources_due()) == set()
    assert set(sources_due(now=timezone.now() + datetime.timedelta(hours=25))) == {never}
    assert run("check_links", "--all") == "1 missing, 1 unchanged\n"
