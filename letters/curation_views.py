"""Public pages about how a list was curated: its timeline, and what each status means."""

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .cache import cached_public_page
from .models import (
    LISTED_STATUSES,
    PUBLIC_STATUSES,
    Letter,
    Signature,
    SignatureStatus,
)
from .pagination import page_number
from .partial_dates import format_partial_date

# What each status means, next to the choices it explains (shown on /statuses/ and linked
# from every signatory's status on a letter page).
STATUS_EXPLANATIONS = {
    SignatureStatus.REPORTED: (
        "A public source lists this signatory: the letter itself, its organisers' page, a "
        "press release or a news report. We have not confirmed it with the signatory. "
        "Counted as listed."
    ),
    SignatureStatus.CONFIRMED: (
        "Listed, and confirmed: the signatory told us, or signed through this site and a "
        "curator approved it, or the signatory's own official page says so. Counted as listed."
    ),
    SignatureStatus.DISPUTED: (
        "A source lists this signatory, but the signatory or another reliable source says "
        "they did not sign, or the listing is in doubt. Shown for the record, not counted as "
        "listed."
    ),
    SignatureStatus.WITHDRAWN: (
        "The signatory signed and later withdrew, on the date shown. Kept on the list for the "
        "record, with the date and the reason; counted as listed only before that date."
    ),
    SignatureStatus.PENDING: (
        "A sign-up made through this site and confirmed by email, waiting for a curator. "
        "Never shown publicly until it is approved."
    ),
    SignatureStatus.REJECTED: (
        "A sign-up a curator turned down (spam, or a name we could not verify). Never shown "
        "publicly."
    ),
}

# The timeline shows this many dates per page, and at most this many names per date
# (with how many more): a letter of 100,000 signatures listed on one day stays one page.
TIMELINE_DATES_PER_PAGE = 20
TIMELINE_NAMES_PER_DATE = 50

# Those whose listing the timeline tells: listed now, or listed until they withdrew.
# Disputed signatures are not counted as listed, so they have no place on it.
_ON_TIMELINE = (*LISTED_STATUSES, SignatureStatus.WITHDRAWN)


@require_GET
@cached_public_page
def signature_statuses(request: HttpRequest) -> HttpResponse:
    statuses = [
        {
            "value": status.value,
            "label": status.label,
            "explanation": STATUS_EXPLANATIONS[status],
            "public": status in PUBLIC_STATUSES,
        }
        for status in SignatureStatus
    ]
    return render(request, "letters/statuses.html", {"statuses": statuses})


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="Listed as of",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A date, as YYYY-MM-DD.",
        error_messages={"invalid": "Enter a real date as YYYY-MM-DD, e.g. 2020-02-07."},
    )

    def clean_as_of(self) -> datetime.date:
        day = self.cleaned_data["as_of"]
        if not datetime.date(1900, 1, 1) <= day <= datetime.date(9999, 12, 31):
            raise forms.ValidationError("Enter a date after 1900.")
        return day


@require_GET
@cached_public_page
def letter_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """When each signatory was first listed or withdrew, by the dates sources give.

    A fixed number of queries whatever the size of the list: the dates and their counts
    come from the letter's `listing_timeline` plus one grouped query over its (few)
    withdrawn signatures, and the names of one page of dates from one capped query each
    for listings and withdrawals, and one more to fetch those rows.
    """
    letter = get_object_or_404(Letter.objects.published(), slug=slug)

    listed_on: dict[str, int] = dict(letter.listing_timeline)
    withdrew_on: dict[str, int] = {}
    undated = letter.listed_count - sum(listed_on.values())
    withdrawn = (
        Signature.objects.filter(letter=letter, status=SignatureStatus.WITHDRAWN)
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
    page = paginator.page(min(page_number(request.GET.get("page")), paginator.num_pages))
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
        {
            "date": day,
            "display": format_partial_date(day),
            "listed": listed_on.get(day, 0),
            "listed_names": first_names.get(day, []),
            "withdrew": withdrew_on.get(day, 0),
            "withdrawal_names": withdrawal_names.get(day, []),
        }
        for day in on_page
    ]

    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    as_of = None
    if form.is_valid():
        day = form.cleaned_data["as_of"]
        listed = Signature.objects.filter(letter=letter).listed_as_of(day.isoformat()).count()
        as_of = {"day": day, "listed": listed}

    context = {
        "letter": letter,
        "page": page,
        "days": days,
        "undated": undated,
        "form": form,
        "as_of": as_of,
        "names_per_date": TIMELINE_NAMES_PER_DATE,
    }
    return render(request, "letters/timeline.html", context)


def _first_ids_by_date(letter: Letter, date_field: str, dates: list[str], **filters):
    """(id, date) of the first TIMELINE_NAMES_PER_DATE signatures of each date, in list
    order, in one query: a row number per date over the narrow index columns only, so
    that a date with 100,000 signatures costs no join and no wide rows."""
    if not dates:
        return []
    return list(
        Signature.objects.filter(letter=letter, **{f"{date_field}__in": dates}, **filters)
        .annotate(
            place=Window(RowNumber(), partition_by=[F(date_field)], order_by=[F("list_rank")])
        )
        .filter(place__lte=TIMELINE_NAMES_PER_DATE)
        .order_by(date_field, "place")
        .values_list("pk", date_field)
    )
