"""Where an import's rows are kept: a table row each (`SignatoryImportRow`), read and
written a chunk at a time, so that a worker holds one chunk of a list of any length.

Each record's `data` is the row itself (an `ImportRow`); its status, choice and outcome
are copied into their own columns whenever it is saved here, for the preview's filters
and counts and the confirmation's checks, which are then queries rather than a read of
every row.
"""

from collections.abc import Iterable, Iterator, Sequence

from django.db import connections
from django.db.models import Count, QuerySet

from letters.models import SignatoryImport, SignatoryImportRow

from .rows import SKIP, TO_CHECK, UNDECIDED, ImportRow

# Rows read, matched or written at a time: about 2 KB each in memory.
CHUNK_SIZE = 5000


def of(signatory_import: SignatoryImport | int) -> QuerySet[SignatoryImportRow]:
    """The import's rows, in the list's order."""
    return SignatoryImportRow.objects.filter(signatory_import=signatory_import).order_by("number")


def add(signatory_import: SignatoryImport, rows: Sequence[ImportRow], first_number: int) -> None:
    """Keep new rows, numbered in order from `first_number`."""
    SignatoryImportRow.objects.bulk_create(
        [
            SignatoryImportRow(
                signatory_import=signatory_import,
                number=number,
                status=row["status"],
                choice=row["choice"],
                outcome=row.get("outcome", ""),
                data=row,
            )
            for number, row in enumerate(rows, first_number)
        ],
        batch_size=1000,
    )


def replace(signatory_import: SignatoryImport, rows: Sequence[ImportRow]) -> None:
    """The import's rows are now `rows` (the command's and tests' whole lists)."""
    of(signatory_import).delete()
    add(signatory_import, rows, 0)


def chunks(
    rows: QuerySet[SignatoryImportRow], size: int = CHUNK_SIZE
) -> Iterator[list[SignatoryImportRow]]:
    """`rows` (a query of `of()`) a chunk at a time, each read when the last is done
    with: by number, so that rows saved meanwhile are neither skipped nor read twice."""
    last = -1
    while True:
        chunk = list(rows.filter(number__gt=last)[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].number


def save(records: Iterable[SignatoryImportRow]) -> None:
    """Write the records' rows (changed in place in `data`) back, with their columns.

    One prepared UPDATE run for every record (executemany): bulk_update's CASE
    expressions would be split into hundreds of statements by SQLite's parameter limit.
    """
    model = SignatoryImportRow
    connection = connections[model.objects.db]
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.name in ("data", "status", "choice", "outcome")
    ]
    params = []
    for record in records:
        row = record.data
        record.status, record.choice = row["status"], row["choice"]
        record.outcome = row.get("outcome", "")
        params.append(
            [field.get_db_prep_save(getattr(record, field.attname), connection) for field in fields]
            + [record.pk]
        )
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.attname)} = %s" for field in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s", params
        )


def counts(signatory_import: SignatoryImport, key: str = "status") -> dict[str, int]:
    """How many rows have each status (or outcome), as `matching.counts` of a list."""
    totals = of(signatory_import).exclude(**{key: ""}).order_by().values_list(key)
    return dict(totals.annotate(total=Count("pk")))


def undecided(signatory_import: SignatoryImport) -> QuerySet[SignatoryImportRow]:
    """The rows that wait for a choice: a confirmation refuses to start until none do."""
    return of(signatory_import).filter(status__in=TO_CHECK, choice=UNDECIDED)


def to_write(signatory_import: SignatoryImport) -> QuerySet[SignatoryImportRow]:
    """The rows a confirmation will write (those not skipped)."""
    return of(signatory_import).exclude(choice__in=(SKIP, UNDECIDED))
