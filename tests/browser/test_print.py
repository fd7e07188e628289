"""Printing: under print emulation navigation, forms and page links disappear, a paginated
letter page says where the whole list is, and the printable page prints every signatory."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import APPLE_URL, NSPCC_URL, screenshot

APPLE_PRINT_URL = APPLE_URL + "print/"


def assert_only_the_content_prints(page) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".skip-link")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_printing_a_letter_page_hides_navigation_forms_and_page_links(page):
    page.goto(APPLE_URL)
    expect(page.locator("form.filters")).to_be_visible()
    expect(page.locator(".print-only")).to_be_hidden()

    page.emulate_media(media="print")

    assert_only_the_content_prints(page)
    expect(page.locator("form.filters")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Signatory pages")).to_be_hidden()
    expect(page.get_by_role("link", name="Print the full list")).to_be_hidden()
    expect(page.locator(".print-only")).to_be_visible()
    expect(page.locator(".print-only")).to_contain_text(APPLE_PRINT_URL)
    screenshot(page, "letter-paginated-print")


def test_the_printable_page_prints_the_whole_list(page):
    page.goto(APPLE_URL)
    page.get_by_role("link", name="Print the full list").click()
    expect(page).to_have_url(re.compile(re.escape(APPLE_PRINT_URL) + "$"))
    expect(page.get_by_role("button", name="Print this list")).to_be_visible()

    page.emulate_media(media="print")

    assert_only_the_content_prints(page)
    expect(page.get_by_role("button", name="Print this list")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the letter")).to_be_hidden()
    items = page.locator("ol.print-list > li")
    expect(items).to_have_count(55)
    expect(items.first).to_contain_text("Alphachain Capital")
    expect(items.last).to_contain_text("Gaëtan Leurent")
    expect(items.last).to_be_visible()
    screenshot(page, "letter-print-print")


def test_a_letter_on_one_page_prints_its_whole_list_as_it_is(page):
    page.goto(NSPCC_URL)

    page.emulate_media(media="print")

    assert_only_the_content_prints(page)
    expect(page.locator("#signatory-list li.signatory")).to_have_count(18)
    expect(page.locator("#signatory-list li.signatory").last).to_be_visible()
    expect(page.locator(".print-only")).to_have_count(0)
    screenshot(page, "letter-print")
