"""The demo data, loaded for real once per test session and put back, row for row, into
each test that asks for it (the `demo_data` fixtures in tests/conftest.py and
tests/browser/conftest.py).

Why: `load_demo` keeps every derived count, list place, search text and page version
right as it saves each object, which takes thousands of queries. About 120 tests use the
demo, and on PostgreSQL each load took 17–25 s of CI's time.

What the tests get is exactly what `load_demo` wrote: the session runs it once (inside a
transaction that it rolls back), copies every row it added, and a test gets those rows
inserted as they were, ids included (PostgreSQL's sequences are moved past them). When a
test has already written to one of those tables, the copy cannot go in as it was, and the
test gets a real `load_demo` instead.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test import override_settings

from tests.helpers import TEST_CACHES, TEST_TASKS


class SnapshotUnusable(Exception):
    """`load_demo` changed rows that were there before it ran: a copy of what it added
    would not be what it did."""


def model_tables() -> dict[str, type[Model]]:
    """Every table Django manages, m2m and history tables included. Tables of no model
    (SQLite's FTS5 search index) follow their tables through triggers."""
    return {
        model._meta.db_table: model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in description]


def _rows(table: str, columns: list[str]) -> list[tuple]:
    quote = connection.ops.quote_name
    order = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {order} FROM {quote(table)} ORDER BY {order}")
        return [tuple(row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class TableCopy:
    table: str
    columns: list[str]
    # SQLite: the rows as the driver returns them. PostgreSQL: COPY's text format, which
    # carries every type (JSON, arrays, timestamps) through unchanged.
    rows: list[tuple] | bytes

    @classmethod
    def of(cls, table: str, columns: list[str], rows: list[tuple]) -> "TableCopy":
        """The table's copy, from its `rows` as just read (SQLite), or COPY (PostgreSQL)."""
        if connection.vendor != "postgresql":
            return cls(table, columns, rows)
        sql = _copy_sql(table, columns, "TO STDOUT")
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            return cls(table, columns, b"".join(bytes(block) for block in copy))

    def insert(self) -> None:
        with connection.cursor() as cursor:
            if isinstance(self.rows, bytes):
                with cursor.cursor.copy(_copy_sql(self.table, self.columns, "FROM STDIN")) as copy:
                    copy.write(self.rows)
                return
            quote = connection.ops.quote_name
            names = ", ".join(quote(column) for column in self.columns)
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})", self.rows
            )


def _copy_sql(table: str, columns: list[str], direction: str) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) {direction}"


class DemoSnapshot:
    """The rows `load_demo` adds to an empty database, ready to put back."""

    def __init__(self, copies: list[TableCopy], models: list[type[Model]]) -> None:
        self.copies = copies
        self.models = models

    @classmethod
    def take(cls) -> "DemoSnapshot":
        tables = model_tables()
        columns = {table: _columns(table) for table in tables}
        before = {table: _rows(table, columns[table]) for table in tables}
        with override_settings(CACHES=TEST_CACHES, TASKS=TEST_TASKS), transaction.atomic():
            call_command("load_demo", verbosity=0)
            copies = []
            for table in tables:
                rows = _rows(table, columns[table])
                if rows == before[table]:
                    continue
                if before[table]:
                    raise SnapshotUnusable(f"load_demo changed rows already in {table}")
                copies.append(TableCopy.of(table, columns[table], rows))
            transaction.set_rollback(True)
        return cls(copies, [tables[copy.table] for copy in copies])

    def restore(self) -> bool:
        """Put the rows back; False, having written nothing, when a table already has rows."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for copy in self.copies:
                cursor.execute(f"SELECT 1 FROM {quote(copy.table)} LIMIT 1")
                if cursor.fetchone():
                    return False
        with transaction.atomic():
            for copy in self.copies:
                copy.insert()
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(statement)
        return True


def load_demo_data(snapshot: DemoSnapshot | None) -> None:
    """The demo data, as `make run` loads it: from the session's copy when it can go in."""
    if snapshot is None or not snapshot.restore():
        call_command("load_demo", verbosity=0)
