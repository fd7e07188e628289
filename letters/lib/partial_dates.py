"""Dates known to the day, the month or only the year.

A partial date is stored as its ISO prefix ("2020-02-06", "2023-08", "2024") in a
short text column. ISO prefixes sort in calendar order as plain strings, a year or a
month filters with `startswith`, and no day is ever invented to fill a gap.
"""

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

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
    """'6 February 2020', 'August 2023', '2024' or 'date unknown'."""
    if not value:
        return "date unknown"
    year, month, day = parse_partial_date(value)
    if month and day:
        return f"{day} {MONTHS[month - 1]} {year}"
    if month:
        return f"{MONTHS[month - 1]} {year}"
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
