"""Dates known to the day, the month or only the year.

A partial date is stored as its ISO prefix ("2020-02-06", "2023-08", "2024") in a
short text column. ISO prefixes sort in calendar order as plain strings, a year or a
month filters with `startswith`, and no day is ever invented to fill a gap.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext, pgettext

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# In English, as lists write dates (read by `parse_written_date`); pages show Django's
# translated MONTH_NAMES instead.
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def parse_partial_date(value: str) -> tuple[int, int | None, int | None]:
    """Split an ISO prefix into (year, month, day), raising ValueError if it is not a real date."""
    match = _PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a date written as YYYY, YYYY-MM or YYYY-MM-DD")
    year_digits, month_digits, day_digits = match.groups()
    year = int(year_digits)
    month = int(month_digits) if month_digits else None
    day = int(day_digits) if day_digits else None
    datetime.date(year, month or 1, day or 1)  # raises ValueError for 2020-13 or 2021-02-30
    return year, month, day


def format_partial_date(value: str | None) -> str:
    """'6 February 2020', 'August 2023', '2024' or 'date unknown', in the active language
    ('6 février 2020', 'août 2023'): Django's translated month names, in the order each
    language writes them."""
    if not value:
        return gettext("date unknown")
    year, month, day = parse_partial_date(value)
    if month and day:
        return pgettext("partial date", "%(day)s %(month)s %(year)s") % {
            "day": day,
            "month": MONTH_NAMES[month],
            "year": year,
        }
    if month:
        return pgettext("partial date", "%(month)s %(year)s") % {
            "month": MONTH_NAMES[month],
            "year": year,
        }
    return str(year)


def validate_partial_date(value: str) -> None:
    try:
        parse_partial_date(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_partial_date") from error


if TYPE_CHECKING:
    # What a model's partial date holds for the type checker: the text, or None when unknown.
    _PartialDateBase = models.CharField[str | None, str | None]
else:
    _PartialDateBase = models.CharField


class PartialDateField(_PartialDateBase):
    """A date known to the day, the month or the year; empty when unknown."""

    description = "Date known to the day, month or year (YYYY-MM-DD, YYYY-MM or YYYY)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("null", True)
        kwargs.setdefault(
            "help_text",
            "As precise as the source allows: YYYY-MM-DD, YYYY-MM or YYYY. Leave empty "
            "when no source gives a date; never guess a day.",
        )
        super().__init__(*args, **kwargs)
        self.validators.append(validate_partial_date)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 10), ("blank", True), ("null", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value is None:
            return None
        value = value.strip()
        if not value:
            return None
        validate_partial_date(value)
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        return value or None


# ---------------------------------------------------------------------------
# Dates as lists write them
# ---------------------------------------------------------------------------

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, 1)}
_MONTH_NUMBERS.update({name[:3].lower(): number for number, name in enumerate(MONTHS, 1)})
_MONTH_NUMBERS["sept"] = 9
_MONTH = "(?P<month_name>" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
# An ISO date, or an ISO timestamp whose date part is kept as written (in its own zone):
# "2021-08-08T16:17:13+02:00" was signed on 8 August where it was signed.
_ISO_TIMESTAMP = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})[/.-](?P<c>\d{1,4})$")
_DAY_MONTH_YEAR = re.compile(
    rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})$", re.IGNORECASE
)
_MONTH_DAY_YEAR = re.compile(
    rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})$", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"^{_MONTH},?\s+(?P<year>\d{{4}})$", re.IGNORECASE)
_YEAR_SLASH_MONTH = re.compile(r"^(?P<year>\d{4})[/.](?P<month>\d{1,2})$")


class DayOrder:
    """How a list writes numeric dates: day first (22/01/2024) or month first (01/22/2024)."""

    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


def _iso(year: int, month: int | None = None, day: int | None = None) -> str:
    text = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    parse_partial_date(text)  # a ValueError for 31 February or month 13
    return text


def numeric_day_order(values: Iterable[str]) -> str:
    """Whether a list's numeric dates put the day or the month first: month first only
    when some date cannot be read day first (its second number is over 12) and none
    needs day first; otherwise day first, as most of the world writes them."""
    day_first = month_first = False
    for value in values:
        match = _NUMERIC.match(value.strip())
        if match and len(match["c"]) == 4:
            first, second = int(match["a"]), int(match["b"])
            day_first |= first > 12
            month_first |= second > 12
    return DayOrder.MONTH_FIRST if month_first and not day_first else DayOrder.DAY_FIRST


def parse_written_date(text: str, day_order: str = DayOrder.DAY_FIRST) -> str:
    """A date as published lists write it, as a partial ISO date ('' when empty).

    Reads ISO dates and prefixes, ISO timestamps with or without a zone (the date as
    written), "22/01/2024" (numeric dates in `day_order` unless the numbers say
    otherwise), "January 2024", "8 Aug 2021", "Aug 8, 2021" and "2024/01". Raises
    ValueError saying what was expected.
    """
    try:
        return _parse_written_date(text, day_order)
    except ValueError as error:
        if str(error).startswith("'"):
            raise
        raise ValueError(f"'{text.strip()}' is not a real date ({error})") from error


def _parse_written_date(text: str, day_order: str) -> str:
    value = " ".join(text.split())
    if not value:
        return ""
    if _PARTIAL_DATE.match(value):
        parse_partial_date(value)
        return value
    for pattern, build in (
        (_ISO_TIMESTAMP, lambda m: m["date"]),
        (_DAY_MONTH_YEAR, lambda m: _iso(int(m["year"]), _month(m), int(m["day"]))),
        (_MONTH_DAY_YEAR, lambda m: _iso(int(m["year"]), _month(m), int(m["day"]))),
        (_MONTH_YEAR, lambda m: _iso(int(m["year"]), _month(m))),
        (_YEAR_SLASH_MONTH, lambda m: _iso(int(m["year"]), int(m["month"]))),
    ):
        match = pattern.match(value)
        if match:
            result: str = build(match)
            parse_partial_date(result)
            return result
    match = _NUMERIC.match(value)
    if match:
        a, b, c = match["a"], int(match["b"]), match["c"]
        if len(a) == 4:  # 2024/01/22
            return _iso(int(a), b, int(c))
        if len(c) == 4:
            first, year = int(a), int(c)
            if first > 12 or (day_order == DayOrder.DAY_FIRST and b <= 12):
                return _iso(year, b, first)
            return _iso(year, first, b)
    raise ValueError(
        f"'{value}' is not a date we can read (e.g. 2024-01-22, 22/01/2024, "
        "January 2024 or 8 Aug 2021)"
    )


def _month(match: "re.Match[str]") -> int:
    return _MONTH_NUMBERS[match["month_name"].lower().rstrip(".")]
