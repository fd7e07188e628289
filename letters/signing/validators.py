"""What the public may write in a form: text and names that go on public pages."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from letters.lib.names import invisible_name_reason, is_invisible_name
from letters.lib.spreadsheets import starts_like_formula

_URL_IN_TEXT = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|org|net|io|ru|cn|info|xyz)\b)", re.I)
# Alphabets whose letters look alike ('а' is Cyrillic, 'a' Latin): one word written in two
# of them is how a name imitates another ("Bаrnardo's" is not Barnardo's).
_LOOKALIKE_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_SCRIPT_NAMES = {"LATIN": _("Latin"), "CYRILLIC": _("Cyrillic"), "GREEK": _("Greek")}
_WORD = re.compile(r"\w+")


def _refuse_invisible_controls(value: str, allowed: str = "") -> None:
    if any(unicodedata.category(char) in {"Cc", "Cf"} and char not in allowed for char in value):
        raise ValidationError(gettext("Remove the invisible control characters."))


def _scripts(word: str) -> set[str]:
    """Which of the look-alike alphabets the letters of `word` come from."""
    found = set()
    for char in word:
        script = unicodedata.name(char, "").partition(" ")[0]
        if char.isalpha() and script in _LOOKALIKE_SCRIPTS:
            found.add(script)
    return found


def validate_public_text(value: str) -> None:
    """Text shown on public pages: no invisible controls (NUL, right-to-left overrides), no
    links (spam). Line breaks are fine: browsers send a textarea's as CR LF."""
    _refuse_invisible_controls(value, allowed="\r\n\t")
    if _URL_IN_TEXT.search(value):
        raise ValidationError(gettext("Web addresses are not accepted here."))


def validate_public_name(value: str) -> None:
    """Names shown on public pages: one line of public text that shows something (not only
    blank letters or accents), that a spreadsheet opening a download could not run as a
    formula, and whose words are each written in one alphabet (no look-alike letters
    from another, as in a Cyrillic 'а' inside a Latin name)."""
    _refuse_invisible_controls(value)
    validate_public_text(value)
    if is_invisible_name(value):
        raise ValidationError(invisible_name_reason(value))
    if starts_like_formula(value):
        raise ValidationError(gettext("A name cannot start with =, +, - or @."))
    for word in _WORD.findall(value):
        if len(mixed := _scripts(word)) > 1:
            alphabets = get_text_list(
                [str(_SCRIPT_NAMES[script]) for script in sorted(mixed)], gettext("and")
            )
            raise ValidationError(
                gettext(
                    "“%(word)s” mixes letters of two alphabets (%(alphabets)s): type each word "
                    "in one."
                )
                % {"word": word, "alphabets": alphabets}
            )
