"""The readers' pages of issue 14 in Chromium, on the demo data: the letter's own text and
its language switcher (with and without JavaScript), the topic matrix, the search
journeys and the widget at its suggested 360×180, each checked by axe in light and dark
at 375 and 1280 px, with screenshots in var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import NSPCC_TITLE, NSPCC_URL, screenshot
from tests.browser.test_accessibility import axe_violations

DEMO_LETTER = "/letters/demo-hosted-letter/"
TOPIC = "/topics/end-to-end-encryption-debate/"
WIDTHS = {"phone": 375, "desktop": 1280}
PHONE_SCREEN = {"width": 375, "height": 667}
PAGES = {
    "letter-text": DEMO_LETTER,
    "letter-text-fr": DEMO_LETTER + "?text=fr",
    "sign-text-fr": DEMO_LETTER + "sign/?text=fr",
    "topic": TOPIC,
    "home-search": "/?q=nspcc",
    "has-it-signed": "/search/?q=Barnardos",
    "organisation-addressed": "/organisations/facebook/",
    "person-addressed": "/people/mark-zuckerberg/",
}


def page_size(page) -> dict[str, int]:
    return page.evaluate(
        "({width: document.documentElement.scrollWidth,"
        " height: document.documentElement.scrollHeight})"
    )


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", WIDTHS)
def test_readers_pages_have_no_axe_violations_and_fit_the_screen_width(
    open_context, demo, screen, color_scheme
):
    width = WIDTHS[screen]
    page = open_context(
        viewport={"width": width, "height": 800}, color_scheme=color_scheme
    ).new_page()
    found, too_wide = {}, {}
    for name, path in PAGES.items():
        page.goto(path)
        if report := axe_violations(page):
            found[path] = report
        if page_size(page)["width"] > width:
            too_wide[path] = page_size(page)["width"]
        screenshot(page, f"{name}-{screen}-{color_scheme}")

    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())
    assert not too_wide


# ---------------------------------------------------------------------------
# The letter's own text
# ---------------------------------------------------------------------------


def letter_text(page):
    return page.locator("#letter-text .letter-text-body")


def test_the_language_switcher_swaps_the_text_in_place_and_keeps_focus(page):
    page.goto(DEMO_LETTER)
    page.evaluate("window.__samePage = true")
    expect(letter_text(page)).to_have_attribute("lang", "en")
    expect(letter_text(page)).to_contain_text("It is not a real open letter")

    french = page.get_by_role("navigation", name="Languages of the letter").get_by_role(
        "link", name="français"
    )
    french.focus()
    page.keyboard.press("Enter")

    expect(letter_text(page)).to_have_attribute("lang", "fr")
    expect(letter_text(page)).to_contain_text("Ce n’est pas une vraie lettre ouverte")
    expect(page).to_have_url(re.compile(r"\?text=fr#letter-text$"))
    expect(page.locator("#letter-text-fr")).to_have_attribute("aria-current", "true")
    expect(page.locator("#letter-text-fr")).to_be_focused()
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"
    assert axe_violations(page) == ""

    page.go_back()
    expect(letter_text(page)).to_have_attribute("lang", "en")


def test_the_language_switcher_works_without_javascript(static_page):
    static_page.goto(DEMO_LETTER)

    static_page.get_by_role("navigation", name="Languages of the letter").get_by_role(
        "link", name="français"
    ).click()

    expect(static_page).to_have_url(re.compile(r"\?text=fr#letter-text$"))
    expect(letter_text(static_page)).to_have_attribute("lang", "fr")
    expect(static_page.locator("#letter-text")).to_be_in_viewport()


def test_the_sign_page_shows_the_text_being_signed(page):
    page.goto(DEMO_LETTER + "sign/")

    expect(page.get_by_role("heading", name="What you are signing")).to_be_visible()
    page.get_by_role("navigation", name="Languages of the letter").get_by_role(
        "link", name="français"
    ).click()
    expect(letter_text(page)).to_contain_text("Si vous la signez")
    # Then the sign form's first step: who signs.
    expect(page.get_by_role("radio", name="as myself, an individual")).to_be_visible()


# ---------------------------------------------------------------------------
# The topic page
# ---------------------------------------------------------------------------


def test_the_topic_page_is_a_grouped_list_under_eight_screens_on_a_phone(open_context, demo):
    page = open_context(viewport=PHONE_SCREEN).new_page()
    page.goto(TOPIC)

    size = page_size(page)
    screens = size["height"] / PHONE_SCREEN["height"]
    print(f"topic page at 375 px: {size['height']} px, {screens:.1f} screens")
    assert size["width"] <= PHONE_SCREEN["width"]
    assert screens < 8
    expect(page.get_by_role("heading", name="Letter by letter")).to_be_visible()
    expect(page.locator(".topic-matrix")).to_be_hidden()
    group = page.get_by_role("region", name=re.compile(NSPCC_TITLE[:30]))
    expect(group.get_by_role("link", name="Barnardo's")).to_be_visible()
    screenshot(page, "topic-phone-full")


def test_the_topic_matrix_fits_a_desktop_screen_with_a_column_per_letter(open_context, demo):
    page = open_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(TOPIC)

    assert page_size(page)["width"] <= 1280
    table = page.get_by_role("table", name=re.compile("^Organisations"))
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_count(15)  # the name, then 14 letters
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    scroller = page.locator(".table-scroll").first
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the matrix scrolls"
    expect(page.get_by_role("heading", name="Letter by letter")).to_be_hidden()


# ---------------------------------------------------------------------------
# Search journeys
# ---------------------------------------------------------------------------


def test_searching_the_letters_for_an_organiser_finds_its_letters_and_points_on(page):
    page.goto("/")

    page.get_by_label("Search letters").press_sequentially("nspcc", delay=40)

    expect(page).to_have_url(re.compile(r"[?&]q=nspcc(&|$)"))
    expect(page.get_by_role("link", name=re.compile(NSPCC_TITLE))).to_be_visible()
    page.get_by_role("link", name="Has “nspcc” signed anything?").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=nspcc$"))
    expect(page.get_by_role("link", name="NSPCC", exact=True)).to_be_visible()


def test_barnardos_without_an_apostrophe_leads_to_its_signature_in_the_list(page):
    page.goto("/?q=Barnardos")

    card = page.locator(".letter-card", has=page.get_by_role("link", name=NSPCC_TITLE))
    card.get_by_role("link", name="1 signatory matches “Barnardos”").click()

    expect(page).to_have_url(re.compile(re.escape(NSPCC_URL) + r"\?q=Barnardos#signatory-list$"))
    expect(page.locator("#signatory-list li.signatory")).to_have_count(1)
    expect(page.locator("#signatory-list li.signatory")).to_contain_text("Barnardo's")


def test_has_it_signed_shows_each_letters_date_stance_and_status(page):
    page.goto("/search/")
    page.get_by_label("Organisation or person").fill("barnardos")
    page.get_by_label("Organisation or person").press("Enter")

    result = page.locator(".search-results > li").first
    expect(result).to_contain_text("Barnardo's")
    expect(result).to_contain_text("6 February 2020")
    expect(result.locator(".stance").first).to_be_visible()
    expect(result.get_by_role("link", name="reported").first).to_be_visible()


def test_facebooks_page_lists_the_letters_addressed_to_it(page):
    page.goto("/organisations/facebook/")

    addressed = page.get_by_role("region", name="Letters addressed to Facebook")
    expect(addressed.get_by_role("link", name=NSPCC_TITLE)).to_be_visible()
    expect(addressed).to_contain_text("Facebook (spokesperson)")


# ---------------------------------------------------------------------------
# The widget
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_widget_fits_360_by_180_and_names_the_site(open_context, demo, color_scheme):
    page = open_context(
        viewport={"width": 360, "height": 180}, color_scheme=color_scheme
    ).new_page()
    longest = page.request.get("/api/v1/letters/?page_size=200").json()["results"]
    slugs = [max(longest, key=lambda letter: len(letter["title"]))["slug"], NSPCC_URL.split("/")[2]]
    for slug in slugs:
        page.goto(f"/letters/{slug}/widget/")

        size = page_size(page)
        assert size["width"] <= 360 and size["height"] <= 180, (slug, size)
        site = page.get_by_role("link", name="Open Letter Tracker")
        expect(site).to_be_in_viewport(ratio=1)
        expect(
            page.get_by_role("link", name=re.compile("^Who signed, with sources"))
        ).to_be_in_viewport(ratio=1)
        expect(page.locator(".widget-count")).to_be_in_viewport(ratio=1)
        assert axe_violations(page) == ""
        screenshot(page, f"widget-{slug[:20]}-{color_scheme}")
