"""The printable page's whole signatory list, read in chunks however long it is."""

from collections.abc import Iterator

from django.db.models import QuerySet

from letters.models import Letter, Signature

CHUNK_SIZE = 2000


class OnePass:
    """Rows for one `{% for %}` loop, fetched CHUNK_SIZE at a time.

    Django's `{% for %}` turns anything without a length into a list first, which for a
    letter of 100,000 signatures would hold every row in memory at once. Given the
    length, it iterates instead, and each chunk is freed once rendered.
    """

    def __init__(self, queryset: QuerySet[Signature], count: int) -> None:
        self.queryset = queryset
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Signature]:
        return self.queryset.iterator(chunk_size=CHUNK_SIZE)


def full_public_list(letter: Letter) -> OnePass:
    """Every public signature of `letter` in list order: one query, fetched in chunks."""
    signatures = (
        Signature.objects.public_on(letter)
        .select_related("organisation", "person")
        .order_by("list_rank")
    )
    return OnePass(signatures, count=letter.public_count)
