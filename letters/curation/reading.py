"""Reading a published signatory list into raw rows: CSV, XLSX, JSON, YAML, a ZIP of
one-file-per-signer YAML (as GitHub-signed letters keep them), or a pasted list.

Nothing here knows about the database. A file that cannot be read as a list at all is
an `ImportFileError` with a message for the curator (and nothing is written); a row
that is wrong is left for letters/curation/rows.py to explain. What is read but set
aside (a column we do not know, a title row) is said in `ReadResult.notices`.
"""

import csv
import datetime
import html
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence

from letters.lib.countries import UnknownCountry, country_code
from letters.lib.text import normalise

from .columns import (
    COLUMN_TITLES,
    Column,
    ImportFileError,
    RawRow,
    ReadResult,
    column_for,
    is_ignored_title,
)
from .structured import read_json, read_yaml, read_zip

__all__ = ["ImportFileError", "RawRow", "ReadResult", "read_text", "read_upload"]

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

# A file before its header is read: each row's line number and its cells, as the file
# holds them (text in a CSV file; text, numbers, dates or None in an XLSX file).
Table = Iterable[tuple[int, Sequence[object]]]

# The header is looked for among the first rows (a title or a blank row may come first).
HEADER_SEARCH_ROWS = 20
# A quoted CSV cell that runs over more lines than this, holding delimiters, is most
# likely an unclosed quote that swallowed the rows after it.
QUOTED_CELL_MAX_LINES = 3

_LIST_MARKER = re.compile(r"^(?:[-*•·▪‣]+|\(?\d{1,6}[.)])\s+")
# Markup that lists copied from web pages carry; anything else in angle brackets
# ("Volkov <Dinozood> Alexandr") is text and stays.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|br|div|em|font|h[1-6]|i|iframe|img|li|object|ol|p|script|small|span|"
    r"strong|style|sub|sup|td|th|tr|u|ul)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# File signatures of formats that are not lists.
_BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file: save it as XLSX or CSV",
    b"%PDF": "a PDF document: copy the list out of it, or upload the original spreadsheet",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive: upload a ZIP or the file itself",
}


def decode(data: bytes, encoding: str = "auto") -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, as spreadsheets save."""
    if encoding != "auto":
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise ImportFileError(f"The file is not valid {encoding}: {error}") from error
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
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
    """One line of plain text from a cell: HTML markup and entities, control characters,
    Unicode forms and runs of spaces (embedded newlines included) tidied away."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        value = value.isoformat()
    text = str(value)
    if "<" in text:
        text = _HTML_TAG.sub(_tag_gap, text)
    if "&" in text:
        text = html.unescape(text)
    text = "".join(
        " " if unicodedata.category(char) == "Cc" else char
        for char in text
        if unicodedata.category(char) != "Cf"
    )
    return " ".join(unicodedata.normalize("NFC", text).split())


def _tag_gap(tag: "re.Match[str]") -> str:
    """A block tag (<br>, <p>, <li>…) parts words; an inline one (<b>, <span>) does not."""
    name = tag.group(0).strip("</>").split()[0].lower()
    return " " if name in {"br", "p", "div", "li", "td", "th", "tr", "ul", "ol"} else ""


def is_placeholder(value: str) -> bool:
    return normalise(value) in PLACEHOLDERS


def file_format(data: bytes, file_name: str) -> str:
    """What the file is, from its first bytes before its name: an XLSX renamed .txt is
    read as the spreadsheet it is."""
    name = file_name.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx" if b"[Content_Types].xml" in data[:4096] or b"xl/" in data else "zip"
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ImportFileError(f"This file is {what}, not a list we can read.")
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "This is a binary file, not a list: upload a CSV, XLSX, JSON or YAML file, "
            "or a text file with one name per line."
        )
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name.endswith(".txt"):
        return "text"
    if not name.endswith((".csv", ".tsv")) and data.lstrip()[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def read_upload(data: bytes, file_name: str = "", encoding: str = "auto") -> ReadResult:
    """The raw rows of an uploaded file, whatever its format."""
    kind = file_format(data, file_name)
    notices = []
    if kind == "xlsx" and not file_name.lower().endswith((".xlsx", ".xlsm")):
        notices.append(f"“{file_name}” is an XLSX spreadsheet: read as one.")
    if kind == "xlsx":
        result = rows_from_table(_xlsx_table(data))
    elif kind == "zip":
        result = read_zip(data, lambda member: decode(member, encoding))
    elif kind == "json":
        result = read_json(decode(data, encoding))
    elif kind == "yaml":
        result = read_yaml(decode(data, encoding))
    elif kind == "text":
        result = read_text(decode(data, encoding))
    else:
        result = rows_from_table(_csv_table(decode(data, encoding)))
    result.notices[:0] = notices
    result.file_format = kind
    return result


def _xlsx_table(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(f"This is not a readable XLSX file: {error}") from error
    sheet = workbook.worksheets[0]
    return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)]


def _csv_table(text: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV's rows, numbered by their first line, one at a time: a long list's
    cells are never all held at once before they are cleaned."""
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes: is it really a CSV file?")
    first_line = text.split("\n", 1)[0]
    try:
        # Only the delimiter is guessed: a sniffed quoting rule from one line is unreliable.
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # A cell as long as the file may be: a long one is named by its line (rows.py), not
    # refused with csv's own "field larger than field limit".
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            # A quoted cell may span lines: a row is numbered where it starts, as an
            # editor shows it.
            spanned = reader.line_num - start + 1
            if spanned > QUOTED_CELL_MAX_LINES and any(
                "\n" in cell and delimiter in cell for cell in cells
            ):
                raise ImportFileError(
                    f"Line {start}: a quoted cell runs over {spanned} lines and holds what "
                    'look like other rows: is a quote (") left unclosed? Nothing was imported.'
                )
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as error:
        if "end of data" in str(error):
            raise ImportFileError(
                f'Line {start}: a quote (") opened here is never closed, so every line '
                "after it would be read as one cell. Close it, or remove it."
            ) from error
        raise ImportFileError(f"Line {start}: the CSV cannot be read ({error}).") from error


def _header_columns(cells: list[str]) -> dict[Column, int]:
    columns: dict[Column, int] = {}
    for index, title in enumerate(cells):
        column = column_for(title)
        if column and column not in columns:
            columns[column] = index
    return columns


def _is_title_row(cells: list[str]) -> bool:
    """A row whose every filled cell is a column title we know (a second header row)."""
    filled = [cell for cell in cells if cell]
    return bool(filled) and all(column_for(cell) or is_ignored_title(cell) for cell in filled)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def rows_from_table(table: Table) -> ReadResult:
    """Rows under a header naming the columns (found among the first rows, over one or
    two header rows); a single column without one is a list of names."""
    lines = []
    for number, cells in table:
        cleaned = [clean_text(cell) for cell in cells]
        if any(cleaned):
            lines.append((number, cleaned))
    if not lines:
        raise ImportFileError("The file has no rows.")
    notices: list[str] = []
    header_at = next(
        (
            position
            for position, (_, cells) in enumerate(lines[:HEADER_SEARCH_ROWS])
            if {"name", "first_name"} & _header_columns(cells).keys()
        ),
        None,
    )
    if header_at is None:
        if max(len(cells) for _, cells in lines) == 1:
            return ReadResult([parse_line(cells[0], number) for number, cells in lines])
        found = ", ".join(repr(title) for title in lines[0][1] if title)
        raise ImportFileError(
            "No header row names a 'name' column (the first row has: "
            f"{found}). Put the column titles in one row, with one called 'name'."
        )
    header_number, header = lines[header_at]
    for number, _ in lines[:header_at]:
        notices.append(f"Line {number} is above the column titles: read as a title, not a row.")
    data_lines = lines[header_at + 1 :]
    if data_lines and _is_title_row(data_lines[0][1]):
        # A two-row header (titles merged over sub-titles): the lower row names the columns.
        _, lower = data_lines.pop(0)
        width = max(len(header), len(lower))
        header = [
            (lower[i] if i < len(lower) and lower[i] else header[i] if i < len(header) else "")
            for i in range(width)
        ]
    columns = _header_columns(header)
    if not data_lines:
        raise ImportFileError(
            f"The file has a header row (line {header_number}) but no signatories under it."
        )
    width = max(len(cells) for _, cells in data_lines)
    for index in range(width):
        title = header[index] if index < len(header) else ""
        if index in columns.values():
            continue
        values = [cells[index] for _, cells in data_lines if index < len(cells) and cells[index]]
        if not values:
            continue
        if not title:
            raise ImportFileError(
                f"Column {_column_letter(index)} holds values (such as “{values[0][:40]}”) "
                "but has no title: is the header merged over two columns, or on two rows? "
                "Give each column its own title in one header row."
            )
        if not is_ignored_title(title):
            notices.append(
                f"Column {_column_letter(index)} (“{title}”) was not read: it is not a column "
                f"we know ({', '.join(COLUMN_TITLES)})."
            )
    rows = []
    del lines
    data_lines.reverse()  # taken from the end, each line's cells are let go once read
    while data_lines:
        number, cells = data_lines.pop()
        row: RawRow = {"line": number}
        for column, index in columns.items():
            row[column] = cells[index] if index < len(cells) else ""
        rows.append(row)
    return ReadResult(rows, notices)


def read_text(text: str) -> ReadResult:
    """A pasted list: one signatory per line, as 'Name', 'Name (Affiliation)' or
    'Name, Country'."""
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        line = clean_text(line)
        if line:
            rows.append(parse_line(line, number))
    if not rows:
        raise ImportFileError("The list is empty.")
    return ReadResult(rows, file_format="text")


def _split_outside_brackets(text: str, separator: str) -> tuple[str, str] | None:
    """`text` split at its last `separator` that is outside any brackets."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        char = text[index]
        if char in ")]":
            depth += 1
        elif char in "([":
            depth -= 1
        elif char == separator and depth == 0:
            return text[:index], text[index + 1 :]
    return None


def _trailing_brackets(text: str) -> tuple[str, str] | None:
    """'Name (Affiliation, Other)' → ('Name', 'Affiliation, Other'), brackets balanced."""
    if not text.endswith(")"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                name = text[:index].strip()
                return (name, text[index + 1 : -1].strip()) if name else None
    return None


def parse_line(line: str, number: int) -> RawRow:
    """One pasted line. A trailing ', Country' is split off only when it is a country we
    know, so 'Collé Group, LLC' stays one name; '(…)' at the end is an affiliation, commas
    inside it included."""
    line = _LIST_MARKER.sub("", line).strip()
    row: RawRow = {"line": number, "name": line}
    split = _split_outside_brackets(line, ",")
    if split and split[0].strip() and split[1].strip():
        try:
            country_code(split[1])
        except UnknownCountry:
            pass
        else:
            row["name"], row["country"] = split[0].strip(), split[1].strip()
    bracketed = _trailing_brackets(row["name"])
    if bracketed:
        row["name"], row["role"] = bracketed
        row["affiliation_given"] = "true"
    return row
