"""Reading the query string of the API and the downloads: strict, so that a misspelt
filter or a malformed date is a 400 that says what is wrong, never all the data."""

import datetime
import re
from collections.abc import Collection
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import HttpRequest

# The API's answers to lists: `page` and `page_size`, at most MAX_PAGE_SIZE rows.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGE_PARAMETERS = ("page", "page_size")

QS = TypeVar("QS", bound=QuerySet[Any])

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ApiError(Exception):
    """A request the API refuses, with the status and the message the client gets."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class BadDate(ValueError):
    """A date parameter that is not a real YYYY-MM-DD day; its message is for the client."""


def parse_day(name: str, raw: str) -> str:
    """`raw` as an ISO day ('2020-02-07'), or BadDate saying what is wrong with it."""
    try:
        if not _ISO_DAY.match(raw):
            raise ValueError
        datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadDate(f"{name} must be a date written as YYYY-MM-DD, such as 2020-02-07.") from None
    return raw


# ---------------------------------------------------------------------------


def check_parameters(request: HttpRequest, filters: tuple[str, ...]) -> None:
    """Refuse unknown parameters: a misspelt filter must not silently return everything."""
    allowed = (*filters, *PAGE_PARAMETERS)
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ApiError(
            400, f"Unknown parameter {unknown[0]!r}; this endpoint takes: {', '.join(allowed)}."
        )


def text_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if "\x00" in value or len(value) > 200:
        raise ApiError(400, f"{name} must be text of at most 200 characters.")
    return value


def choice_parameter(request: HttpRequest, name: str, choices: Collection[str]) -> str:
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise ApiError(400, f"{name} must be one of: {', '.join(choices)}.")
    return value


def slug_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    if value and not _SLUG.match(value):
        raise ApiError(400, f"{name} must be a slug (letters, digits, '-' and '_').")
    return value


def day_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    try:
        return parse_day(name, value) if value else ""
    except BadDate as error:
        raise ApiError(400, str(error)) from None


def positive_int_parameter(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"{name} must be a whole number of at least 1.")
    return int(raw)


def on_or_after(field: str, day: str) -> Q:
    """A partial date counts from its start: 'February 2020' is on or after 2020-02-01.

    As text, '2020-02' sorts before '2020-02-01', so the month (and the year) that start
    on `day` are added by name.
    """
    condition = Q(**{f"{field}__gte": day})
    if day.endswith("-01"):
        condition |= Q(**{field: day[:7]})
    if day.endswith("-01-01"):
        condition |= Q(**{field: day[:4]})
    return condition


def on_or_before(field: str, day: str) -> Q:
    """A partial date's text sorts before its first day, so it counts from its start."""
    return Q(**{f"{field}__lte": day})


def date_filters(request: HttpRequest, field: str, prefix: str) -> Q:
    condition = Q()
    if after := day_parameter(request, f"{prefix}_after"):
        condition &= on_or_after(field, after)
    if before := day_parameter(request, f"{prefix}_before"):
        condition &= on_or_before(field, before)
    return condition


def filtered(queryset: QS, **lookups: object) -> QS:
    """`queryset` narrowed by each lookup given a value; an empty value is a filter the
    request did not ask for."""
    return queryset.filter(**{lookup: value for lookup, value in lookups.items() if value})
