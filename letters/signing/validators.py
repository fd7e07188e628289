"""What the public may write in a form: text and names that go on public pages."""

import re
import unicodedata

from django.core.exceptions import ValidationError

from letters.lib.spreadsheets import starts_like_formula

_URL_IN_TEXT = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|org|net|io|ru|cn|info|xyz)\b)", re.I)


def _refuse_invisible_controls(value: str, allowed: str = "") -> None:
    if any(unicodedata.category(char) in {"Cc", "Cf"} and char not in allowed for char in value):
        raise ValidationError("Remove the invisible control characters.")


def validate_public_text(value: str) -> None:
    """Text shown on public pages: no invisible controls (NUL, right-to-left overrides), no
    links (spam). Line breaks are fine: browsers send a textarea's as CR LF."""
    _refuse_invisible_controls(value, allowed="\r\n\t")
    if _URL_IN_TEXT.search(value):
        raise ValidationError("Web addresses are not accepted here.")


def validate_public_name(value: str) -> None:
    """Names shown on public pages: one line of public text that a spreadsheet opening a
    download could not run as a formula."""
    _refuse_invisible_controls(value)
    validate_public_text(value)
    if starts_like_formula(value):
        raise ValidationError("A name cannot start with =, +, - or @.")
