"""`?page=N` pagination that never fails and, for a letter's full list, never scans.

Any malformed, zero or negative page number means the first page, and a number past
the end means the last page, so a shared or hand-edited link always answers 200.
"""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(number, 1)


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    """OFFSET pagination, for lists that stay small (indexes, filtered results)."""
    paginator = Paginator(items, per_page)
    return paginator.page(min(page_number(request.GET.get("page")), paginator.num_pages))


class RankedPaginator(Paginator):
    """Pages of a letter's public signatures found by their maintained `list_rank`.

    The count comes from the letter (`public_count`) instead of COUNT(*), and page N
    is `list_rank BETWEEN …` through an index, so the last page of 100,000 costs what
    the first does.
    """

    def __init__(self, signatures, per_page: int, count: int):
        super().__init__(signatures, per_page)
        self.count = count  # overrides the cached COUNT(*) property

    def page(self, number) -> Page:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        rows = self.object_list.filter(
            list_rank__gt=first, list_rank__lte=first + self.per_page
        ).order_by("list_rank")
        return self._get_page(rows, number, self)


def paginate_ranked(request: HttpRequest, signatures, per_page: int, count: int) -> Page:
    paginator = RankedPaginator(signatures, per_page, count)
    return paginator.page(min(page_number(request.GET.get("page")), paginator.num_pages))


def paginate_matches(request: HttpRequest, matches, rows, per_page: int) -> Page:
    """A filtered list (a search, a kind, a country): one query finds the matching ids in
    list order, their number is the count, and one more fetches the page's `rows`.

    The search runs once instead of twice (COUNT, then a page past an OFFSET).
    """
    ids = list(matches.order_by("list_rank").values_list("pk", flat=True))
    page = paginate(request, ids, per_page)
    page.object_list = list(rows.filter(pk__in=page.object_list).order_by("list_rank"))
    return page
