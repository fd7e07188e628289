"""Importing a published signatory list into a letter: parse → match → preview → confirm.

A list arrives as a CSV or XLSX file, or as pasted text (one signatory per line, as most
letters publish them). `preview()` parses it, classifies every row against the
organisations and people we already hold, and keeps the rows on a `SignatoryImport`
until a curator confirms them; `confirm()` then writes everything in one transaction,
each signature citing the import's source, with history rows naming who imported it.

The matching is ours and runs in memory: every known name and alias is loaded once per
import, so the number of queries does not grow with the number of rows.
"""

import csv
import datetime
import difflib
import html
import io
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain

from django.contrib.auth.models import User
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify

from .models import (
    ImportStatus,
    Letter,
    Organisation,
    OrganisationAlias,
    OrganisationKind,
    OrganisationRedirect,
    Person,
    PersonAlias,
    PersonRedirect,
    SignatoryImport,
    Signature,
    SignatureStatus,
    SignerKind,
    Source,
)
from .partial_dates import parse_partial_date
from .text import normalise

BATCH_SIZE = 2000
NAME_MAX_LENGTH = Signature._meta.get_field("published_name").max_length
ROLE_MAX_LENGTH = Signature._meta.get_field("role").max_length
COUNTRY_MAX_LENGTH = Signature._meta.get_field("country").max_length
# simple_history's change reason column is 100 characters long.
CHANGE_REASON_MAX_LENGTH = 100
# Similarity (difflib ratio) from which a name is offered as a close match to check.
CLOSE_MATCH_CUTOFF = 0.85
CLOSE_MATCH_LIMIT = 3
# Close matches are looked for among names sharing this share of the row's trigrams
# (letter triples), or all of them but the three a single typo can change, whichever
# asks less: difflib is then run on a few names instead of every name held.
CLOSE_MATCH_TRIGRAM_SHARE = 0.7
# Names shorter than this have no trigram to share: no close match is looked for.
CLOSE_MATCH_MIN_LENGTH = 3
# Trigrams held by at most this many names are counted even beyond what the prefix
# filter needs: counting them costs little and proves most candidates too far.
CLOSE_MATCH_RARE_TRIGRAM = 2000

# What people type in a list when there is no name to give.
PLACEHOLDERS = {
    "",
    "-",
    "--",
    "?",
    "n/a",
    "na",
    "n.a.",
    "none",
    "nil",
    "null",
    "unknown",
    "tbc",
    "tbd",
    "anonymous",
    "anon",
    "anon.",
    "individual",
    "private individual",
    "name withheld",
    "withheld",
}
# Spreadsheet formula prefixes ("-" is not one here: list bullets are stripped first).
FORMULA_PREFIXES = ("=", "+", "@")

# Header spellings, compared after normalise() with "_" and "-" read as spaces.
COLUMNS = {
    "name": {
        "name",
        "names",
        "full name",
        "signatory",
        "signatories",
        "signatory name",
        "signer",
        "signed by",
        "organisation name",
        "organization name",
    },
    "kind": {"kind", "type", "signatory type", "signer type", "signatory kind", "category"},
    "country": {"country", "countries", "nation", "country/region", "location"},
    "role": {
        "role",
        "affiliation",
        "title",
        "job title",
        "capacity",
        "organisation",
        "organization",
    },
    "first_listed": {
        "first listed",
        "first_listed",
        "date",
        "date listed",
        "listed on",
        "date signed",
        "signed on",
    },
    "position": {"position", "number", "no", "no.", "#", "order", "rank"},
    "note": {"note", "notes", "comment", "comments"},
}
_HEADER_NAMES = {
    spelling: column for column, spellings in COLUMNS.items() for spelling in spellings
}

KIND_VALUES = {
    "organisation": SignerKind.ORGANISATION,
    "organisations": SignerKind.ORGANISATION,
    "organization": SignerKind.ORGANISATION,
    "organizations": SignerKind.ORGANISATION,
    "org": SignerKind.ORGANISATION,
    "group": SignerKind.ORGANISATION,
    "individual": SignerKind.INDIVIDUAL,
    "individuals": SignerKind.INDIVIDUAL,
    "person": SignerKind.INDIVIDUAL,
    "people": SignerKind.INDIVIDUAL,
}

_LIST_MARKER = re.compile(r"^(?:[-*•·▪‣]+|\(?\d{1,6}[.)])\s+")
_PARENTHESISED_END = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]+)\)$")


class ImportFileError(ValueError):
    """The file cannot be read as a signatory list at all (as opposed to a bad row)."""


class RowStatus(models.TextChoices):
    EXACT = "exact", "Matches an existing record"
    ALIAS = "alias", "Matches by alias"
    CLOSE = "close", "Close match, to check"
    NEW = "new", "New record"
    DUPLICATE = "duplicate", "Duplicate of an earlier row"
    SIGNED = "signed", "Already a signatory"
    INVALID = "invalid", "Invalid"


class Outcome(models.TextChoices):
    CREATED = "created", "Signed by a new record"
    SIGNED = "signed", "Signed by an existing record"
    SKIPPED = "skipped", "Skipped"


# The choice a curator makes per row, stored in the row as "new", "skip" or a record's id.
NEW = "new"
SKIP = "skip"


# ---------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------


def decode(data: bytes, encoding: str = "auto") -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, as spreadsheets save."""
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ImportFileError(f"The file is not valid {encoding}: {error}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes have no meaning in Windows-1252; Latin-1 reads every byte.
        return data.decode("latin-1")


def clean_text(value) -> str:
    """One line of plain text from a cell: HTML, entities, control characters, Unicode
    forms and runs of spaces (embedded newlines included) tidied away."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value)
    if "<" in text:
        text = strip_tags(text)
    text = html.unescape(text)
    text = "".join(
        " " if unicodedata.category(char) == "Cc" else char
        for char in text
        if unicodedata.category(char) != "Cf"
    )
    return " ".join(unicodedata.normalize("NFC", text).split())


def is_placeholder(value: str) -> bool:
    return normalise(value) in PLACEHOLDERS


def read_rows(data: bytes, file_name: str = "", encoding: str = "auto") -> list[dict]:
    """The raw rows of a CSV or XLSX file, each a dict of known columns plus its line."""
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        table = _xlsx_table(data)
    else:
        table = _csv_table(decode(data, encoding))
    return rows_from_table(table)


def _xlsx_table(data: bytes) -> Iterable[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"This is not a readable XLSX file: {error}") from error
    sheet = workbook.worksheets[0]
    return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)]


def _csv_table(text: str) -> list[tuple[int, list]]:
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes: is it really a CSV file?")
    first_line = text.split("\n", 1)[0]
    try:
        # Only the delimiter is guessed: a sniffed quoting rule from one line is unreliable.
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = []
    try:
        start = 1
        for cells in reader:
            # A quoted cell may span lines: a row is numbered where it starts, as an
            # editor shows it.
            table.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"The CSV file cannot be read: {error}") from error
    return table


def rows_from_table(table: Iterable[tuple[int, list]]) -> list[dict]:
    """Rows under a header naming the columns; a single column without one is a list of
    names."""
    table = [(number, [clean_text(cell) for cell in cells]) for number, cells in table]
    table = [(number, cells) for number, cells in table if any(cells)]
    if not table:
        raise ImportFileError("The file has no rows.")
    header_number, header = table[0]
    columns = {}
    for index, title in enumerate(header):
        column = _HEADER_NAMES.get(normalise(title).replace("_", " ").replace("-", " "))
        if column and column not in columns:
            columns[column] = index
    if "name" not in columns:
        if max(len(cells) for _, cells in table) == 1:
            return [parse_line(cells[0], number) for number, cells in table]
        raise ImportFileError(
            "The first row must name the columns, with one called 'name' (found: "
            + ", ".join(repr(title) for title in header if title)
            + ")."
        )
    rows = []
    for number, cells in table[1:]:
        row = {"line": number}
        for column, index in columns.items():
            row[column] = cells[index] if index < len(cells) else ""
        rows.append(row)
    return rows


def read_text(text: str) -> list[dict]:
    """A pasted list: one signatory per line, as 'Name', 'Name (Affiliation)' or
    'Name, Country'."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        line = clean_text(line)
        if line:
            rows.append(parse_line(line, number))
    if not rows:
        raise ImportFileError("The list is empty.")
    return rows


def parse_line(line: str, number: int) -> dict:
    line = _LIST_MARKER.sub("", line).strip()
    row = {"line": number, "name": line}
    name, comma, country = line.rpartition(",")
    if comma and name.strip() and country.strip() and not any(c.isdigit() for c in country):
        row["name"], row["country"] = name.strip(), country.strip()
    parenthesised = _PARENTHESISED_END.match(row["name"])
    if parenthesised:
        row["name"], row["role"] = parenthesised["name"], parenthesised["inside"].strip()
    return row


# ---------------------------------------------------------------------------
# Checking rows
# ---------------------------------------------------------------------------


def check_row(raw: dict, default_kind: str, default_first_listed: str) -> dict:
    """The row's fields, cleaned, with `reason` set when the row cannot be imported."""
    row = {
        "line": raw["line"],
        "name": clean_text(raw.get("name")),
        "kind": default_kind,
        "organisation_kind": OrganisationKind.OTHER,
        "country": _optional(raw.get("country")),
        "role": _optional(raw.get("role")),
        "first_listed": clean_text(raw.get("first_listed")) or default_first_listed,
        "position": None,
        "note": _optional(raw.get("note")),
        "status": "",
        "reason": "",
        "match": None,
        "candidates": [],
        "choice": SKIP,
    }
    problems = []
    name = row["name"]
    if not name:
        problems.append("no name")
    elif is_placeholder(name):
        problems.append(f"'{name}' is a placeholder, not a name")
    elif name.startswith(FORMULA_PREFIXES):
        problems.append("the name starts like a spreadsheet formula (=, + or @)")
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(f"the name is longer than {NAME_MAX_LENGTH} characters")
    kind = normalise(clean_text(raw.get("kind")))
    if kind:
        if kind in KIND_VALUES:
            row["kind"] = KIND_VALUES[kind]
        elif kind.replace(" ", "_") in OrganisationKind.values:
            row["kind"] = SignerKind.ORGANISATION
            row["organisation_kind"] = kind.replace(" ", "_")
        else:
            problems.append(f"unknown kind '{clean_text(raw.get('kind'))}'")
    if len(row["country"]) > COUNTRY_MAX_LENGTH:
        problems.append(f"the country is longer than {COUNTRY_MAX_LENGTH} characters")
    if len(row["role"]) > ROLE_MAX_LENGTH:
        problems.append(f"the role is longer than {ROLE_MAX_LENGTH} characters")
    if row["first_listed"]:
        try:
            parse_partial_date(row["first_listed"])
        except ValueError:
            problems.append(
                f"first listed '{row['first_listed']}' is not YYYY, YYYY-MM or YYYY-MM-DD"
            )
    position = clean_text(raw.get("position"))
    if position:
        if position.isdigit() and int(position) > 0:
            row["position"] = int(position)
        else:
            problems.append(f"position '{position}' is not a whole number")
    if problems:
        row["status"], row["reason"] = RowStatus.INVALID, _sentence(problems)
    return row


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[0].upper() + text[1:] + "."


def _optional(value) -> str:
    text = clean_text(value)
    return "" if is_placeholder(text) else text


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------


def trigrams(key: str) -> set[str]:
    """The letter triples of a normalised name, its ends marked by a space so that a
    typo in the first or last letter still leaves trigrams to share."""
    padded = f" {key} "
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


@dataclass
class KnownSigners:
    """Every organisation (or person) we hold, by normalised name and alias, loaded once."""

    model: type[Organisation] | type[Person]
    names: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_alias: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Close matching: every normalised name and alias as (key, pk), and for each trigram
    # the positions in that list of the keys that contain it.
    keys: list[tuple[str, int]] = field(default_factory=list)
    by_trigram: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    signed: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, kind: str, letter: Letter) -> "KnownSigners":
        organisations = kind == SignerKind.ORGANISATION
        known = cls(Organisation if organisations else Person)
        for pk, name in known.model.objects.order_by().values_list("pk", "name").iterator():
            key = normalise(name)
            known.names[pk] = name
            known.by_name[key].append(pk)
            known._index(key, pk)
        alias_model = OrganisationAlias if organisations else PersonAlias
        owner = "organisation_id" if organisations else "person_id"
        for pk, alias in alias_model.objects.order_by("name").values_list(owner, "normalised_name"):
            known.aliases[pk].append(alias)
            if pk not in known.by_alias[alias]:
                known.by_alias[alias].append(pk)
                known._index(alias, pk)
        signed = Signature.objects.filter(letter=letter).exclude(**{owner: None})
        known.signed = set(signed.values_list(owner, flat=True))
        return known

    def _index(self, key: str, pk: int) -> None:
        if len(key) < CLOSE_MATCH_MIN_LENGTH:
            return
        position = len(self.keys)
        self.keys.append((key, pk))
        for gram in trigrams(key):
            self.by_trigram[gram].append(position)

    def label(self, pk: int) -> list:
        return [pk, self.names[pk]]

    def close_to(self, key: str) -> list[int]:
        """The records whose name or alias is most like `key` (difflib ratio at least
        CLOSE_MATCH_CUTOFF), best first.

        Only names sharing enough trigrams with `key` are compared. A name sharing
        `needed` of the row's n trigrams must hold one of any n - needed + 1 of them
        (prefix filtering), so the rarest are looked up; rare trigrams past those are
        counted too, since each one a name lacks lowers what it can still share.
        """
        if len(key) < CLOSE_MATCH_MIN_LENGTH:
            return []
        postings = sorted((self.by_trigram.get(gram, ()) for gram in trigrams(key)), key=len)
        needed = max(
            1, min(math.ceil(CLOSE_MATCH_TRIGRAM_SHARE * len(postings)), len(postings) - 3)
        )
        looked_up = len(postings) - needed + 1
        while looked_up < len(postings) and len(postings[looked_up]) <= CLOSE_MATCH_RARE_TRIGRAM:
            looked_up += 1
        # A name found in `shared` of the looked-up trigrams can share at most
        # `shared + unlooked` in all.
        unlooked = len(postings) - looked_up
        shared = Counter(chain.from_iterable(postings[:looked_up]))
        enough = needed - unlooked
        candidates = [position for position, count in shared.items() if count >= enough]
        best: dict[int, float] = {}
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        for position in candidates:
            other, pk = self.keys[position]
            if abs(len(other) - len(key)) > len(key) * (1 - CLOSE_MATCH_CUTOFF) + 1:
                continue
            matcher.set_seq1(other)
            if matcher.quick_ratio() >= CLOSE_MATCH_CUTOFF:
                ratio = matcher.ratio()
                if ratio >= max(CLOSE_MATCH_CUTOFF, best.get(pk, 0)):
                    best[pk] = ratio
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [pk for pk, _ in ranked[:CLOSE_MATCH_LIMIT]]

    def search_text(self, pk: int | None, published_name: str, name: str) -> str:
        """What Signature.build_search_text() gives, without its query per row."""
        names = [normalise(published_name), normalise(name), *self.aliases.get(pk, ())]
        return " | ".join(dict.fromkeys(n for n in names if n))


def classify(rows: list[dict], known: dict[str, KnownSigners]) -> None:
    """Set each valid row's status, proposed match and default choice, in file order."""
    seen_names: dict[tuple[str, str], int] = {}
    seen_signers: dict[tuple[str, int], int] = {}
    for row in rows:
        if row["status"] == RowStatus.INVALID:
            row["choice"] = SKIP
            continue
        kind, key = row["kind"], normalise(row["name"])
        signers = known[kind]
        earlier = seen_names.get((kind, key))
        if earlier is not None:
            _set(row, RowStatus.DUPLICATE, f"Same name as line {earlier}.", SKIP)
            continue
        seen_names[(kind, key)] = row["line"]
        by_name, by_alias = signers.by_name.get(key, []), signers.by_alias.get(key, [])
        if len(by_name) == 1 or (not by_name and len(by_alias) == 1):
            pk = (by_name or by_alias)[0]
            row["match"] = signers.label(pk)
            earlier = seen_signers.get((kind, pk))
            if pk in signers.signed:
                _set(
                    row, RowStatus.SIGNED, f"{signers.names[pk]} already signed this letter.", SKIP
                )
            elif earlier is not None:
                _set(row, RowStatus.DUPLICATE, f"Same signatory as line {earlier}.", SKIP)
            elif by_name:
                _set(row, RowStatus.EXACT, "", str(pk))
            else:
                _set(
                    row,
                    RowStatus.ALIAS,
                    f"'{row['name']}' is an alias of {signers.names[pk]}.",
                    str(pk),
                )
            seen_signers.setdefault((kind, pk), row["line"])
            continue
        ambiguous = by_name or by_alias
        candidates = ambiguous or signers.close_to(key)
        if candidates:
            row["candidates"] = [signers.label(pk) for pk in candidates]
            reason = (
                f"{len(ambiguous)} records have this name: choose one."
                if ambiguous
                else "A similar name exists: choose it, or create a new record."
            )
            # Never applied without a curator: until one chooses, the row is skipped.
            _set(row, RowStatus.CLOSE, reason, SKIP)
        else:
            _set(row, RowStatus.NEW, "", NEW)


def _set(row: dict, status: str, reason: str, choice: str) -> None:
    row["status"], row["reason"], row["choice"] = status, reason, choice


def choices_for(row: dict) -> list[tuple[str, str]]:
    """What a curator may choose for a row, as (value, label)."""
    if row["status"] == RowStatus.INVALID:
        return [(SKIP, "Skip (invalid)")]
    options = []
    for pk, name in ([row["match"]] if row["match"] else []) + row["candidates"]:
        options.append((str(pk), f"Use {name} (#{pk})"))
    record = "organisation" if row["kind"] == SignerKind.ORGANISATION else "person"
    options.append((NEW, f"Create a new {record}"))
    options.append((SKIP, "Skip this row"))
    return options


def set_choice(row: dict, choice: str) -> bool:
    """Record a curator's choice if it is one offered for the row."""
    if choice in {value for value, _ in choices_for(row)}:
        row["choice"] = choice
        return True
    return False


def counts(rows: list[dict], key: str = "status") -> dict[str, int]:
    return dict(Counter(row[key] for row in rows if row.get(key)))


# ---------------------------------------------------------------------------
# Preview
# ---------------------------------------------------------------------------


def preview(
    letter: Letter,
    source: Source,
    raw_rows: list[dict],
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
    signatory_import = SignatoryImport(
        letter=letter,
        source=source,
        file_name=file_name[:300],
        created_by=user,
        rows=rows,
        report={"counts": counts(rows)},
    )
    if save:
        signatory_import.save()
    return signatory_import


# ---------------------------------------------------------------------------
# Confirm
# ---------------------------------------------------------------------------


class ImportAlreadyDone(Exception):
    pass


@dataclass
class _Plan:
    """Who signs for each row that will be written."""

    existing: list[tuple[dict, int]] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)


def confirm(
    signatory_import: SignatoryImport,
    user: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
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
        rows = locked.rows
        # The records and signatures written are let go before the rows are encoded
        # again below, so that the two never take memory at once.
        _write(rows, signatory_import.letter, locked.source_id, user, now, reason, progress)
        report = {"counts": counts(rows), "outcomes": counts(rows, "outcome")}
        SignatoryImport.objects.filter(pk=locked.pk).update(
            rows=rows, report=report, status=ImportStatus.CONFIRMED, confirmed_at=now
        )
    signatory_import.rows, signatory_import.report = rows, report
    signatory_import.status, signatory_import.confirmed_at = ImportStatus.CONFIRMED, now
    return report


def _write(rows, letter, source_id, user, now, reason, progress) -> None:
    """Create the new records, then the signatures with their source and history."""
    signed = []
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


def _insert_history(model, records: list, user, reason: str, now) -> None:
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


def _plan(rows: list[dict], kind: str, known: KnownSigners) -> _Plan:
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


def _outcome(row: dict, outcome: str, reason: str = "") -> None:
    row["outcome"], row["outcome_reason"] = outcome, reason


def _create_signers(kind, plan, known, user, now, reason, progress) -> None:
    """Bulk-create the new organisations (or people) with their history rows.

    bulk_create skips the signals that keep `search_text`, so it is set here as a
    save would set it for a record without aliases.
    """
    organisations = kind == SignerKind.ORGANISATION
    model = known.model
    slugs = _taken_slugs(model)
    fallback = "organisation" if organisations else "person"
    for start in range(0, len(plan.new), BATCH_SIZE):
        batch = plan.new[start : start + BATCH_SIZE]
        created = []
        for row in batch:
            signer = model(
                name=row["name"],
                slug=_unique_slug(row["name"], slugs, fallback),
                country=row["country"],
                search_text=normalise(row["name"]),
            )
            if organisations:
                signer.kind = row["organisation_kind"]
            created.append(signer)
        model.objects.bulk_create(created)
        _insert_history(model, created, user, reason, now)
        for row, signer in zip(batch, created, strict=True):
            known.names[signer.pk] = signer.name
            row["choice"] = str(signer.pk)
            _outcome(row, Outcome.CREATED)
        progress(len(batch))


def _signatures_for(letter, kind, plan, known, now) -> list[tuple[dict, Signature]]:
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
            position=row["position"],
            note=row["note"],
            status=SignatureStatus.REPORTED,
            entered_at=now,
            search_text=known.search_text(pk, row["name"], known.names[pk]),
            **{owner: pk},
        )
        if row.get("outcome") != Outcome.CREATED:
            _outcome(row, Outcome.SIGNED, row.pop("confirm_note", ""))
        row["signer"] = [pk, known.names[pk]]
        signed.append((row, signature))
    return signed


def _taken_slugs(model) -> set[str]:
    redirect = OrganisationRedirect if model is Organisation else PersonRedirect
    taken = set(model.objects.values_list("slug", flat=True))
    # An old URL of a merged record must keep redirecting, so its slug stays taken.
    taken.update(redirect.objects.values_list("old_slug", flat=True))
    return taken


def _unique_slug(name: str, taken: set[str], fallback: str) -> str:
    base = slugify(name)[:180] or fallback
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(slug)
    return slug
