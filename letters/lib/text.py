"""Text normalisation shared by search, matching, sign-ups and the fixture builder."""

import re
import unicodedata
from urllib.parse import urlsplit

_SPACES = re.compile(r"\s+")
# Punctuation that names are written with or without: "Barnardo's" is "Barnardos",
# "U.K." is "UK", "Save-the-Children" is "Save the Children", "Meta Platforms, Inc." is
# "Meta Platforms Inc". NFKD has already turned the compatibility forms (full-width,
# ellipsis) into these. Apostrophes, quotes and dots go; hyphens, dashes and commas
# separate words.
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("'\u2018\u2019\u201a\u201b\u02bc\u02bb\u02b9\u0060\u00b4\u2032", ""),
        **dict.fromkeys('"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u2033', ""),
        **dict.fromkeys(".\u00b7\u2024\u2027\u30fb", ""),
        **dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", " "),
        **dict.fromkeys(",\u060c\u3001", " "),
    }
)


def normalise(text: str | None) -> str:
    """Fold case, accents, Unicode forms, apostrophes, quotes, dots, hyphens, commas and
    runs of spaces.

    Search matches a normalised query as a substring of normalised names, so the same
    rule gives the same results on SQLite and PostgreSQL: 'SOFIA' finds 'Sofía',
    "barnardos" finds "Barnardo’s", "save the children" finds "Save-the-Children". The
    same rule decides when two names are the same name (imports, sign-ups, aliases).
    """
    if not text:
        return ""
    # Before decomposing too: NFKD makes a spacing accent used as an apostrophe
    # ("Barnardo´s") a space and a combining mark.
    decomposed = unicodedata.normalize("NFKD", text.translate(_PUNCTUATION))
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = without_marks.casefold().translate(_PUNCTUATION)
    return _SPACES.sub(" ", folded).strip()


def website_domain(url: str) -> str:
    """The host a web address names, without "www.": 'https://www.nspcc.org.uk/x' →
    'nspcc.org.uk'. Addresses typed without a scheme are read as hosts."""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")
