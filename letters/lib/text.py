"""Text normalisation shared by search, matching, sign-ups and the fixture builder."""

import re
import unicodedata
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")
# Typographic variants that people type as their ASCII twins.
_PUNCTUATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
    }
)


def normalise(text: str | None) -> str:
    """Fold case, accents, Unicode forms, typographic quotes and runs of spaces.

    Search matches a normalised query as a substring of normalised names, so the
    same rule gives the same results on SQLite and PostgreSQL: 'SOFIA' finds
    'Sofía', and "barnardo's" finds "Barnardo’s".
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = without_marks.translate(_PUNCTUATION).casefold()
    return _SPACES.sub(" ", folded).strip()


def website_domain(url: str) -> str:
    """The host a web address names, without "www.": 'https://www.nspcc.org.uk/x' →
    'nspcc.org.uk'. Addresses typed without a scheme are read as hosts."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


# Characters Unicode classes as letters or symbols that still show nothing: the Hangul
# fillers (U+3164 alone is a favourite "invisible name"), the Braille blank and the Khmer
# inherent vowels.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
# Marks (accents with nothing to sit on), separators, controls, format characters and
# unassigned code points: none of them draws a name by itself.
_DRAWS_NOTHING = frozenset({"Mn", "Mc", "Me", "Zs", "Zl", "Zp", "Cc", "Cf", "Cn"})


def is_invisible(name: str) -> bool:
    """True when `name` would show as nothing on a page: empty, or made only of spaces,
    combining marks, control and format characters and blank-looking letters such as
    U+3164 HANGUL FILLER. One visible character is enough: U+3164 followed by 'Ada' is
    visible; U+3164 alone, or two combining accents (U+0301 U+0302), are not."""
    return all(
        char in _BLANK_LETTERS or unicodedata.category(char) in _DRAWS_NOTHING for char in name
    )
