"""Reading a published signatory list: a CSV or XLSX file, or a pasted list, into raw rows.

Nothing here knows about the database: a file that cannot be read at all is an
`ImportFileError` with a message for the curator; a row that is wrong is left for
letters/curation/rows.py to explain.
"""

import csv
import datetime
import html
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Literal, Required, TypedDict

from django.utils.html import strip_tags

from letters.lib.text import normalise

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


# The columns a list may have: a RawRow holds them besides its line.
Column = Literal["name", "kind", "country", "role", "first_listed", "position", "note"]


class RawRow(TypedDict, total=False):
    """A row as read: its line in the file and the text of each column it has. What the
    text means is for letters/curation/rows.py to check."""

    line: Required[int]
    name: str
    kind: str
    country: str
    role: str
    first_listed: str
    position: str
    note: str


# A file before its header is read: each row's line number and its cells, as the file
# holds them (text in a CSV file; text, numbers, dates or None in an XLSX file).
Table = Iterable[tuple[int, Sequence[object]]]

# Header spellings, compared after normalise() with "_" and "-" read as spaces.
COLUMNS: dict[Column, set[str]] = {
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
_HEADER_NAMES: dict[str, Column] = {
    spelling: column for column, spellings in COLUMNS.items() for spelling in spellings
}

_LIST_MARKER = re.compile(r"^(?:[-*•·▪‣]+|\(?\d{1,6}[.)])\s+")
_PARENTHESISED_END = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]+)\)$")


class ImportFileError(ValueError):
    """The file cannot be read as a signatory list at all (as opposed to a bad row)."""


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


def clean_text(value: object) -> str:
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


def read_rows(data: bytes, file_name: str = "", encoding: str = "auto") -> list[RawRow]:
    """The raw rows of a CSV or XLSX file, each a dict of known columns plus its line."""
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        table = _xlsx_table(data)
    else:
        table = _csv_table(decode(data, encoding))
    return rows_from_table(table)


def _xlsx_table(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"This is not a readable XLSX file: {error}") from error
    sheet = workbook.worksheets[0]
    return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)]


def _csv_table(text: str) -> list[tuple[int, list[str]]]:
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes: is it really a CSV file?")
    first_line = text.split("\n", 1)[0]
    try:
        # Only the delimiter is guessed: a sniffed quoting rule from one line is unreliable.
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: list[tuple[int, list[str]]] = []
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


def rows_from_table(table: Table) -> list[RawRow]:
    """Rows under a header naming the columns; a single column without one is a list of
    names."""
    cleaned = [(number, [clean_text(cell) for cell in cells]) for number, cells in table]
    lines = [(number, cells) for number, cells in cleaned if any(cells)]
    if not lines:
        raise ImportFileError("The file has no rows.")
    header_number, header = lines[0]
    columns: dict[Column, int] = {}
    for index, title in enumerate(header):
        column = _HEADER_NAMES.get(normalise(title).replace("_", " ").replace("-", " "))
        if column and column not in columns:
            columns[column] = index
    if "name" not in columns:
        if max(len(cells) for _, cells in lines) == 1:
            return [parse_line(cells[0], number) for number, cells in lines]
        raise ImportFileError(
            "The first row must name the columns, with one called 'name' (found: "
            + ", ".join(repr(title) for title in header if title)
            + ")."
        )
    rows = []
    for number, cells in lines[1:]:
        row: RawRow = {"line": number}
        for column, index in columns.items():
            row[column] = cells[index] if index < len(cells) else ""
        rows.append(row)
    return rows


def read_text(text: str) -> list[RawRow]:
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


def parse_line(line: str, number: int) -> RawRow:
    line = _LIST_MARKER.sub("", line).strip()
    row: RawRow = {"line": number, "name": line}
    name, comma, country = line.rpartition(",")
    if comma and name.strip() and country.strip() and not any(c.isdigit() for c in country):
        row["name"], row["country"] = name.strip(), country.strip()
    parenthesised = _PARENTHESISED_END.match(row["name"])
    if parenthesised:
        row["name"], row["role"] = parenthesised["name"], parenthesised["inside"].strip()
    return row
