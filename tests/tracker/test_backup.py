"""manage.py backup_db: a consistent SQLite backup while the site keeps writing, and a clear
refusal where it cannot help (PostgreSQL, an in-memory database)."""

import sqlite3
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

needs_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="backup_db backs up SQLite only; on PostgreSQL it refuses (tested below)",
)


@pytest.fixture
def live_database(tmp_path, monkeypatch):
    """A file database in WAL mode, as the site runs it, with some 10 MB of rows; the
    command is pointed at it as the default database."""
    path = tmp_path / "live.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE signature (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    with db:
        db.executemany(
            "INSERT INTO signature (name) VALUES (?)", ((f"{n:06d}" * 50,) for n in range(30_000))
        )
    db.close()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
    return path


class Writer(threading.Thread):
    """Commits one row at a time, as the site's workers do, until told to stop (30 s at most)."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.stop = threading.Event()
        self.started_writing = threading.Event()
        self.committed = 0
        self.error: Exception | None = None

    def run(self):
        db = sqlite3.connect(self.path, timeout=20)
        deadline = time.monotonic() + 30
        try:
            while not self.stop.is_set() and time.monotonic() < deadline:
                with db:
                    db.execute("INSERT INTO signature (name) VALUES ('written during backup')")
                self.committed += 1
                self.started_writing.set()
        except Exception as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            db.close()


def ids_in(path) -> set[int]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT id FROM signature")}
    finally:
        db.close()


@needs_sqlite
def test_backup_while_rows_are_written_is_consistent_and_complete(live_database, tmp_path):
    writer = Writer(live_database)
    writer.start()
    try:
        assert writer.started_writing.wait(10)
        committed_before = ids_in(live_database)
        written_before = writer.committed

        call_command("backup_db", str(tmp_path / "backup.sqlite3"))

        written_during = writer.committed - written_before
    finally:
        writer.stop.set()
        writer.join()

    assert writer.error is None
    assert written_during > 0, "the writer was blocked during the backup"
    backup = sqlite3.connect(tmp_path / "backup.sqlite3")
    try:
        assert backup.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert backup.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        backup.close()
    assert committed_before <= ids_in(tmp_path / "backup.sqlite3")


@needs_sqlite
def test_backup_replaces_an_older_backup_and_leaves_no_partial_file(live_database, tmp_path):
    destination = tmp_path / "nightly.sqlite3"
    destination.write_bytes(b"yesterday's backup")

    call_command("backup_db", str(destination))

    assert len(ids_in(destination)) == 30_000
    assert destination.stat().st_mode & 0o077 == 0, "a backup holds password hashes"
    assert not list(tmp_path.glob("*.partial"))


@needs_sqlite
def test_backup_refuses_to_overwrite_the_database_itself(live_database):
    with pytest.raises(CommandError, match="the database itself"):
        call_command("backup_db", str(live_database))


@needs_sqlite
def test_backup_refuses_an_in_memory_database(tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", ":memory:")

    with pytest.raises(CommandError, match="in memory"):
        call_command("backup_db", str(tmp_path / "backup.sqlite3"))


def test_backup_refuses_postgresql_and_points_to_pg_dump(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        # The refusal depends on the vendor alone: the SQLite run checks it too.
        monkeypatch.setattr(connection, "vendor", "postgresql")

    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup_db", str(tmp_path / "backup.sqlite3"))

    assert not (tmp_path / "backup.sqlite3").exists()
