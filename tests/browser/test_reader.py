"""A reader walks the demo case in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from claims.models import Claim
from tests.factories import url_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_finds_the_ministers_claim_and_checks_it(page, demo_site, screenshot):
    page.goto(demo_site + "/")  # the browser asks for en-GB: redirected to /en/
    assert page.url == demo_site + reverse("claims:home")
    assert page.locator("h1").inner_text() == "Fact-checks of public claims"
    screenshot(page, "home")

    page.get_by_label("Search claims").fill("reconnaissance faciale")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/claims/?q=reconnaissance+faciale")
    assert page.locator("#results-title").inner_text() == "3 claims"

    page.get_by_label("Rating").select_option("misleading")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**rating=misleading**")
    assert page.locator("#results-title").inner_text() == "1 claim"
    screenshot(page, "list")

    page.get_by_role("link", name="The French police do not use facial recognition.").click()
    page.wait_for_url("**/claims/*-gerald-darmanin-facial-recognition/")
    assert "Misleading" in page.locator(".verdict").inner_text()
    assert page.locator(".evidence-supports article.evidence").count() >= 1
    assert page.locator(".evidence-contradicts article.evidence").count() >= 1
    timeline = page.locator("ol.timeline > li")
    assert timeline.count() >= 6
    assert "Under investigation" in page.locator("ol.timeline").inner_text()
    screenshot(page, "claim")

    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/fr/claims/*-gerald-darmanin-facial-recognition/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#verdict-title").inner_text() == "Notre verdict"
    assert "Trompeur" in page.locator(".verdict").inner_text()
    screenshot(page, "claim_fr")

    feed_href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute(
        "href"
    )
    assert feed_href == url_in("fr", "claims:feed")
    response = page.goto(demo_site + feed_href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert "Gérald Darmanin" in response.text()


def test_a_shared_french_link_opens_in_french_in_an_english_browser(page, demo_site):
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    page.goto(demo_site + url_in("fr", claim))  # the browser asks for en-GB
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("#verdict-title").inner_text() == "Notre verdict"
    page.get_by_role("link", name="English").click()
    page.wait_for_url(demo_site + url_in("en", claim))
    assert page.locator("#verdict-title").inner_text() == "Our verdict"


def test_an_old_address_opens_in_the_browsers_language(browser, demo_site):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(demo_site + "/claims/?q=facial")
    assert page.url == demo_site + url_in("fr", "claims:claim_list") + "?q=facial"
    assert page.locator("html").get_attribute("lang") == "fr"
    context.close()


def test_the_timeline_shows_what_was_known_on_a_chosen_day(page, demo_site):
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    page.goto(demo_site + claim.get_absolute_url())
    page.get_by_label("What was known on").fill("2023-11-22")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**as_of=2023-11-22")
    assert "as it stood on" in page.locator(".notice").inner_text()
    assert "Under investigation" in page.locator(".verdict").inner_text()


def test_the_claim_page_is_usable_on_a_phone(browser, demo_site, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    page.goto(demo_site + claim.get_absolute_url())
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "claim_phone")
    context.close()


def test_the_keyboard_reaches_the_search_box_first_through_the_skip_link(page, demo_site):
    page.goto(demo_site + reverse("claims:home"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def page_types(base: str) -> list[str]:
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    evidence = claim.evidence.select_related("source").first()
    investigation = claim.investigations.first()
    return [
        reverse("claims:home"),
        reverse("claims:claim_list"),
        reverse("claims:claim_list") + "?q=facial&rating=nonsense",
        claim.get_absolute_url(),
        url_in("fr", claim),
        claim.get_absolute_url() + "?as_of=2023-11-22",
        claim.claimant.get_absolute_url(),
        claim.topics.first().get_absolute_url(),
        evidence.source.get_absolute_url(),
        investigation.get_absolute_url(),
        reverse("claims:claimant_list"),
        reverse("claims:page", args=["methodology"]),
        "/en/no-such-page/",
    ]


def test_no_serious_or_critical_accessibility_violation_on_any_page_type(page, demo_site):
    axe = Axe()
    problems = {}
    for path in page_types(demo_site):
        page.goto(demo_site + path)
        results = axe.run(page)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        if serious:
            problems[path] = serious
    assert problems == {}


def test_pages_run_under_the_content_security_policy_without_a_violation(page, demo_site):
    """The policy forbids inline code: in a real browser, nothing on these pages is blocked."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    claim = Claim.objects.get(slug="gerald-darmanin-facial-recognition")
    for path in [
        reverse("claims:home"),
        reverse("claims:claim_list") + "?q=reconnaissance",
        claim.get_absolute_url(),
        reverse("claims:page", args=["methodology"]),
        "/api/docs/",
        "/admin/login/",
    ]:
        response = page.goto(demo_site + path)
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    assert page.locator("#login-form").count() == 1
    page.goto(demo_site + "/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # its script ran
    assert violations == []
