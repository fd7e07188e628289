"""The sign form in Chromium: who signs first, then that kind's fields only, with
JavaScript (htmx swaps the form in place, the address bar follows) and without it (a GET
step), what is required marked, errors listed and linked to their fields; axe finds
nothing wrong in light and dark, on a phone and a desktop."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import screenshot

AXE = Axe()
SIGN_URL = "/letters/demo-hosted-letter/sign/"
WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture(autouse=True)
def quick_forms(settings):
    """The live server runs in this process: no minimum time to fill a form."""
    settings.SIGNUP_MIN_SECONDS = 0


def axe_violations(page) -> str:
    results = AXE.run(page)
    return results.generate_report() if results.violations_count else ""


def form_fields(page) -> list[str]:
    """The names of the visible fields of the page's POST form, in order."""
    return page.evaluate(
        """() => [...document.querySelectorAll("form[method=post] :is(input, select, textarea)")]
             .filter((field) => field.type !== "hidden" && field.name !== "homepage")
             .map((field) => field.name)"""
    )


def mark_the_document(page) -> None:
    page.evaluate("window.__samePage = true")


def assert_still_the_same_document(page) -> None:
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"


def confirm_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+/signups/confirm/\S+/", message.body).group(0)


# ---------------------------------------------------------------------------
# With JavaScript
# ---------------------------------------------------------------------------


def test_choosing_who_signs_swaps_in_that_kinds_form_and_the_address_follows(page):
    page.goto(SIGN_URL)
    assert form_fields(page) == []
    mark_the_document(page)

    page.get_by_role("radio", name="for an organisation").check()

    expect(page.get_by_label("Name of the organisation")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?kind=organisation$"))
    assert_still_the_same_document(page)
    assert form_fields(page) == [
        "name",
        "website",
        "country",
        "contact_name",
        "role",
        "email",
        "consent",
    ]
    expect(page.get_by_label("Your full name (required)")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("The form for an organisation is shown below.")

    page.get_by_role("radio", name="as myself, an individual").check()

    expect(page.get_by_label("Affiliation")).to_be_visible()
    expect(page.get_by_label("Name of the organisation")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?kind=individual$"))
    assert_still_the_same_document(page)
    assert form_fields(page) == ["name", "affiliation", "country", "email", "consent"]


def test_signing_as_an_individual_end_to_end(page):
    page.goto(SIGN_URL)
    page.get_by_role("radio", name="as myself, an individual").check()

    page.get_by_label("Your full name").fill("Zoë Brontë")
    page.get_by_role("textbox", name="Email address").fill("zoe@example.org")
    page.get_by_label("I am the person named above").check()
    page.get_by_role("button", name="Send me the confirmation link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(confirm_link())
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("your signature is confirmed")


def test_a_double_click_on_send_gets_the_thanks_page(page):
    page.goto(SIGN_URL + "?kind=individual")
    page.get_by_label("Your full name").fill("Ann Bee")
    page.get_by_role("textbox", name="Email address").fill("ann@example.org")
    page.get_by_label("I am the person named above").check()

    page.get_by_role("button", name="Send me the confirmation link").dblclick()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert len(mail.outbox) == 1


def test_the_kind_can_be_chosen_with_the_keyboard(page):
    page.goto(SIGN_URL)
    page.get_by_role("radio", name="as myself, an individual").focus()

    page.keyboard.press("ArrowDown")

    expect(page.get_by_label("Name of the organisation")).to_be_visible()
    expect(page.get_by_role("radio", name="for an organisation")).to_be_focused()


# ---------------------------------------------------------------------------
# Without JavaScript
# ---------------------------------------------------------------------------


def test_without_javascript_a_first_step_then_the_organisation_form(static_page, page_problems):
    page_problems.allow("400 (Bad Request)")  # the form sent back with its errors
    page = static_page
    page.goto(SIGN_URL)

    page.get_by_role("radio", name="for an organisation").check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"\?kind=organisation$"))
    page.get_by_label("Name of the organisation").fill("Fundación Café Libre")
    page.get_by_label("Your email address at the organisation").fill("ana@cafelibre.example")
    page.get_by_label("I may sign for this organisation").check()
    page.get_by_role("button", name="Send me the confirmation link").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("1 thing to correct")
    summary_link = alert.get_by_role(
        "link",
        name="Your full name: Give your own full name, as the person signing for the organisation.",
    )
    expect(summary_link).to_have_attribute("href", "#id_contact_name")
    contact = page.get_by_label("Your full name")
    expect(contact).to_have_attribute("aria-invalid", "true")
    expect(contact).to_have_accessible_description(re.compile("Give your own full name"))
    expect(page.get_by_label("Name of the organisation")).to_have_value("Fundación Café Libre")
    screenshot(page, "sign-organisation-errors")

    contact.fill("Ana Pérez")
    page.get_by_label("I may sign for this organisation").check()
    page.get_by_role("button", name="Send me the confirmation link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert mail.outbox[0].to == ["ana@cafelibre.example"]


def test_without_javascript_the_kind_can_be_changed(static_page):
    page = static_page
    page.goto(SIGN_URL + "?kind=organisation")

    page.get_by_role("radio", name="as myself, an individual").check()
    page.get_by_role("button", name="Change").click()

    expect(page).to_have_url(re.compile(r"\?kind=individual$"))
    assert form_fields(page) == ["name", "affiliation", "country", "email", "consent"]


# ---------------------------------------------------------------------------
# Accessibility
# ---------------------------------------------------------------------------

SIGN_PAGES = {
    "sign-choose": SIGN_URL,
    "sign-individual": SIGN_URL + "?kind=individual",
    "sign-organisation": SIGN_URL + "?kind=organisation",
    "statuses": "/statuses/",
}


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", WIDTHS)
def test_sign_pages_have_no_axe_violations(open_context, page_problems, demo, screen, color_scheme):
    page_problems.allow("400 (Bad Request)")
    page = open_context(
        viewport={"width": WIDTHS[screen], "height": 800}, color_scheme=color_scheme
    ).new_page()
    found = {}
    for name, path in SIGN_PAGES.items():
        page.goto(path)
        if report := axe_violations(page):
            found[path] = report
        screenshot(page, f"{name}-{screen}-{color_scheme}")
    # The organisation form sent back with errors.
    page.goto(SIGN_URL + "?kind=organisation")
    page.get_by_role("button", name="Send me the confirmation link").click()
    expect(page.get_by_role("alert")).to_be_visible()
    if report := axe_violations(page):
        found["organisation form with errors"] = report
    screenshot(page, f"sign-errors-{screen}-{color_scheme}")
    # And after an htmx swap.
    page.goto(SIGN_URL)
    page.get_by_role("radio", name="for an organisation").check()
    expect(page.get_by_label("Name of the organisation")).to_be_visible()
    if report := axe_violations(page):
        found["after choosing a kind"] = report

    assert not found, "\n\n".join(f"{path}:\n{report}" for path, report in found.items())


def test_every_sign_form_control_has_a_label(page):
    for path in SIGN_PAGES.values():
        page.goto(path)
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
                 .filter((control) => control.labels.length === 0 && !control.ariaLabel)
                 .map((control) => control.outerHTML)"""
        )
        assert unlabelled == [], path
