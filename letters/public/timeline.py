"""A letter's timeline: when each signatory was first listed or withdrew, by the dates
sources give (never when we entered them).

A fixed number of queries whatever the size of the list: the dates and their counts come
from the letter's `listing_timeline` plus one grouped query over its (few) withdrawn
signatures, and the names of one page of dates from one capped query each for listings
and withdrawals, and one more to fetch those rows.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from letters.lib.partial_dates import format_partial_date
from letters.models import LISTED_STATUSES, Letter, Signature, SignatureStatus

# The timeline shows this many dates per page, and at most this many names per date
# (with how many more): a letter of 100,000 signatures listed on one day stays one page.
TIMELINE_DATES_PER_PAGE = 20
TIMELINE_NAMES_PER_DATE = 50

# Those whose listing the timeline tells: listed now, or listed until they withdrew.
# Disputed signatures are not counted as listed, so they have no place on it.
_ON_TIMELINE = (*LISTED_STATUSES, SignatureStatus.WITHDRAWN)


@dataclass
class TimelineDay:
    date: str
    display: str
    listed: int
    listed_names: list[Signature]
    withdrew: int
    withdrawal_names: list[Signature]


@dataclass
class Timeline:
    page: Page
    days: list[TimelineDay]
    undated: int


def letter_timeline(letter: Letter, page_number: int) -> Timeline:
    """One page of `letter`'s dates (a number past the end means the last page)."""
    listed_on: dict[str, int] = dict(letter.listing_timeline)
    withdrew_on: dict[str, int] = {}
    undated = letter.listed_count - sum(listed_on.values())
    withdrawn = (
        Signature.objects.filter(letter=letter, status=SignatureStatus.WITHDRAWN, sourced=True)
        .order_by()
        .values_list("first_listed", "withdrawn_on")
    )
    for first_listed, withdrawn_on in withdrawn:
        if first_listed:
            listed_on[first_listed] = listed_on.get(first_listed, 0) + 1
        else:
            undated += 1
        if withdrawn_on:
            withdrew_on[withdrawn_on] = withdrew_on.get(withdrawn_on, 0) + 1

    dates = sorted(set(listed_on) | set(withdrew_on))
    paginator = Paginator(dates, TIMELINE_DATES_PER_PAGE)
    page = paginator.page(min(page_number, paginator.num_pages))
    on_page = list(page.object_list)
    listed_ids = _first_ids_by_date(letter, "first_listed", on_page, status__in=_ON_TIMELINE)
    withdrawn_ids = _first_ids_by_date(
        letter, "withdrawn_on", on_page, status=SignatureStatus.WITHDRAWN
    )
    shown = Signature.objects.select_related("organisation", "person").in_bulk(
        [pk for pk, _ in listed_ids + withdrawn_ids]
    )
    first_names: dict[str, list[Signature]] = {}
    for pk, day in listed_ids:
        first_names.setdefault(day, []).append(shown[pk])
    withdrawal_names: dict[str, list[Signature]] = {}
    for pk, day in withdrawn_ids:
        withdrawal_names.setdefault(day, []).append(shown[pk])
    days = [
        TimelineDay(
            date=day,
            display=format_partial_date(day),
            listed=listed_on.get(day, 0),
            listed_names=first_names.get(day, []),
            withdrew=withdrew_on.get(day, 0),
            withdrawal_names=withdrawal_names.get(day, []),
        )
        for day in on_page
    ]
    return Timeline(page=page, days=days, undated=undated)


def _first_ids_by_date(
    letter: Letter, date_field: str, dates: list[str], **filters: object
) -> list[tuple[int, str]]:
    """(id, date) of the first TIMELINE_NAMES_PER_DATE signatures of each date, in list
    order, in one query: a row number per date over the narrow index columns only, so
    that a date with 100,000 signatures costs no join and no wide rows."""
    if not dates:
        return []
    return list(
        Signature.objects.filter(
            letter=letter, sourced=True, **{f"{date_field}__in": dates}, **filters
        )
        .annotate(
            place=Window(RowNumber(), partition_by=[F(date_field)], order_by=[F("list_rank")])
        )
        .filter(place__lte=TIMELINE_NAMES_PER_DATE)
        .order_by(date_field, "place")
        .values_list("pk", date_field)
    )
