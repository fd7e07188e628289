"""Import a published signatory list (CSV, XLSX or a text file of names) into a letter.

The same parsing and matching as the admin's import (letters/curation/); close
matches are never applied here, since nobody is there to check them: those rows are
skipped and listed, to be decided in the admin or added by hand.
"""

from pathlib import Path
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator
from django.db import transaction

from letters.curation import matching, reading, writing
from letters.curation.reading import RawRow
from letters.curation.rows import SKIP, ImportRow, RowStatus
from letters.lib.partial_dates import parse_partial_date
from letters.lib.progress import Progress
from letters.models import ImportStatus, Letter, SignerKind, Source, SourceKind


class Command(BaseCommand):
    help = "Import a signatory list into a letter: preview the matches, then write them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("letter", help="The letter's slug.")
        parser.add_argument("file", help="A .csv, .xlsx or .txt file (one name per line).")
        parser.add_argument("--source", required=True, help="URL where the list is published.")
        parser.add_argument(
            "--kind",
            choices=SignerKind.values,
            default=SignerKind.ORGANISATION,
            help="Kind of the rows that do not say (default: organisation).",
        )
        parser.add_argument(
            "--first-listed", default="", help="Date the list was published: YYYY[-MM[-DD]]."
        )
        parser.add_argument(
            "--encoding",
            default="auto",
            help="auto (UTF-8, else Windows-1252), or a Python codec name.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the report only.")
        parser.add_argument("--user", help="Username recorded in the history.")

    def handle(self, *args: Any, **options: Any) -> None:
        letter = Letter.objects.filter(slug=options["letter"]).first()
        if letter is None:
            raise CommandError(f"No letter with the slug {options['letter']!r}.")
        user = self._user(options["user"])
        first_listed = options["first_listed"].strip()
        if first_listed:
            try:
                parse_partial_date(first_listed)
            except ValueError as error:
                raise CommandError(f"--first-listed: {error}") from error
        try:
            URLValidator()(options["source"])
        except ValidationError as error:
            raise CommandError(f"--source {options['source']!r} is not a URL.") from error
        raw_rows = self._read(Path(options["file"]), options["encoding"])
        verbose = options["verbosity"] > 0
        with transaction.atomic():
            source = Source.objects.filter(url=options["source"]).first()
            if source is None:
                source = Source(url=options["source"], kind=SourceKind.LETTER, date=first_listed)
                source._history_user = user
                source.save()
            signatory_import = writing.preview(
                letter,
                source,
                raw_rows,
                default_kind=options["kind"],
                first_listed=first_listed,
                file_name=Path(options["file"]).name,
                user=user,
                save=not options["dry_run"],
            )
            rows: list[ImportRow] = signatory_import.rows
            if options["dry_run"]:
                self._print_rows(rows, "status", options["verbosity"])
                self._print_counts("Preview (nothing written)", rows, "status")
                transaction.set_rollback(True)
                return
            written = sum(1 for row in rows if row["choice"] != SKIP)
            progress = Progress("Importing", 2 * written, verbose and written > 0)
            writing.confirm(signatory_import, user=user, progress=progress.advance)
        self._print_rows(signatory_import.rows, "outcome", options["verbosity"])
        self._print_counts(f"Import #{signatory_import.pk}", signatory_import.rows, "outcome")
        assert signatory_import.status == ImportStatus.CONFIRMED

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

    def _read(self, path: Path, encoding: str) -> list[RawRow]:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            if path.suffix.lower() == ".txt":
                return reading.read_text(reading.decode(data, encoding))
            return reading.read_rows(data, path.name, encoding)
        except reading.ImportFileError as error:
            raise CommandError(f"{path}: {error}") from error

    def _print_rows(
        self, rows: list[ImportRow], key: Literal["status", "outcome"], verbosity: int
    ) -> None:
        """Every row at verbosity 2; otherwise the rows a curator should look at."""
        to_check = {RowStatus.INVALID, RowStatus.CLOSE}
        to_check.add(RowStatus.DUPLICATE)
        for row in rows:
            if verbosity >= 2 or (verbosity == 1 and row["status"] in to_check):
                reason = row.get("outcome_reason" if key == "outcome" else "reason") or ""
                self.stdout.write(f"line {row['line']}: {row['name']!r}: {row.get(key)} {reason}")

    def _print_counts(
        self, title: str, rows: list[ImportRow], key: Literal["status", "outcome"]
    ) -> None:
        totals = matching.counts(rows, key)
        summary = ", ".join(f"{name} {count:,}" for name, count in sorted(totals.items()))
        self.stdout.write(self.style.SUCCESS(f"{title}: {len(rows):,} rows: {summary}."))
