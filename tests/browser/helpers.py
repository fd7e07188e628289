"""What the browser tests share besides fixtures: the demo letters they visit, screenshots."""

from pathlib import Path

from django.conf import settings

NSPCC_URL = "/letters/2020-02-06_nspcc-led-letter-to-zuckerberg/"
NSPCC_TITLE = "Open letter from child protection organisations and experts to Mark Zuckerberg"
# 55 signatories: more than one page of 50.
APPLE_URL = "/letters/2021-08-06_apple-privacy-letter/"

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def screenshot(page, name: str) -> None:
    """A full-page screenshot into var/screenshots/ (git-ignored), to look at by hand."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
