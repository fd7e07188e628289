"""A curator imports a messy list in Chromium: pastes it, filters the preview by status,
chooses for every row of a status at once, confirms, and publishes; the pages fit a
1280 px screen."""

import re

import pytest
from playwright.sync_api import expect

from letters.models import Letter, Organisation, Signature, Source, Visibility
from tests.browser.helpers import screenshot

PASSWORD = "a-long-browser-password"
LIST = """Held Group One
Held Group Two
Electronic Frontier Foundaton
Brand New Coalition
n/a
"""


@pytest.fixture
def curator_page(open_context, transactional_db, live_server, django_user_model):
    django_user_model.objects.create_superuser("importer", "i@example.org", PASSWORD)
    letter = Letter.objects.create(
        slug="browser-import", title="A letter imported in a browser", visibility=Visibility.DRAFT
    )
    for name in ("Held Group One", "Held Group Two", "Electronic Frontier Foundation"):
        Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    page = open_context().new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "importer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page, letter


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_paste_filter_choose_for_a_status_confirm_and_publish(curator_page):
    page, letter = curator_page
    page.goto(f"/admin/letters/letter/{letter.pk}/change/")
    fits_the_screen(page)
    page.get_by_role("link", name=re.compile("Import signatories: paste or upload")).click()

    page.get_by_label("or a new source URL").fill("https://example.org/browser-list")
    page.get_by_label("Paste the list").fill(LIST)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Check the import before confirming")).to_be_visible()
    fits_the_screen(page)
    expect(page.get_by_text("3 rows wait for your choice")).to_be_visible()
    screenshot(page, "import-preview")

    # The status filter shows only the rows of that status.
    page.get_by_role("link", name="Same name only, to check (2)").click()
    expect(page).to_have_url(re.compile(r"\?status=same_name$"))
    rows = page.locator("#import-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#import-rows")).not_to_contain_text("Brand New Coalition")

    # One choice for all of them.
    page.get_by_label("All rows").select_option("same_name")
    page.locator("#id_bulk_choice").select_option("first")
    page.get_by_role("button", name="Apply to all of them").click()
    expect(
        page.get_by_text("2 rows “same name only, to check”: use the record offered.")
    ).to_be_visible()
    for select in page.locator("select.import-choice").all():
        assert select.input_value().isdigit()

    # The close match waits: confirming now is refused and shows it.
    page.get_by_role("link", name="All rows (5)").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("1 rows wait for your choice (lines 3)")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?status=close$"))
    eff = Organisation.objects.get(name="Electronic Frontier Foundation")
    page.locator("select.import-choice").first.select_option(str(eff.pk))
    page.get_by_role("button", name="Confirm and import").click()

    expect(
        page.get_by_text(re.compile(r"Imported: 1 new records signed, 3 existing"))
    ).to_be_visible()
    assert Signature.objects.filter(letter=letter).count() == 4
    assert set(Signature.objects.values_list("identity_basis", flat=True)) == {"curator", "new"}
    assert Source.objects.filter(url="https://example.org/browser-list").exists()

    page.get_by_role("button", name=re.compile("Publish “A letter imported")).click()
    expect(page.get_by_text("Published “A letter imported in a browser”.")).to_be_visible()
    letter.refresh_from_db()
    assert letter.visibility == Visibility.PUBLISHED
