"""Small conversions of the shared data's values."""

import re
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError

from letters.lib.countries import UnknownCountry, country_code
from letters.lib.partial_dates import parse_partial_date
from letters.models import (
    Side,
)

from .tables import COUNTRY_NAMES

# A letter file, or any object in one, as json.loads() reads it.
JsonObject = dict[str, Any]
# A fixture object in the making: its model's name and its fields.
FixtureRow = tuple[str, dict[str, Any]]

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def partial_date(value: str | None) -> str | None:
    """The data's partial ISO date, checked, or None when unknown."""
    if not value:
        return None
    try:
        parse_partial_date(value)
    except ValueError as error:
        raise CommandError(str(error)) from error
    return value


def unique(values: Iterable[str | None]) -> list[str]:
    """Drop empty values and repeats, keeping the first occurrence."""
    return list(dict.fromkeys(value for value in values if value))


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def normalise_country(country: str | None) -> str:
    """The ISO code of the data's country ('' when it names no single country)."""
    try:
        return country_code(COUNTRY_NAMES.get(country, country)) if country else ""
    except UnknownCountry:
        return ""


def signature_country(country: str | None) -> tuple[str, str]:
    """A signature's country code, and a note keeping what the data says when that is not
    one country ('Latin America (region)')."""
    code = normalise_country(country)
    if country and not code:
        return "", f"Country as listed: {country}."
    return code, ""


def is_inferred(row: JsonObject) -> bool:
    return "inferred" in (row.get("country_basis") or "")


def stated_country(row: JsonObject) -> str:
    """The row's country if a source states it; never an inference or a region."""
    if is_inferred(row):
        return ""
    return normalise_country(row.get("country"))


def letter_side(stance: str) -> str:
    if stance.startswith("for"):
        return Side.FOR
    if stance.startswith("against"):
        return Side.AGAINST
    return Side.MIXED


def leading_number(text: str) -> int | None:
    """50 for '50+', 5000 for 'about 5,000'."""
    match = re.search(r"\d[\d,]*", text)
    return int(match.group().replace(",", "")) if match else None


def source_key(url: str | None) -> list[str] | None:
    return [url] if url else None


def letter_key(slug: str | None) -> list[str] | None:
    return [slug] if slug else None


# ---------------------------------------------------------------------------
# Sources
