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


class RankedPaginator(Paginator):
    """Pages of a letter's public signatures found by their maintained `list_rank`.

    The count comes from the letter (`public_count`) instead of COUNT(*), and page N
    is `list_rank BETWEEN …` through an index, so the last page of 100,000 costs what
    the first does.
    """

    object_list: QuerySet[Signature]

    def __init__(self, signatures: QuerySet[Signature], per_page: int, count: int) -> None:
        super().__init__(signatures, per_page)
        self.count = count  # overrides the cached COUNT(*) property

    def page(self, number: int | str) -> Page[Signature]:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        rows = self.object_list.filter(
            list_rank__gt=first, list_rank__lte=first + self.per_page
        ).order_by("list_rank")
        return Page(rows, number, self)


def paginate_ranked(
    request: HttpRequest, signatures: QuerySet[Signature], per_page: int, count: int
) -> Page[Signature]:
    paginator = RankedPaginator(signatures, per_page, count)
    return paginator.page(min(page_number(request.GET.get("page")), paginator.num_pages))


def paginate_matches(
    request: HttpRequest,
    matches: QuerySet[Signature],
    rows: QuerySet[Signature],
    per_page: int,
) -> Page[Signature]:
    """A filtered list (a search, a kind, a country): one query finds the matching ids in
    list order, their number is the count, and the page holds the `rows` they name.

    The search runs once instead of twice (COUNT, then a page past an OFFSET).
    """
    ids = list(matches.order_by("list_rank").values_list("pk", flat=True))
    # A page of ids that then holds the rows they name.
    page: Page[Any] = paginate(request, ids, per_page)
    page.object_list = rows.filter(pk__in=page.object_list).order_by("list_rank")
    return page
