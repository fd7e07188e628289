"""The trigram indexes behind search, on SQLite and on PostgreSQL.

Search is a substring match of the normalised query in the `search_text` of signatures,
organisations and people (already case-, accent- and Unicode-folded by
`letters.lib.text.normalise`), so both databases give the same results; the indexes only
make it fast:

- SQLite: an FTS5 table with the trigram tokenizer over each table's `search_text`, kept
  in step by triggers on every INSERT, UPDATE and DELETE (QuerySet.update() included).
- PostgreSQL: a pg_trgm GIN index, which serves `search_text LIKE '%…%'` directly.

Queries shorter than three characters have no trigram and fall back to a plain LIKE.

The objects are (re)created after every `migrate` rather than in one migration,
because SQLite rebuilds a table to alter it and drops its triggers on the way:
recreating them (and re-indexing when they were missing) keeps the index right
whatever later migrations do.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import RawSQL

MIN_INDEXED_LENGTH = 3


@dataclass(frozen=True)
class TextIndex:
    """The trigram index over one table's `search_text`."""

    table: str
    # PostgreSQL's GIN index.
    trigram_index: str

    @property
    def fts_table(self) -> str:
        """SQLite's FTS5 table, kept in step by triggers named after it."""
        return f"{self.table}_fts"

    def sqlite_triggers(self) -> dict[str, str]:
        fts, table = self.fts_table, self.table
        return {
            f"{fts}_insert": f"""
                CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
                    INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
                END""",
            f"{fts}_delete": f"""
                CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
                    INSERT INTO {fts}({fts}, rowid, search_text)
                    VALUES ('delete', old.id, old.search_text);
                END""",
            f"{fts}_update": f"""
                CREATE TRIGGER {fts}_update
                AFTER UPDATE OF search_text ON {table}
                WHEN old.search_text IS NOT new.search_text BEGIN
                    INSERT INTO {fts}({fts}, rowid, search_text)
                    VALUES ('delete', old.id, old.search_text);
                    INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
                END""",
        }


# Signatories (any letter's list), and organisations and people (the search page and
# the signer indexes' searches: a plain LIKE read all of their 100,000 names a search).
SIGNATURES = TextIndex("letters_signature", "signature_search_trgm_idx")
ORGANISATIONS = TextIndex("letters_organisation", "organisation_search_trgm_idx")
PEOPLE = TextIndex("letters_person", "person_search_trgm_idx")
TEXT_INDEXES = {index.table: index for index in (SIGNATURES, ORGANISATIONS, PEOPLE)}

FTS_TABLE = SIGNATURES.fts_table


def ensure_search_index(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for index in TEXT_INDEXES.values():
            if connection.vendor == "sqlite":
                _ensure_sqlite_index(cursor, index)
            elif connection.vendor == "postgresql":
                _ensure_postgresql_index(cursor, index)


def _ensure_postgresql_index(cursor: CursorWrapper, index: TextIndex) -> None:
    cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index.trigram_index])
    if cursor.fetchone():
        return  # CREATE INDEX IF NOT EXISTS would still fail inside a busy transaction
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Serves: WHERE search_text LIKE '%needle%'.
    cursor.execute(
        f"CREATE INDEX {index.trigram_index} ON {index.table} USING gin (search_text gin_trgm_ops)"
    )


def _ensure_sqlite_index(cursor: CursorWrapper, index: TextIndex) -> None:
    fts = index.fts_table
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"search_text, content='{index.table}', content_rowid='id', tokenize='trigram')"
    )
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = {row[0] for row in cursor.fetchall()}
    triggers = index.sqlite_triggers()
    missing = [name for name in triggers if name not in present]
    for name in missing:
        cursor.execute(triggers[name])
    if missing:
        # Rows written while a trigger was missing are not indexed: rebuild from the table.
        cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def matching_ids(needle: str, using: str, table: str = SIGNATURES.table) -> RawSQL | None:
    """Ids of the rows of `table` whose search_text contains `needle`, from the SQLite
    FTS index.

    None when the plain LIKE is the right tool: PostgreSQL (its GIN index serves LIKE)
    or a needle too short to have a trigram.
    """
    if connections[using].vendor != "sqlite" or len(needle) < MIN_INDEXED_LENGTH:
        return None
    fts = TEXT_INDEXES[table].fts_table
    # A quoted FTS5 string is matched literally (operators, '*' and '%' included);
    # a double quote inside it is written twice.
    phrase = '"' + needle.replace('"', '""') + '"'
    return RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", (phrase,))
