"""The trigram index behind signatory search, on SQLite and on PostgreSQL.

Search is a substring match of the normalised query in `Signature.search_text`
(already case-, accent- and Unicode-folded by `letters.lib.text.normalise`), so both
databases give the same results; the index only makes it fast:

- SQLite: an FTS5 table with the trigram tokenizer over `search_text`, kept in step
  by triggers on every INSERT, UPDATE and DELETE (QuerySet.update() included).
- PostgreSQL: a pg_trgm GIN index, which serves `search_text LIKE '%…%'` directly.

Queries shorter than three characters have no trigram and fall back to a plain
LIKE over the letter's rows.

The objects are (re)created after every `migrate` rather than in one migration,
because SQLite rebuilds a table to alter it and drops its triggers on the way:
recreating them (and re-indexing when they were missing) keeps the index right
whatever later migrations do.
"""

from django.db import connections
from django.db.backends.utils import CursorWrapper
from django.db.models.expressions import RawSQL

FTS_TABLE = "letters_signature_fts"
MIN_INDEXED_LENGTH = 3

_SQLITE_TRIGGERS = {
    "letters_signature_fts_insert": f"""
        CREATE TRIGGER letters_signature_fts_insert AFTER INSERT ON letters_signature BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "letters_signature_fts_delete": f"""
        CREATE TRIGGER letters_signature_fts_delete AFTER DELETE ON letters_signature BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "letters_signature_fts_update": f"""
        CREATE TRIGGER letters_signature_fts_update
        AFTER UPDATE OF search_text ON letters_signature
        WHEN old.search_text IS NOT new.search_text BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def ensure_search_index(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            _ensure_sqlite_index(cursor)
        elif connection.vendor == "postgresql":
            _ensure_postgresql_index(cursor)


def _ensure_postgresql_index(cursor: CursorWrapper) -> None:
    cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'signature_search_trgm_idx'")
    if cursor.fetchone():
        return  # CREATE INDEX IF NOT EXISTS would still fail inside a busy transaction
    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Serves: WHERE search_text LIKE '%needle%' (signatory search, any letter).
    cursor.execute(
        "CREATE INDEX signature_search_trgm_idx "
        "ON letters_signature USING gin (search_text gin_trgm_ops)"
    )


def _ensure_sqlite_index(cursor: CursorWrapper) -> None:
    cursor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "search_text, content='letters_signature', content_rowid='id', tokenize='trigram')"
    )
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = {row[0] for row in cursor.fetchall()}
    missing = [name for name in _SQLITE_TRIGGERS if name not in present]
    for name in missing:
        cursor.execute(_SQLITE_TRIGGERS[name])
    if missing:
        # Rows written while a trigger was missing are not indexed: rebuild from the table.
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def matching_ids(needle: str, using: str) -> RawSQL | None:
    """Signature ids whose search_text contains `needle`, from the SQLite FTS index.

    None when the plain LIKE is the right tool: PostgreSQL (its GIN index serves LIKE)
    or a needle too short to have a trigram.
    """
    if connections[using].vendor != "sqlite" or len(needle) < MIN_INDEXED_LENGTH:
        return None
    # A quoted FTS5 string is matched literally (operators, '*' and '%' included);
    # a double quote inside it is written twice.
    phrase = '"' + needle.replace('"', '""') + '"'
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (phrase,))
