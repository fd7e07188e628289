"""The French site in a real browser: axe-core finds nothing wrong with the French pages,
in light and dark, on a phone and a desktop, and the language switcher takes a reader to
the same page in the other language, without JavaScript too."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import NSPCC_URL
from tests.browser.test_accessibility import WIDTHS, axe_reports, axe_violations
from tests.i18n.catalogues import compile_messages

PAGES = {
    "home": "/fr/",
    "letter": "/fr" + NSPCC_URL,
    "sign": "/fr/letters/demo-hosted-letter/sign/",
    "sign-form": "/fr/letters/demo-hosted-letter/sign/?kind=organisation",
    "search": "/fr/search/?q=child",
    "organisations": "/fr/organisations/",
    "methodology": "/fr/methodology/",
    "not-found": "/fr/letters/no-such-letter/",
}


@pytest.fixture(scope="module", autouse=True)
def french_catalogues():
    compile_messages()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", WIDTHS)
def test_french_pages_have_no_axe_violations(
    open_context, page_problems, demo, screen, color_scheme
):
    page_problems.allow("404 (Not Found)")  # the not-found page, on purpose
    context = open_context(
        viewport={"width": WIDTHS[screen], "height": 800}, color_scheme=color_scheme
    )
    page = context.new_page()
    page.goto("/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    found = axe_reports(page, PAGES, f"fr-{screen}-{color_scheme}")

    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_switcher_opens_the_same_page_in_the_other_language(open_context, demo, javascript):
    page = open_context(java_script_enabled=javascript).new_page()
    page.goto(NSPCC_URL)

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Français").click()

    expect(page).to_have_url(f"{page.url.split('/fr/')[0]}/fr{NSPCC_URL}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", name="Signataires", exact=True)).to_be_visible()
    switcher = page.get_by_role("navigation", name="Langue")
    expect(switcher.get_by_role("link", name="Français")).to_have_attribute("aria-current", "true")

    switcher.get_by_role("link", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Signatories", exact=True)).to_be_visible()


def test_a_french_htmx_search_stays_french(open_context, demo):
    page = open_context().new_page()
    page.goto("/fr" + NSPCC_URL)

    page.get_by_label("Rechercher des signataires").press_sequentially("child", delay=40)

    expect(page.locator("#signatory-count")).to_contain_text("correspondent")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert axe_violations(page) == ""
