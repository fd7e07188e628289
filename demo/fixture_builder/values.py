"""Small conversions of the shared data's values."""

import re
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError

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
    return COUNTRY_NAMES.get(country, country) if country else ""


def is_inferred(row: JsonObject) -> bool:
    return "inferred" in (row.get("country_basis") or "")


def stated_country(row: JsonObject) -> str:
    """The row's country if a source states it; never an inference or a region."""
    country = normalise_country(row.get("country"))
    if not country or is_inferred(row) or "(region)" in country:
        return ""
    return country


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
