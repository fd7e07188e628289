"""Following an organisation in Chromium: from its page to the follow form, the
confirmation link, the confirm button, and the unsubscribe page; axe finds nothing wrong
with these pages in light and dark, on a phone and a desktop."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import expect

from letters.models import Subscription
from letters.notifications.subscriptions import unsubscribe_url
from tests.browser.helpers import screenshot

AXE = Axe()
WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture(autouse=True)
def links_to_the_live_server(settings, live_server):
    settings.SIGNUP_MIN_SECONDS = 0  # the live server runs in this process
    settings.SITE_URL = live_server.url


def link(start: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(start)}\S+", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", WIDTHS)
def test_follow_confirm_and_unsubscribe_without_javascript_problems(
    open_context, demo, screen, color_scheme
):
    context = open_context(
        viewport={"width": WIDTHS[screen], "height": 800}, color_scheme=color_scheme
    )
    page = context.new_page()
    found = {}

    def check(name: str) -> None:
        results = AXE.run(page)
        if results.violations_count:
            found[name] = results.generate_report()
        screenshot(page, f"follow-{name}-{screen}-{color_scheme}")

    page.goto("/organisations/nspcc/")
    page.get_by_role("link", name="Follow by email").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Follow")
    check("form")
    page.get_by_role("textbox", name="Your email address").fill(
        f"{screen}-{color_scheme}@example.org"
    )
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    page.goto(link("/follow/confirm/"))
    check("confirm")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts confirmed")
    assert Subscription.objects.confirmed().count() == 1

    page.goto(unsubscribe_url(Subscription.objects.get()))
    check("unsubscribe")
    page.get_by_role("button", name="Stop my alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("No more alerts")
    assert not Subscription.objects.exists()

    assert not found, "\n\n".join(f"{name}:\n{report}" for name, report in found.items())
