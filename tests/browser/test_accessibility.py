"""axe-core finds nothing wrong with the public pages, in light and dark, on a phone and a
desktop, and after an htmx swap; keyboard users get a skip link, visible focus and
announced results. Each visit also saves a screenshot to var/screenshots/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import APPLE_URL, NSPCC_URL, screenshot

AXE = Axe()
PAGES = {
    "home": "/",
    "letter": NSPCC_URL,
    "letter-paginated": APPLE_URL,
    "letter-print": APPLE_URL + "print/",
    "organisation": "/organisations/nspcc/",
    "person": "/people/hany-farid/",
    "organisations": "/organisations/",
    "people": "/people/",
    "search": "/search/?q=child",
    "sign": "/letters/demo-hosted-letter/sign/",
    "privacy": "/privacy/",
    "not-found": "/letters/no-such-letter/",
}
WIDTHS = {"phone": 375, "desktop": 1280}


def axe_violations(page) -> str:
    results = AXE.run(page)
    return results.generate_report() if results.violations_count else ""


def axe_reports(page, pages: dict[str, str], variant: str) -> dict[str, str]:
    """axe's report on each page that has violations, by path; a screenshot of each."""
    found = {}
    for name, path in pages.items():
        page.goto(path)
        if report := axe_violations(page):
            found[path] = report
        screenshot(page, f"{name}-{variant}")
    return found


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", WIDTHS)
def test_public_pages_have_no_axe_violations(
    open_context, page_problems, demo, screen, color_scheme
):
    page_problems.allow("404 (Not Found)")  # the not-found page, on purpose
    context = open_context(
        viewport={"width": WIDTHS[screen], "height": 800}, color_scheme=color_scheme
    )
    found = axe_reports(context.new_page(), PAGES, f"{screen}-{color_scheme}")

    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_axe_violations_after_an_htmx_search_swap(open_context, demo, color_scheme):
    page = open_context(color_scheme=color_scheme).new_page()
    page.goto(NSPCC_URL)

    page.get_by_label("Search signatories").press_sequentially("child", delay=40)
    expect(page.get_by_role("status")).to_contain_text("match")
    expect(page.locator("#signatory-list li.signatory")).to_have_count(5)
    page.get_by_label("Country").select_option("Australia")
    expect(page.locator("#signatory-list li.signatory")).to_have_count(1)

    assert axe_violations(page) == ""
    screenshot(page, f"letter-after-search-{color_scheme}")


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(page):
    page.goto(NSPCC_URL)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_keyboard_focus_is_visible(page):
    page.goto(NSPCC_URL)

    for _ in range(3):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            """() => {
              const style = getComputedStyle(document.activeElement);
              return [style.outlineStyle, parseFloat(style.outlineWidth)];
            }"""
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def test_every_form_control_has_a_label(page):
    for path in ("/", NSPCC_URL, "/organisations/", "/people/", "/search/"):
        page.goto(path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll("input, select, textarea")]
                 .filter((control) => control.labels.length === 0 && !control.ariaLabel)
                 .map((control) => control.outerHTML)"""
        )
        assert unlabelled == [], path


def test_search_results_are_announced_by_a_live_region_that_survives_swaps(page):
    page.goto(NSPCC_URL)
    status = page.get_by_role("status")
    expect(status).to_have_text("18 signatories shown")
    status.evaluate("(element) => { element.__original = true; }")

    page.get_by_label("Search signatories").press_sequentially("barn", delay=40)

    expect(status).to_have_text("1 signatory matches")
    assert status.evaluate("(element) => element.__original") is True
    assert page.locator("[role=status], [aria-live]").count() == 1
