"""Countries as ISO 3166-1 alpha-2 codes: one rule for storing, reading and showing them.

Signatures, organisations, people and sign-ups store a country as its two-letter code
("GB"), so that "UK", "United Kingdom" and "Royaume-Uni" are one country in the filter,
the API and the downloads. Names come from django-countries (ISO's list, its common and
former names, and their translations); the spellings lists use that ISO does not know
("UK", "U.S.A.", "Holland", "England") are in COMMON_SPELLINGS. Anything else is refused
with a reason rather than guessed.
"""

import re
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.utils import translation
from django_countries import countries
from django_countries.base import CountriesBase
from django_countries.data import ALT_CODES, COUNTRIES

from .spreadsheets import starts_like_formula
from .text import normalise

CODE_LENGTH = 2

# Spellings published lists use that are not an ISO name, a former name or a code.
# England, Scotland, Wales and Northern Ireland are parts of GB in ISO 3166-1.
COMMON_SPELLINGS = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "united kingdom of great britain": "GB",
    "usa": "US",
    "us": "US",
    "united states": "US",
    "united states of america": "US",
    "america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "korea": "KR",
    "republic of korea": "KR",
    "russian federation": "RU",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "czech republic": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "burma": "MM",
    "uae": "AE",
    "vatican": "VA",
    "east timor": "TL",
    "cape verde": "CV",
    "swaziland": "SZ",
    "macedonia": "MK",
    "north macedonia": "MK",
    "deutschland": "DE",
}

# Languages whose country names a list may use (django-countries ships their
# translations): the names of every one of them are understood.
NAME_LANGUAGES = ("en", "fr", "de", "es", "it", "nl", "pt", "pl", "sv", "da", "nb", "fi", "cs")

_NOT_A_NAME = re.compile(r"[^\w' ]+")
# Words that tell a place is wider than a country: refused, with a reason that says so.
_REGION_WORDS = re.compile(
    r"\b(region|europe|european union|eu|worldwide|global|international|latin america|"
    r"africa|asia|middle east|americas|oceania|various|multiple)\b"
)


class UnknownCountry(ValueError):
    """A country that is not one ISO 3166 country, with why, for the curator."""


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country as (code, name), sorted by name (the model field's choices)."""
    return list(_names_in(_language()).items())


def country_name(code: str | None) -> str:
    """The name shown for a code: 'United Kingdom' for GB; '' for none."""
    return country_names().get(code, "") if code else ""


def country_names() -> dict[str, str]:
    """Every country's name by code, in the active language: for a list of many rows,
    which would otherwise look up the language once a row."""
    return _names_in(_language())


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@cache
def _names_in(language: str) -> dict[str, str]:
    """Every country's name in a language, by code, in the order of the names. Asked of
    django-countries once per language: asking it for each name costs a tenth of a
    millisecond, which a letter page listing 50 signatories paid 90 times."""
    with translation.override(language):
        return {code: str(name) for code, name in countries}


def _key(text: str) -> str:
    folded = normalise(text).replace(".", "").replace("&", " and ")
    folded = " ".join(_NOT_A_NAME.sub(" ", folded).split())
    return folded.removeprefix("the ")


@cache
def _codes_by_key() -> dict[str, str]:
    """Every name, former name, translation and code we read as a country, by _key()."""
    names: dict[str, str] = {}
    for code in COUNTRIES:
        names[_key(code)] = code
        alpha3 = ALT_CODES[code][0] if code in ALT_CODES else ""
        if alpha3:
            names[_key(alpha3)] = code
    for language in NAME_LANGUAGES:
        with translation.override(language):
            for code, name in COUNTRIES.items():
                names.setdefault(_key(str(name)), code)
            for code, name in CountriesBase.COMMON_NAMES.items():
                names.setdefault(_key(str(name)), code)
            for code, old_names in CountriesBase.OLD_NAMES.items():
                for old_name in old_names:
                    names.setdefault(_key(str(old_name)), code)
    names.update(COMMON_SPELLINGS)
    return names


def country_code(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country as a list writes it ('' when empty).

    'UK', 'U.K.', 'United Kingdom', 'GBR' and 'Royaume-Uni' are all 'GB'. Raises
    UnknownCountry, with the reason, for anything that is not one country.
    """
    text = " ".join(text.split())
    if not text:
        return ""
    if starts_like_formula(text):
        raise UnknownCountry(f"the country '{text[:40]}' starts like a spreadsheet formula")
    known = _codes_by_key()
    name, comma, qualifier = text.partition(",")
    # ISO's inverted form: "Korea, Republic of" is "Republic of Korea".
    code = known.get(_key(text)) or (comma and known.get(_key(f"{qualifier} {name}")))
    if code:
        return code
    if _REGION_WORDS.search(normalise(text)):
        raise UnknownCountry(f"'{text[:60]}' is a region, not one country")
    if any(separator in text for separator in (",", "/", ";", " and ", " & ")):
        raise UnknownCountry(f"'{text[:60]}' names several countries: give one")
    raise UnknownCountry(f"unknown country '{text[:60]}' (give a country name or ISO code)")


def country_filter(text: str) -> str:
    """What a `?country=` filter asks for, as a code: a code or any name we read ('GB',
    'United Kingdom', 'UK'), so that links made before countries were codes still work.
    Text that is no country gives a value no country has, so it matches nothing."""
    try:
        return country_code(text)
    except UnknownCountry:
        return text


def country_options(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, name) pairs for a filter's options, sorted by name."""
    return sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])
