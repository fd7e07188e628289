"""Writing an import: the preview kept for a curator, then the confirmation, all or nothing.

`preview()` checks and matches every row and keeps them on a `SignatoryImport`;
`confirm()` writes everything in one transaction, each signature citing the import's
source, with history rows naming who imported it.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NotRequired, TypedDict

from django.contrib.auth.models import User
from django.db import connections, transaction
from django.utils import timezone

from letters.lib.text import normalise
from letters.models import (
    ImportStatus,
    Letter,
    Organisation,
    SignatoryImport,
    Signature,
    SignatureStatus,
    Signer,
    SignerKind,
    Source,
)
from letters.signature_list import search_text

from .matching import KnownSigners, classify, counts
from .reading import RawRow
from .rows import NEW, SKIP, ImportRow, Outcome, RowStatus, check_row

BATCH_SIZE = 2000
# simple_history's change reason column is 100 characters long.
CHANGE_REASON_MAX_LENGTH = 100


class ImportReport(TypedDict):
    """What an import found (`counts` of row statuses, from the preview) and, once
    confirmed, what it did (`outcomes`), as kept on `SignatoryImport.report`."""

    counts: dict[str, int]
    outcomes: NotRequired[dict[str, int]]


def preview(
    letter: Letter,
    source: Source,
    raw_rows: list[RawRow],
    *,
    default_kind: str = SignerKind.ORGANISATION,
    first_listed: str = "",
    file_name: str = "",
    user: User | None = None,
    save: bool = True,
) -> SignatoryImport:
    """Parse and match the rows; keep them on a SignatoryImport awaiting confirmation."""
    rows = [check_row(raw, default_kind, first_listed) for raw in raw_rows]
    known = {kind: KnownSigners.load(kind, letter) for kind in SignerKind.values}
    classify(rows, known)
    report: ImportReport = {"counts": counts(rows)}
    signatory_import = SignatoryImport(
        letter=letter,
        source=source,
        file_name=file_name[:300],
        created_by=user,
        rows=rows,
        report=report,
    )
    if save:
        signatory_import.save()
    return signatory_import


class ImportAlreadyDone(Exception):
    pass


@dataclass
class _Plan:
    """Who signs for each row that will be written."""

    existing: list[tuple[ImportRow, int]] = field(default_factory=list)
    new: list[ImportRow] = field(default_factory=list)


def confirm(
    signatory_import: SignatoryImport,
    user: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Write the chosen rows, all or nothing, and return the report (also saved).

    `progress` is called with a number of rows each time a share of the work is done;
    in all it is called with twice the number of rows written.
    """
    progress = progress or (lambda amount: None)
    now = timezone.now()
    reason = f"Imported from {signatory_import.source.url}"[:CHANGE_REASON_MAX_LENGTH]
    with transaction.atomic():
        # One confirmation per import, and one import at a time per letter.
        locked = SignatoryImport.objects.select_for_update().get(pk=signatory_import.pk)
        if locked.status != ImportStatus.PREVIEW:
            status = locked.get_status_display().lower()
            raise ImportAlreadyDone(f"This import is already {status}.")
        list(Letter.objects.select_for_update().filter(pk=locked.letter_id).values_list("pk"))
        rows: list[ImportRow] = locked.rows
        # The records and signatures written are let go before the rows are encoded
        # again below, so that the two never take memory at once.
        _write(rows, signatory_import.letter, locked.source_id, user, now, reason, progress)
        report: ImportReport = {"counts": counts(rows), "outcomes": counts(rows, "outcome")}
        SignatoryImport.objects.filter(pk=locked.pk).update(
            rows=rows, report=report, status=ImportStatus.CONFIRMED, confirmed_at=now
        )
    signatory_import.rows, signatory_import.report = rows, report
    signatory_import.status, signatory_import.confirmed_at = ImportStatus.CONFIRMED, now
    return report


def _write(
    rows: list[ImportRow],
    letter: Letter,
    source_id: int,
    user: User | None,
    now: datetime.datetime,
    reason: str,
    progress: Callable[[int], None],
) -> None:
    """Create the new records, then the signatures with their source and history."""
    signed: list[tuple[ImportRow, Signature]] = []
    for kind in SignerKind.values:
        known = KnownSigners.load(kind, letter)
        plan = _plan(rows, kind, known)
        _create_signers(kind, plan, known, user, now, reason, progress)
        progress(len(plan.existing))  # nothing to create for them
        signed += _signatures_for(letter, kind, plan, known, now)
    # Rows without a position join the end of the list in the file's order.
    signed.sort(key=lambda pair: pair[0]["line"])
    signatures = [signature for _, signature in signed]
    Signature.objects.bulk_create(signatures, batch_size=BATCH_SIZE)
    through = Signature.sources.through
    # A batch at a time: bulk_history_create builds every history row before writing
    # any, which for a long list would hold a second copy of all the signatures.
    for start in range(0, len(signatures), BATCH_SIZE):
        batch = signatures[start : start + BATCH_SIZE]
        through.objects.bulk_create(
            [through(signature_id=s.pk, source_id=source_id) for s in batch]
        )
        _insert_history(Signature, batch, user, reason, now)
    progress(len(signatures))


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


def _plan(rows: list[ImportRow], kind: str, known: KnownSigners) -> _Plan:
    """Resolve each row's choice against the data as it is now, skipping what would sign
    twice."""
    plan = _Plan()
    used: set[int] = set(known.signed)
    new_names: dict[str, int] = {}
    for row in rows:
        if row["kind"] != kind:
            continue
        choice = row["choice"]
        if row["status"] == RowStatus.INVALID or choice == SKIP:
            why = row["reason"] or "Skipped by the curator."
            if row["status"] == RowStatus.CLOSE and choice == SKIP:
                why = "Close match not chosen: " + row["reason"]
            _outcome(row, Outcome.SKIPPED, why)
        elif choice == NEW:
            key = normalise(row["name"])
            held = known.by_name.get(key, [])
            if key in new_names:
                _outcome(row, Outcome.SKIPPED, f"Same new name as line {new_names[key]}.")
            elif row["status"] == RowStatus.NEW and len(held) == 1:
                # Nothing had this name at the preview; a record created since (another
                # import, a curator) is this one, not a reason to make a duplicate.
                if held[0] in used:
                    _outcome(
                        row, Outcome.SKIPPED, f"{known.names[held[0]]} already signs this letter."
                    )
                else:
                    used.add(held[0])
                    row["confirm_note"] = "Matched at confirmation: created since the preview."
                    plan.existing.append((row, held[0]))
            else:
                new_names[key] = row["line"]
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


def _create_signers(
    kind: str,
    plan: _Plan,
    known: KnownSigners,
    user: User | None,
    now: datetime.datetime,
    reason: str,
    progress: Callable[[int], None],
) -> None:
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
                search_text=search_text([row["name"]]),
            )
            if isinstance(signer, Organisation):
                signer.kind = row["organisation_kind"]
            taken.add(signer.slug)
            created.append(signer)
        model.objects.bulk_create(created)
        _insert_history(model, created, user, reason, now)
        for row, signer in zip(batch, created, strict=True):
            known.names[signer.pk] = signer.name
            row["choice"] = str(signer.pk)
            _outcome(row, Outcome.CREATED)
        progress(len(batch))


def _signatures_for(
    letter: Letter, kind: str, plan: _Plan, known: KnownSigners, now: datetime.datetime
) -> list[tuple[ImportRow, Signature]]:
    owner = "organisation_id" if kind == SignerKind.ORGANISATION else "person_id"
    pairs = [(row, pk) for row, pk in plan.existing]
    pairs += [(row, int(row["choice"])) for row in plan.new]
    signed = []
    for row, pk in pairs:
        signature = Signature(
            letter=letter,
            published_name=row["name"],
            role=row["role"],
            country=row["country"],
            first_listed=row["first_listed"] or None,
            note=row["note"],
            status=SignatureStatus.REPORTED,
            entered_at=now,
            search_text=known.signature_search_text(pk, row["name"]),
            **{owner: pk},
        )
        if row["position"] is not None:  # without one, bulk_create places it at the end
            signature.position = row["position"]
        if row.get("outcome") != Outcome.CREATED:
            _outcome(row, Outcome.SIGNED, row.pop("confirm_note", ""))
        row["signer"] = [pk, known.names[pk]]
        signed.append((row, signature))
    return signed
