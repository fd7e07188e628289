"""What a visitor does on the public pages, in Chromium, on the real demo data: with
JavaScript (htmx swaps the lists in place and the address bar follows) and without it
(plain links and GET forms)."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import APPLE_URL, NSPCC_TITLE, NSPCC_URL


def signatories(page):
    return page.locator("#signatory-list li.signatory")


def mark_the_document(page) -> None:
    """A marker that a full page load would wipe out."""
    page.evaluate("window.__samePage = true")


def assert_still_the_same_document(page) -> None:
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"


def assert_is_a_full_page(page) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.styleSheets.length") >= 1


# ---------------------------------------------------------------------------
# With JavaScript
# ---------------------------------------------------------------------------


def test_home_page_leads_to_the_nspcc_letter(page):
    page.goto("/")

    page.get_by_role("link", name=re.compile(NSPCC_TITLE)).click()

    expect(page).to_have_url(re.compile(re.escape(NSPCC_URL) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(NSPCC_TITLE)
    expect(signatories(page)).to_have_count(18)


def test_signatory_search_narrows_the_list_in_place_and_the_address_bar_follows(page):
    page.goto(NSPCC_URL)
    mark_the_document(page)

    page.get_by_label("Search signatories").press_sequentially("barn", delay=40)

    expect(signatories(page)).to_have_count(1)
    expect(signatories(page).first).to_contain_text("Barnardo's")
    expect(page).to_have_url(re.compile(r"[?&]q=barn(&|$)"))
    expect(page.get_by_role("status")).to_have_text("1 signatory matches")
    assert_still_the_same_document(page)


def test_leaving_the_search_field_sends_no_second_search(page):
    """A reader types, then clicks a result: the field's change on blur must not send the
    same search again, whose swap would replace the link under the click."""
    page.goto("/")
    page.evaluate(
        "window.__searches = 0;"
        "document.body.addEventListener('htmx:beforeRequest', () => window.__searches++)"
    )
    page.get_by_label("Search letters").press_sequentially("nspcc", delay=40)
    expect(page.get_by_role("link", name="Has “nspcc” signed anything?")).to_be_visible()
    expect(page.locator(".htmx-request")).to_have_count(0)
    searches_while_typing = page.evaluate("window.__searches")
    assert searches_while_typing >= 1

    page.get_by_label("Stance").focus()  # the field's change event fires here, synchronously

    assert page.evaluate("window.__searches") == searches_while_typing
    page.get_by_label("Stance").select_option(label="For")
    expect(page).to_have_url(re.compile(r"[?&]stance=for(&|$)"))
    assert page.evaluate("window.__searches") == searches_while_typing + 1


def test_back_brings_the_previous_list_back_as_a_full_page(page):
    page.goto(NSPCC_URL)
    search = page.get_by_label("Search signatories")
    search.press_sequentially("barn", delay=40)
    expect(signatories(page)).to_have_count(1)
    search.fill("")
    search.press_sequentially("kid", delay=40)
    expect(signatories(page).first).to_contain_text("Kidscape")
    expect(page).to_have_url(re.compile(r"[?&]q=kid(&|$)"))

    page.go_back()

    expect(page).to_have_url(re.compile(r"[?&]q=barn(&|$)"))
    expect(signatories(page)).to_have_count(1)
    expect(signatories(page).first).to_contain_text("Barnardo's")
    expect(page.get_by_label("Search signatories")).to_have_value("barn")
    assert_is_a_full_page(page)

    page.go_back()

    expect(page).to_have_url(re.compile(re.escape(NSPCC_URL) + "$"))
    expect(signatories(page)).to_have_count(18)
    assert_is_a_full_page(page)


def test_filtering_by_kind_and_country_narrows_the_list_in_place(page):
    page.goto(NSPCC_URL)
    mark_the_document(page)

    page.get_by_label("Kind").select_option("individual")

    expect(signatories(page)).to_have_count(3)
    expect(page).to_have_url(re.compile(r"[?&]kind=individual(&|$)"))

    page.get_by_label("Country").select_option("Australia")

    expect(signatories(page)).to_have_count(1)
    expect(signatories(page).first).to_contain_text("Michael Salter")
    expect(page).to_have_url(re.compile(r"[?&]country=AU(&|$)"))
    assert_still_the_same_document(page)


def test_paging_through_signatories_in_place(page):
    page.goto(APPLE_URL)
    mark_the_document(page)
    expect(signatories(page)).to_have_count(50)
    pages = page.get_by_role("navigation", name="Signatory pages")

    pages.get_by_role("link", name="Next").click()

    expect(signatories(page)).to_have_count(5)
    expect(signatories(page).first).to_contain_text("Brendan Dolan-Gavitt")
    expect(page.locator("ol.signatories")).to_have_attribute("start", "51")
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(pages).to_contain_text("Page 2 of 2")

    pages.get_by_role("link", name="Previous").click()

    expect(signatories(page)).to_have_count(50)
    expect(page).to_have_url(re.compile(r"\?page=1$"))
    assert_still_the_same_document(page)


def test_opening_an_organisation_from_the_list(page):
    page.goto(NSPCC_URL)

    page.locator("#signatory-list").get_by_role("link", name="Barnardo's", exact=True).click()

    expect(page).to_have_url(re.compile(r"/organisations/barnardos/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnardo's")
    signed = page.get_by_role("table", name="Letters signed")
    expect(signed.get_by_role("link", name=re.compile(NSPCC_TITLE))).to_be_visible()


# ---------------------------------------------------------------------------
# Without JavaScript
# ---------------------------------------------------------------------------


def test_without_javascript_home_page_leads_to_the_nspcc_letter(static_page):
    page = static_page
    page.goto("/")

    page.get_by_role("link", name=re.compile(NSPCC_TITLE)).click()

    expect(page).to_have_url(re.compile(re.escape(NSPCC_URL) + "$"))
    expect(signatories(page)).to_have_count(18)


def test_without_javascript_the_search_form_loads_the_narrowed_page(static_page):
    page = static_page
    page.goto(NSPCC_URL)

    page.get_by_label("Search signatories").fill("barn")
    page.get_by_label("Search signatories").press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]q=barn(&|$)"))
    expect(signatories(page)).to_have_count(1)
    expect(signatories(page).first).to_contain_text("Barnardo's")
    assert_is_a_full_page(page)

    page.go_back()

    expect(page).to_have_url(re.compile(re.escape(NSPCC_URL) + "$"))
    expect(signatories(page)).to_have_count(18)


def test_without_javascript_filters_are_a_get_form(static_page):
    page = static_page
    page.goto(NSPCC_URL)

    page.get_by_label("Kind").select_option("individual")
    page.get_by_label("Country").select_option("Australia")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"[?&]kind=individual&country=AU"))
    expect(signatories(page)).to_have_count(1)
    expect(signatories(page).first).to_contain_text("Michael Salter")


def test_without_javascript_pages_are_plain_links(static_page):
    page = static_page
    page.goto(APPLE_URL)

    page.get_by_role("navigation", name="Signatory pages").get_by_role("link", name="Next").click()

    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(signatories(page)).to_have_count(5)
    assert_is_a_full_page(page)


def test_without_javascript_an_organisation_opens_from_the_list(static_page):
    page = static_page
    page.goto(NSPCC_URL)

    page.locator("#signatory-list").get_by_role("link", name="Barnardo's", exact=True).click()

    expect(page).to_have_url(re.compile(r"/organisations/barnardos/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnardo's")
