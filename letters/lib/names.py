"""What makes a name a name: one rule for imports and the public forms.

A name that shows nothing on a page (a Hangul filler alone, only combining marks, only
spaces and zero-width characters) would make an empty-looking public entry that nobody
can read, search or ask to have removed.
"""

import unicodedata

from django.utils.translation import gettext

# Letters that Unicode classes as letters or symbols but that draw nothing: the Hangul
# fillers, and the blank Braille pattern, a favourite of "invisible name" tricks.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Categories that draw nothing by themselves: marks that combine with a base letter,
# format and control characters, separators, unassigned and private-use code points.
_INVISIBLE_CATEGORIES = {"Mn", "Me", "Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def is_visible_character(char: str) -> bool:
    if char in BLANK_CHARACTERS:
        return False
    return unicodedata.category(char) not in _INVISIBLE_CATEGORIES


def is_invisible_name(text: str) -> bool:
    """True when `text` has no character a reader would see: empty, blank, a filler such
    as U+3164 alone, or only combining marks (which need a letter to sit on)."""
    return not any(is_visible_character(char) for char in text)


def invisible_name_reason(text: str) -> str:
    """Why a form or an import refuses `text`, for the person who typed it."""
    return gettext("The name shows no visible character (only spaces, marks or invisible fillers).")
