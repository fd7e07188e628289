"""Writing an import: kept, read and matched for the preview, then confirmed, all or nothing.

Each step is a function of the import's id, run by the admin's background jobs
(letters/curation/tasks.py) and by the import_signatories command, reporting progress
through a callback:

1. `create_import()` keeps the upload on a new `SignatoryImport` (status "reading");
2. `preview_import(id)` reads it, checks and matches every row and keeps them for the
   curator (status "preview"), or records why the file cannot be read ("failed");
3. `confirm_import(id, user)` writes every chosen row in one transaction, each signature
   citing the import's source and carrying the evidence of who its signer is, with
   history rows naming who imported it.

Rows are kept a table row each (letters/curation/import_rows.py) and every step reads
and writes them a chunk at a time: a worker's memory does not grow with the list.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from django.contrib.auth.models import User
from django.db import connections, transaction
from django.utils import timezone

from letters.lib.partial_dates import numeric_day_order
from letters.models import (
    IdentityBasis,
    ImportStatus,
    Letter,
    Organisation,
    SignatoryImport,
    Signature,
    Signer,
    SignerKind,
    Source,
    SourceKind,
)
from letters.signature_list import search_text

from . import import_rows
from .columns import ImportFileError, RawRow
from .matching import Classifier, KnownSigners, ProgressCallback
from .names import name_key
from .reading import clean_text, read_upload
from .rows import (
    AS_ORGANISATION,
    NEW,
    SKIP,
    ImportDefaults,
    ImportRow,
    Outcome,
    RowStatus,
    check_rows,
)

BATCH_SIZE = 2000
# Signatures made and written at a time: each bulk_create also recounts and re-places the
# letter's list (a read of the whole list), so not too few either.
SIGNATURE_BATCH = 20_000
# simple_history's change reason column is 100 characters long.
CHANGE_REASON_MAX_LENGTH = 100
# Matching reports its progress every so many rows.
PROGRESS_EVERY_ROWS = 1000
EVIDENCE_MAX_LENGTH = Signature._meta.get_field("identity_evidence").max_length or 300


class ImportReport(TypedDict):
    """What an import found (`counts` of row statuses, from the preview, and `notices`
    about how the file was read) and, once confirmed, what it did (`outcomes`), as kept
    on `SignatoryImport.report`."""

    counts: dict[str, int]
    notices: NotRequired[list[str]]
    outcomes: NotRequired[dict[str, int]]


class ImportOptions(TypedDict, total=False):
    """How to read an upload, kept on `SignatoryImport.options`."""

    encoding: str
    default_kind: str
    first_listed: str
    pasted: bool


def _no_progress(done: int, total: int) -> None:
    pass


def create_import(
    letter: Letter,
    source: Source,
    data: bytes,
    *,
    options: ImportOptions,
    file_name: str = "",
    user: User | None = None,
) -> SignatoryImport:
    """Keep an uploaded file (or a pasted list) for `preview_import` to read."""
    return SignatoryImport.objects.create(
        letter=letter,
        source=source,
        file_name=file_name[:300],
        created_by=user,
        status=ImportStatus.READING,
        upload=data,
        options=dict(options),
    )


def read_and_check(
    data: bytes, options: ImportOptions, file_name: str = ""
) -> tuple[list[ImportRow], list[str]]:
    """The upload's rows, checked, and the notices of how it was read. Raises
    ImportFileError when it cannot be read at all."""
    raws, notices = _read(data, options, file_name)
    return check_rows(raws, _defaults(options)), notices


def _read(data: bytes, options: ImportOptions, file_name: str) -> tuple[list[RawRow], list[str]]:
    encoding = options.get("encoding", "auto")
    name = "pasted.txt" if options.get("pasted") else file_name
    result = read_upload(data, name, encoding)
    return result.rows, result.notices


def _defaults(options: ImportOptions) -> ImportDefaults:
    return ImportDefaults(
        kind=options.get("default_kind", SignerKind.ORGANISATION),
        first_listed=options.get("first_listed", ""),
    )


def preview_import(import_id: int, progress: ProgressCallback = _no_progress) -> SignatoryImport:
    """Read, check and match the kept upload; keep the rows for the curator. A file that
    cannot be read ends as "failed" with the reason, and nothing else is kept.

    The rows are checked and kept a chunk at a time (the raw rows, read whole, are let
    go as they are checked), then matched a chunk at a time: a worker never holds more
    than one chunk of checked rows, whatever the list's length.
    """
    signatory_import = SignatoryImport.objects.select_related("letter").get(pk=import_id)
    if signatory_import.status != ImportStatus.READING:
        return signatory_import
    data = bytes(signatory_import.upload or b"")
    signatory_import.upload = None  # one copy of the file is enough
    try:
        raws, notices = _read(data, signatory_import.options, signatory_import.file_name)
    except ImportFileError as error:
        signatory_import.status, signatory_import.error = ImportStatus.FAILED, str(error)
        signatory_import.save(update_fields=["status", "error", "upload"])
        return signatory_import
    del data
    defaults = _defaults(signatory_import.options)
    day_order = numeric_day_order(clean_text(raw.get("first_listed")) for raw in raws)
    # Taken from the end of the reversed list, each raw row is let go once checked.
    raws.reverse()
    # Each chunk is its own short write, not one transaction for the whole list: on
    # SQLite that would keep every other writer (sign-ups, curators) waiting for a
    # minute. Rows kept by a run stopped half-way are never shown (the import is still
    # "reading") and the next run starts again from none.
    import_rows.of(signatory_import).delete()
    number = 0
    while raws:
        chunk = [raws.pop() for _ in range(min(import_rows.CHUNK_SIZE, len(raws)))]
        import_rows.add(signatory_import, check_rows(chunk, defaults, day_order), number)
        number += len(chunk)
    match_rows(signatory_import, progress)
    report: ImportReport = {"counts": import_rows.counts(signatory_import), "notices": notices}
    signatory_import.report = report
    signatory_import.status = ImportStatus.PREVIEW
    signatory_import.save(update_fields=["report", "status", "upload"])
    return signatory_import


def match_rows(
    signatory_import: SignatoryImport, progress: ProgressCallback = _no_progress
) -> None:
    """Match the import's rows against what we hold now (again after a curator's
    edits), a chunk at a time, in the list's order."""
    known = {kind: KnownSigners.load(kind, signatory_import.letter) for kind in SignerKind.values}
    rows = import_rows.of(signatory_import)
    organisations = rows.filter(data__kind=SignerKind.ORGANISATION).exclude(
        status=RowStatus.INVALID
    )
    organisation_lines = {
        name_key(name): line
        for line, name in organisations.values_list("data__line", "data__name").iterator()
    }
    classifier = Classifier(known, organisation_lines)
    total, done = rows.count(), 0
    for chunk in import_rows.chunks(rows):
        for start in range(0, len(chunk), PROGRESS_EVERY_ROWS):
            part = chunk[start : start + PROGRESS_EVERY_ROWS]
            classifier.classify(record.data for record in part)
            done += len(part)
            progress(done, total)
        import_rows.save(chunk)


class ImportAlreadyDone(Exception):
    pass


class ImportNotReady(Exception):
    """Rows still wait for a curator's choice: nothing was written."""


def waiting_message(signatory_import: SignatoryImport) -> str:
    """What the curator must do before confirming; "" when no row waits for a choice."""
    waiting = import_rows.undecided(signatory_import)
    total = waiting.count()
    if not total:
        return ""
    first = waiting.values_list("data__line", flat=True)[:10]
    lines = ", ".join(str(line) for line in first)
    more = f" and {total - 10} more" if total > 10 else ""
    return (
        f"{total} rows wait for your choice (lines {lines}{more}): choose for "
        "each, or for all rows of a kind at once. Nothing was imported."
    )


@dataclass
class _Plan:
    """Who signs for each row that will be written."""

    existing: list[tuple[ImportRow, int]] = field(default_factory=list)
    new: list[ImportRow] = field(default_factory=list)


def confirm_import(
    import_id: int, user: User | None = None, progress: ProgressCallback = _no_progress
) -> ImportReport:
    """Write the chosen rows, all or nothing, and return the report (also saved)."""
    now = timezone.now()
    with transaction.atomic():
        # One confirmation per import, and one import at a time per letter.
        locked = (
            SignatoryImport.objects.select_for_update()
            .select_related("source", "letter")
            .defer("upload")
            .get(pk=import_id)
        )
        if locked.status != ImportStatus.PREVIEW:
            status = locked.get_status_display().lower()
            raise ImportAlreadyDone(f"This import is {status}: it cannot be confirmed.")
        if waiting := waiting_message(locked):
            raise ImportNotReady(waiting)
        list(Letter.objects.select_for_update().filter(pk=locked.letter_id).values_list("pk"))
        reason = f"Imported from {locked.source.url}"[:CHANGE_REASON_MAX_LENGTH]
        writer = _Writer(locked, user, now, reason, progress)
        writer.total = 2 * import_rows.to_write(locked).count()
        # A chunk of rows at a time, in the list's order, each written back with what
        # was done with it: the rows of a long list never take memory all at once.
        for chunk in import_rows.chunks(import_rows.of(locked), SIGNATURE_BATCH):
            writer.write([record.data for record in chunk])
            import_rows.save(chunk)
        report: ImportReport = {
            **locked.report,
            "counts": import_rows.counts(locked),
            "outcomes": import_rows.counts(locked, "outcome"),
        }
        SignatoryImport.objects.filter(pk=locked.pk).update(
            report=report, status=ImportStatus.CONFIRMED, confirmed_at=now
        )
    return report


@dataclass
class _Writer:
    signatory_import: SignatoryImport
    user: User | None
    now: datetime.datetime
    reason: str
    progress: ProgressCallback
    done: int = 0
    total: int = 0
    # Who we hold and who signs the letter, by kind: loaded once, kept across chunks.
    known: dict[str, KnownSigners] = field(default_factory=dict)
    used: dict[str, set[int]] = field(default_factory=dict)

    def advance(self, amount: int) -> None:
        self.done += amount
        self.progress(self.done, self.total)

    def write(self, rows: list[ImportRow]) -> None:
        """Create the rows' new records, then their signatures with sources and history
        (rows of the list's order: a chunk of it, or all of it)."""
        letter = self.signatory_import.letter
        signers: list[tuple[ImportRow, int, KnownSigners]] = []
        for kind in SignerKind.values:
            if kind not in self.known:
                self.known[kind] = KnownSigners.load(kind, letter)
                self.used[kind] = set(self.known[kind].signed)
            known = self.known[kind]
            plan = _plan(rows, kind, known, self.used[kind])
            self._create_signers(plan, known)
            self.advance(len(plan.existing))  # nothing to create for them
            signers += [(row, pk, known) for row, pk in plan.existing]
            signers += [(row, int(row["choice"]), known) for row in plan.new]
        # Rows without a position join the end of the list in the file's order.
        signers.sort(key=lambda signer: signer[0]["line"])
        sources = _sources_by_url(row for row, _, _ in signers)
        # The signatures are made and written SIGNATURE_BATCH at a time, and their
        # citations and history BATCH_SIZE at a time: a long list's signatures never
        # take memory all at once (150,000 of them took 170 MB).
        for start in range(0, len(signers), SIGNATURE_BATCH):
            signed = [
                (row, self._signature(letter, row, pk, known))
                for row, pk, known in signers[start : start + SIGNATURE_BATCH]
            ]
            Signature.objects.bulk_create([s for _, s in signed], batch_size=BATCH_SIZE)
            for batch_start in range(0, len(signed), BATCH_SIZE):
                self._cite_and_record(signed[batch_start : batch_start + BATCH_SIZE], sources)

    def _cite_and_record(
        self, batch: list[tuple[ImportRow, Signature]], sources: dict[str, int]
    ) -> None:
        """The signatures' sources (the import's, and a download's own) and history."""
        through = Signature.sources.through
        source_id = self.signatory_import.source_id
        citations = {
            (signature.pk, cited)
            for row, signature in batch
            for cited in [source_id, *(sources[url] for url in row["source_urls"])]
        }
        through.objects.bulk_create(
            [through(signature_id=pk, source_id=cited) for pk, cited in citations]
        )
        _insert_history(Signature, [s for _, s in batch], self.user, self.reason, self.now)
        self.advance(len(batch))

    def _create_signers(self, plan: _Plan, known: KnownSigners) -> None:
        """Bulk-create the new organisations (or people) with their history rows.

        bulk_create skips the signals that keep `search_text`, so it is set here as a
        save would set it for a record without aliases.
        """
        model = known.model
        taken = model.objects.taken_slugs()
        for start in range(0, len(plan.new), BATCH_SIZE):
            batch = plan.new[start : start + BATCH_SIZE]
            created = []
            for row in batch:
                signer = model(
                    name=row["name"],
                    slug=model.objects.unique_slug(row["name"], taken),
                    country=row["country"],
                    website=row["url"],
                    search_text=search_text([row["name"]]),
                )
                if isinstance(signer, Organisation):
                    signer.kind = row["organisation_kind"]
                taken.add(signer.slug)
                created.append(signer)
            model.objects.bulk_create(created)
            _insert_history(model, created, self.user, self.reason, self.now)
            for row, signer in zip(batch, created, strict=True):
                known.names[signer.pk] = signer.name
                row["choice"] = str(signer.pk)
                _outcome(row, Outcome.CREATED)
            self.advance(len(batch))

    def _identity(self, row: ImportRow, pk: int) -> tuple[str, str]:
        """Why the signature's record is its signer, as stored on it."""
        if row.get("outcome") == Outcome.CREATED:
            return IdentityBasis.NEW, f"New record from import #{self.signatory_import.pk}."
        candidate = next((c for c in row["candidates"] if c["id"] == pk), None)
        found = candidate["evidence"] if candidate else ""
        if row["chosen_by_curator"]:
            who = self.user.get_username() if self.user else "a curator"
            evidence = f"Chosen by {who} in import #{self.signatory_import.pk}"
            return IdentityBasis.CURATOR, f"{evidence}; {found}." if found else f"{evidence}."
        if candidate and candidate["basis"]:
            return candidate["basis"], found
        return IdentityBasis.NAME_ONLY, row.get("confirm_note", "")

    def _signature(self, letter: Letter, row: ImportRow, pk: int, known: KnownSigners) -> Signature:
        """The row's signature by the record `pk` (new, or chosen), not yet saved."""
        owner = "organisation_id" if known.kind == SignerKind.ORGANISATION else "person_id"
        basis, evidence = self._identity(row, pk)
        signature = Signature(
            letter=letter,
            published_name=row["name"],
            role=row["role"],
            country=row["country"],
            country_is_inferred=bool(row["country"]) and row["country_is_inferred"],
            first_listed=row["first_listed"] or None,
            note=row["note"],
            status=row["signature_status"],
            withdrawn_on=row["withdrawn_on"] or None,
            withdrawal_reason=row["withdrawal_reason"],
            entered_at=self.now,
            search_text=known.signature_search_text(pk, row["name"]),
            # Cited by the import's source, added with it in the same transaction.
            sourced=True,
            identity_basis=basis,
            identity_evidence=evidence[:EVIDENCE_MAX_LENGTH],
            **{owner: pk},
        )
        if row["position"] is not None:  # without one, bulk_create places it at the end
            signature.position = row["position"]
        if row.get("outcome") != Outcome.CREATED:
            _outcome(row, Outcome.SIGNED, row.pop("confirm_note", ""))
        row["signer"] = [pk, known.names[pk]]
        return signature


def _plan(rows: list[ImportRow], kind: str, known: KnownSigners, used: set[int]) -> _Plan:
    """Resolve each row's choice against the data as it is now, skipping what would sign
    twice (`used`: the records that sign the letter, with those of earlier rows). An
    individual row chosen to sign as an organisation goes with the organisations."""
    plan = _Plan()
    for row in rows:
        choice = row["choice"]
        if choice.startswith(AS_ORGANISATION):
            if kind != SignerKind.ORGANISATION:
                continue
            choice = choice.removeprefix(AS_ORGANISATION)
        elif row["kind"] != kind:
            continue
        if choice in (SKIP, ""):
            why = row["reason"] or "Skipped by the curator."
            if row["chosen_by_curator"] and row["reason"]:
                why = f"Skipped by the curator ({row['reason']})"
            _outcome(row, Outcome.SKIPPED, why)
        elif choice == NEW:
            # Another way in (a curator, another import) may have signed the letter with
            # this name since the preview: the letter never lists it twice.
            on_letter = [pk for pk in known.by_name.get(name_key(row["name"]), []) if pk in used]
            if on_letter and not row["chosen_by_curator"]:
                name = known.names[on_letter[0]]
                _outcome(row, Outcome.SKIPPED, f"{name} signed this letter since the preview.")
            else:
                plan.new.append(row)
        else:
            pk = int(choice)
            if pk not in known.names:
                _outcome(row, Outcome.SKIPPED, f"Record #{pk} no longer exists.")
            elif pk in used:
                _outcome(row, Outcome.SKIPPED, f"{known.names[pk]} already signs this letter.")
            else:
                used.add(pk)
                plan.existing.append((row, pk))
    return plan


def _outcome(row: ImportRow, outcome: str, reason: str = "") -> None:
    row["outcome"], row["outcome_reason"] = outcome, reason


def _sources_by_url(rows: Iterable[ImportRow]) -> dict[str, int]:
    """The rows' own source addresses (a download imported back cites them), as ids:
    those we hold, and the others created as sources of the kind "other"."""
    urls = {url for row in rows for url in row["source_urls"]}
    if not urls:
        return {}
    held = dict(Source.objects.filter(url__in=urls).values_list("url", "pk"))
    missing = [Source(url=url, kind=SourceKind.OTHER) for url in sorted(urls - held.keys())]
    for source in Source.objects.bulk_create(missing):
        held[source.url] = source.pk
    return held


def _insert_history(
    model: type[Signature] | type[Signer],
    records: Sequence[Signature] | Sequence[Signer],
    user: User | None,
    reason: str,
    now: datetime.datetime,
) -> None:
    """The "created" history rows of `records`, as simple-history's bulk_history_create
    would make them, written by one prepared INSERT run for every row (executemany).

    bulk_create splits its INSERTs to stay under SQLite's 999 parameters, about 40
    history rows each, which made history 40% of a confirmation.
    """
    history = model.history.model
    connection = connections[history.objects.db]
    tracked = {field.attname for field in history.tracked_fields}
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    fixed = {
        "history_date": now,
        "history_user_id": user.pk if user else None,
        "history_change_reason": reason,
        "history_type": "+",
    }
    unknown = {field.attname for field in fields} - tracked - fixed.keys()
    if unknown:  # a newer simple-history with columns we do not fill: let it write them
        model.history.bulk_history_create(
            records, default_user=user, default_change_reason=reason, default_date=now
        )
        return
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(history._meta.db_table)
    fixed_values = {
        attname: field.get_db_prep_save(value, connection)
        for field in fields
        for attname, value in fixed.items()
        if field.attname == attname
    }
    params = [
        [
            fixed_values[field.attname]
            if field.attname in fixed_values
            else field.get_db_prep_save(getattr(record, field.attname), connection)
            for field in fields
        ]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", params)
