"""A reader follows an evidence item to our archived copy: its date and hash are there, and
nothing of the captured page runs (its script would rewrite the page and raise an alert)."""

import pytest

from sources.capture.services import source_capture
from tests.factories import published_claim
from tests.loopback import Page, article

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_opens_the_archived_copy_and_no_captured_script_runs(
    page, live_server, migration_data, site, screenshot
):
    site.pages["/briefcam"] = Page(article())
    claim = published_claim()
    source = claim.evidence.get().source
    source.url = site.url("/briefcam")
    source.save()
    capture = source_capture(source=source)
    violations, dialogs = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(live_server.url + claim.get_absolute_url())
    evidence = page.locator("article.evidence")
    assert "seen on" in evidence.inner_text()
    evidence.get_by_role("link", name="Our archived copy").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Our archived copy").is_visible()
    assert page.locator("code.sha256").inner_text() == capture.sha256
    assert (
        page.locator("time")
        .first.get_attribute("datetime")
        .startswith(capture.fetched_at.strftime("%Y-%m-%d"))
    )
    text = page.locator(".captured-text").inner_text()
    assert "used the BriefCam video analysis software" in text
    assert "SCRIPT RAN" not in page.content()
    assert dialogs == [] and violations == []
    screenshot(page, "archived_copy")
