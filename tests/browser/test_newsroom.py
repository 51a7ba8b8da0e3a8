"""The newsroom at work in a real browser: an editor prepares a claim, a chief editor
publishes it and later corrects it in the open."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from claims.models import Claim

pytestmark = pytest.mark.django_db(transaction=True)

NEW_CLAIM = "Facial recognition was never used by the national police."


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/admin/")


def pick_autocomplete(page, field: str, typed: str, choice: str) -> None:
    page.click(f"[aria-labelledby='select2-id_{field}-container']")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{choice}')")


@override_settings(DEBUG=True)  # demo accounts have known passwords: only with DEBUG
def test_an_editor_prepares_a_claim_and_a_chief_editor_publishes_then_corrects_it(
    browser, demo_site, screenshot
):
    call_command("load_demo", "--accounts", verbosity=0)
    editor = browser.new_context(viewport={"width": 1280, "height": 900})
    page = editor.new_page()
    log_in(page, demo_site, "editor", "demo-editor-2023")

    page.goto(demo_site + "/admin/claims/claim/add/")
    page.get_by_label("Claim as reviewed:").fill(NEW_CLAIM)
    pick_autocomplete(page, "claimant", "Darmanin", "Gérald Darmanin")
    page.get_by_label("Date said:").fill("2023-11-21")
    page.get_by_label("Public summary of the verdict:").fill(
        "Disclose documented the software's facial-recognition feature in police use."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url("**/change/")
    claim = Claim.objects.get(text=NEW_CLAIM)
    assert claim.publication_state == Claim.State.DRAFT

    page.get_by_role("link", name="Add evidence by URL").click()
    page.get_by_label("Address of the document:").fill(
        "https://www.disclose.ngo/fr/article/la-police-nationale-utilise-illegalement-un-"
        "logiciel-israelien-de-reconnaissance-faciale/?utm_source=newsletter"
    )
    page.get_by_label("Stance:").select_option("contradicts")
    page.get_by_role("button", name="Add evidence by URL").click()
    page.wait_for_url("**/change/")
    assert "Existing source reused" in page.content()

    page.get_by_role("link", name="Change status").click()
    page.get_by_label("New rating:").select_option(label="False")
    page.get_by_label("Facts known on:").fill("2023-11-14")
    page.get_by_label("Public explanation:").fill("Disclose showed the feature in use.")
    page.get_by_role("button", name="Record status change").click()
    page.wait_for_url("**/change/")

    page.get_by_role("link", name="Send to review").click()
    page.get_by_role("button", name="Send to review").click()
    page.wait_for_url("**/change/")
    screenshot(page, "admin_editor_claim")
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.REVIEW
    assert page.get_by_role("link", name="Publish", exact=True).count() == 0  # not an editor's step
    editor.close()

    chief = browser.new_context(viewport={"width": 1280, "height": 900})
    page = chief.new_page()
    log_in(page, demo_site, "chief", "demo-chief-2023")
    assert "1 claim needs re-review" in page.content()  # the demo's group claim
    page.goto(demo_site + f"/admin/claims/claim/{claim.pk}/change/")
    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/change/")
    claim.refresh_from_db()
    assert claim.publication_state == Claim.State.PUBLISHED

    public = chief.new_page()
    public.goto(demo_site + claim.get_absolute_url())
    assert public.locator("h1").inner_text() == NEW_CLAIM
    assert "False" in public.locator(".verdict").inner_text()

    page.get_by_role("link", name="Change status").click()
    page.get_by_label("New rating:").select_option(label="Mostly false")
    page.get_by_label("Facts known on:").fill("2023-11-21")
    page.get_by_label("Correction (our error)").check()
    page.get_by_label("Public explanation:").fill(
        "Correction: the minister said 'to my knowledge'; we overstated the claim."
    )
    page.get_by_role("button", name="Record status change").click()
    page.wait_for_url("**/change/")

    public.goto(demo_site + reverse("claims:correction_list"))
    corrections = public.locator("ol.corrections").inner_text()
    assert NEW_CLAIM in corrections
    assert "we overstated the claim" in corrections
    screenshot(public, "corrections")
    chief.close()
