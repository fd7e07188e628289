"""`?page=N` pagination that never fails and, for a letter's full list, never scans.

Any malformed, zero or negative page number means the first page, and a number past
the end means the last page, so a shared or hand-edited link always answers 200.
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from letters.models import Signature

from .signatory_rows import Ranks

T = TypeVar("T")


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(number, 1)


def paginate(request: HttpRequest, items: Sequence[T] | QuerySet[Any, T], per_page: int) -> Page[T]:
    """OFFSET pagination, for lists that stay small (indexes, filtered results)."""
    paginator = Paginator(items, per_page)
    return paginator.page(min(page_number(request.GET.get("page")), paginator.num_pages))


def paginate_ranked(request: HttpRequest, per_page: int, count: int) -> Page[int]:
    """Pages of a letter's full public list, which hold the `list_rank`s they show: their
    rows are read by rank through an index (see `ranks`), so the last page of 100,000
    costs what the first does. The count is the letter's (`public_count`): no COUNT(*).
    """
    return paginate(request, range(1, count + 1), per_page)


def ranks(letter_id: int, page: Page[int]) -> Ranks:
    """Which of the letter's signatures a page of `paginate_ranked` shows: its window of
    ranks, whole even on the last page."""
    after = (page.number - 1) * page.paginator.per_page
    return Ranks(letter_id, after, after + page.paginator.per_page)


def paginate_matches(
    request: HttpRequest, matches: QuerySet[Signature], per_page: int
) -> Page[int]:
    """A filtered list (a search, a kind, a country): one query finds the matching ids in
    list order, their number is the count, and the page holds the ids it shows.

    The search runs once instead of twice (COUNT, then a page past an OFFSET).
    """
    ids = list(matches.order_by("list_rank").values_list("pk", flat=True))
    return paginate(request, ids, per_page)
