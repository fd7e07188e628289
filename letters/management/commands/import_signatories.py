"""Import a published signatory list into a letter: a CSV, XLSX, JSON, YAML or text file,
a ZIP, or a folder of one YAML (or JSON) file per signatory.

The same reading and matching as the admin's import (letters/curation/). Rows that wait
for a curator's choice (the same name with nothing else to show it is the same signer,
a close name, an organisation listed as an individual) are decided by `--close`: asked
one by one at a terminal (ask, the default), all made new records, all skipped, or all
given the record offered. Nothing is written until every row is decided.
"""

import io
import sys
import zipfile
from pathlib import Path
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator
from django.db import transaction

from letters.curation import import_rows, matching, writing
from letters.curation.rows import TO_CHECK, ImportRow, RowStatus
from letters.lib.partial_dates import parse_partial_date
from letters.lib.progress import Progress
from letters.models import ImportStatus, Letter, SignerKind, Source, SourceKind

CLOSE_POLICIES = {"ask": "", "new": "new", "skip": "skip", "match": "first"}


class Command(BaseCommand):
    help = "Import a signatory list into a letter: preview the matches, then write them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("letter", help="The letter's slug.")
        parser.add_argument(
            "file",
            help="A .csv, .xlsx, .json, .yaml, .txt (one name per line) or .zip file, or a "
            "folder of .yaml/.json files (one per signatory).",
        )
        parser.add_argument("--source", required=True, help="URL where the list is published.")
        parser.add_argument(
            "--kind",
            choices=SignerKind.values,
            default=SignerKind.ORGANISATION,
            help="Kind of the rows that do not say, nor tell by their name (default: "
            "organisation).",
        )
        parser.add_argument(
            "--first-listed", default="", help="Date the list was published: YYYY[-MM[-DD]]."
        )
        parser.add_argument(
            "--encoding",
            default="auto",
            help="auto (UTF-8, else Windows-1252), or a Python codec name.",
        )
        parser.add_argument(
            "--close",
            choices=list(CLOSE_POLICIES),
            default="ask",
            help="Rows that wait for a choice (same name only, close name, organisation "
            "listed as an individual): ask for each (a terminal is needed), make each a new "
            "record, skip them, or use the record offered.",
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
        path = Path(options["file"])
        data, file_name = self._read(path)
        import_options: writing.ImportOptions = {
            "encoding": options["encoding"],
            "default_kind": options["kind"],
            "first_listed": first_listed,
        }
        verbose = options["verbosity"] > 0
        with transaction.atomic():
            source = Source.objects.filter(url=options["source"]).first()
            if source is None:
                source = Source(url=options["source"], kind=SourceKind.LETTER, date=first_listed)
                source._history_user = user
                source.save()
            signatory_import = writing.create_import(
                letter, source, data, options=import_options, file_name=file_name, user=user
            )
            matching_progress = Progress("Matching", 1, verbose)
            signatory_import = writing.preview_import(
                signatory_import.pk, progress=_absolute(matching_progress)
            )
            if signatory_import.status == ImportStatus.FAILED:
                raise CommandError(f"{path}: {signatory_import.error} Nothing was imported.")
            # The command reports on every row, so it holds them all (the admin's jobs
            # read and write them a chunk at a time).
            records = list(import_rows.of(signatory_import))
            rows: list[ImportRow] = [record.data for record in records]
            for notice in signatory_import.report.get("notices", []):
                self.stderr.write(notice)
            self._decide(rows, options["close"])
            import_rows.save(records)
            del records
            if options["dry_run"]:
                self._print_rows(rows, "status", options["verbosity"])
                self._print_counts("Preview (nothing written)", rows, "status")
                transaction.set_rollback(True)
                return
            writing_progress = Progress("Importing", 1, verbose)
            writing.confirm_import(
                signatory_import.pk, user=user, progress=_absolute(writing_progress)
            )
        rows = signatory_import.rows
        self._print_rows(rows, "outcome", options["verbosity"])
        self._print_counts(f"Import #{signatory_import.pk}", rows, "outcome")

    def _decide(self, rows: list[ImportRow], policy: str) -> None:
        """Apply the --close policy to the rows that wait for a choice."""
        waiting = matching.undecided(rows)
        if not waiting:
            return
        if policy != "ask":
            choice = CLOSE_POLICIES[policy]
            for status in TO_CHECK:
                matching.choose_for_status(rows, status, choice)  # type: ignore[arg-type]
            # A "match" policy leaves rows with nothing to match (an organisation name
            # already signing) to the next best: a new record.
            for row in matching.undecided(rows):
                matching.set_choice(row, "new")
            return
        if not sys.stdin.isatty():
            self._print_rows(waiting, "status", 1)
            raise CommandError(
                f"{len(waiting)} rows wait for a choice and there is no terminal to ask: "
                "run again with --close=new, --close=skip or --close=match, or import the "
                "file in the admin. Nothing was imported."
            )
        for row in waiting:
            self._ask(row)

    def _ask(self, row: ImportRow) -> None:
        options = [(value, label) for value, label in matching.choices_for(row) if value]
        self.stdout.write(f"\nline {row['line']}: {row['name']!r} — {row['reason']}")
        for number, (_, label) in enumerate(options, 1):
            self.stdout.write(f"  {number}. {label}")
        while True:
            answer = input(f"Choose 1–{len(options)}: ").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                matching.set_choice(row, options[int(answer) - 1][0])
                return

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user

    def _read(self, path: Path) -> tuple[bytes, str]:
        """The file's bytes, or a folder's YAML and JSON files as one ZIP."""
        try:
            if path.is_dir():
                return _zip_folder(path), f"{path.name}.zip"
            return path.read_bytes(), path.name
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error

    def _print_rows(
        self, rows: list[ImportRow], key: Literal["status", "outcome"], verbosity: int
    ) -> None:
        """Every row at verbosity 2; otherwise the rows a curator should look at."""
        to_check = {RowStatus.INVALID, RowStatus.DUPLICATE, *TO_CHECK}
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


def _absolute(progress: Progress) -> writing.ProgressCallback:
    """The bar of a management command, driven by (done, total) as the import reports."""

    def report(done: int, total: int) -> None:
        progress.total = max(total, 1)
        progress.advance(done - progress.done)

    return report


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file() and file.suffix.lower() in (".yaml", ".yml", ".json"):
                archive.write(file, file.relative_to(folder).as_posix())
    return buffer.getvalue()
