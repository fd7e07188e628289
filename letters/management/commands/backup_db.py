"""Back up the SQLite database while the site runs.

SQLite's online backup API copies the database as one consistent snapshot, taken inside a
read transaction: in WAL mode writers carry on meanwhile, and no half-written page ends up
in the copy, as it can with a file copy. The copy is written next to the destination,
checked with PRAGMA integrity_check, switched to a single self-contained file (no -wal)
and only then renamed into place, so a failed backup never replaces a good one.
"""

import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteDatabaseWrapper


class Command(BaseCommand):
    help = (
        "Copy the SQLite database to DESTINATION with SQLite's online backup API "
        "(safe while the site runs). On PostgreSQL use pg_dump."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="The backup file to write.")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to back up (default: %(default)s).",
        )

    def handle(self, *args: Any, destination: Path, database: str, **options: Any) -> None:
        source = self._source_file(database)
        destination = destination.expanduser().resolve()
        if destination.is_dir():
            raise CommandError(f"{destination} is a directory: name the backup file.")
        if destination == source.resolve():
            raise CommandError("The destination is the database itself.")
        if not destination.parent.is_dir():
            raise CommandError(f"The folder {destination.parent} does not exist.")

        # mkstemp creates the file readable by its owner only: it holds password hashes
        # and TOTP secrets.
        fd, partial = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
        )
        os.close(fd)
        try:
            self._backup(source, Path(partial))
            os.replace(partial, destination)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        size = destination.stat().st_size
        self.stdout.write(f"Backed up {source} to {destination} ({size:,} bytes).")

    def _source_file(self, alias: str) -> Path:
        if alias not in connections.settings:
            raise CommandError(f"No database called {alias!r} in DATABASES.")
        connection = connections[alias]
        if connection.vendor == "postgresql":
            raise CommandError(
                "This database is PostgreSQL: back it up with pg_dump and restore with "
                "pg_restore, e.g. pg_dump --format=custom --file=tracker.dump "
                '--dbname="$DATABASE_URL" (see the README, "Backups and restore").'
            )
        if not isinstance(connection, SQLiteDatabaseWrapper):
            raise CommandError(f"backup_db backs up SQLite databases, not {connection.vendor}.")
        if connection.is_in_memory_db():
            raise CommandError("The database is in memory: there is no file to back up.")
        source = Path(connection.settings_dict["NAME"])
        if not source.is_file():
            raise CommandError(f"The database file {source} does not exist.")
        return source

    def _backup(self, source: Path, target: Path) -> None:
        # A read-only connection: the backup must never write to the live database.
        source_db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=20)
        target_db = sqlite3.connect(target)
        try:
            # pages=-1 copies everything in one step, hence one snapshot: a stepwise copy
            # restarts whenever another connection writes, and might never finish.
            source_db.backup(target_db, pages=-1)
            target_db.execute("PRAGMA journal_mode=DELETE")
            result = target_db.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems = "; ".join(row[0] for row in result[:5])
                raise CommandError(f"The backup failed its integrity check: {problems}")
        except sqlite3.Error as error:
            raise CommandError(f"The backup failed: {error}") from error
        finally:
            target_db.close()
            source_db.close()
