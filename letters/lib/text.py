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
