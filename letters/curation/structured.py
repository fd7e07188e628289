"""Lists kept as data rather than tables: JSON, YAML, and ZIP archives of one file per
signer (GitHub-signed letters keep a YAML file per signatory, e.g. `signed/alex.yaml`
holding `name:` and `link:`).

YAML is read with the base loader, which resolves no types: every value stays the text
it was written as, so a handle such as "0x0000ff" is not read as the number 255, nor
"no" as false, nor "2021-08-08" as a date object.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

import yaml

from .columns import Column, ImportFileError, RawRow, ReadResult, column_for, is_ignored_title

# Keys under which a document keeps its list (the site's own JSON download: "signatures").
LIST_KEYS = ("signatures", "signatories", "signers", "rows", "data", "results")
# A ZIP may hold many small files; these many at most, each at most this large.
ZIP_MAX_FILES = 200_000
ZIP_MAX_MEMBER_BYTES = 5 * 2**20
ZIP_MAX_TOTAL_BYTES = 300 * 2**20
_STRUCTURED_SUFFIXES = (".yaml", ".yml", ".json")


def _records(document: Any, where: str) -> list[Any]:
    """The objects a document lists: a list of them, one object, or an object keeping its
    list under a known key."""
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in LIST_KEYS:
            if isinstance(document.get(key), list):
                return list(document[key])
        return [document]
    raise ImportFileError(
        f"{where} holds {type(document).__name__} values, not a list of signatories."
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        # The download's source_urls; URLs never contain a space.
        return " ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return ""
    return str(value)


def rows_from_records(
    records: Iterable[Any], first_line: int = 1, origin: str = ""
) -> tuple[list[RawRow], set[str]]:
    """Raw rows from objects, each object's keys read as column titles; and the keys not
    read (to tell the curator)."""
    rows: list[RawRow] = []
    unknown: set[str] = set()
    for number, record in enumerate(records, first_line):
        row: RawRow = {"line": number}
        if origin:
            row["origin"] = origin
        if isinstance(record, str):
            row["name"] = record
        elif isinstance(record, dict):
            for key, value in record.items():
                column: Column | None = column_for(str(key))
                if column is None:
                    if not is_ignored_title(str(key)) and value not in (None, "", [], {}):
                        unknown.add(str(key))
                    continue
                row[column] = _cell(value)
        else:
            row["name"] = ""
        rows.append(row)
    return rows, unknown


def _result(rows: list[RawRow], unknown: set[str], what: str) -> ReadResult:
    if not rows:
        raise ImportFileError(f"The {what} lists no signatories.")
    if not any(row.get("name") or row.get("first_name") for row in rows):
        raise ImportFileError(f"No entry of the {what} has a 'name' (nor 'first_name').")
    notices = [f"Fields not read: {', '.join(sorted(unknown))}."] if unknown else []
    return ReadResult(rows, notices)


def read_json(text: str) -> ReadResult:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"Line {error.lineno}: the JSON cannot be read ({error.msg}). Nothing was imported."
        ) from error
    rows, unknown = rows_from_records(_records(document, "The JSON file"))
    return _result(rows, unknown, "JSON file")


def _load_yaml(text: str, where: str) -> list[Any]:
    try:
        return [doc for doc in yaml.load_all(text, Loader=yaml.BaseLoader) if doc is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f"line {mark.line + 1}" if mark is not None else "somewhere"
        raise ImportFileError(f"{where}: the YAML cannot be read at {at} ({error}).") from error


def read_yaml(text: str) -> ReadResult:
    records = [
        record for document in _load_yaml(text, "The file") for record in _records(document, "It")
    ]
    rows, unknown = rows_from_records(records)
    return _result(rows, unknown, "YAML file")


def read_zip(data: bytes, decode: Callable[[bytes], str]) -> ReadResult:
    """Every YAML and JSON file of a ZIP (any folder in it), in path order: a file per
    signer, or files of several signers each. Hidden files and others are left aside.
    `decode` turns each file's bytes into text."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"This is not a readable ZIP file: {error}") from error
    members = sorted(
        (
            info
            for info in archive.infolist()
            if not info.is_dir()
            and info.filename.lower().endswith(_STRUCTURED_SUFFIXES)
            and not any(part.startswith((".", "__MACOSX")) for part in info.filename.split("/"))
        ),
        key=lambda info: info.filename,
    )
    if not members:
        raise ImportFileError("The ZIP holds no YAML or JSON file (one per signatory, or a list).")
    if len(members) > ZIP_MAX_FILES:
        raise ImportFileError(f"The ZIP holds {len(members):,} files; at most {ZIP_MAX_FILES:,}.")
    if sum(info.file_size for info in members) > ZIP_MAX_TOTAL_BYTES:
        raise ImportFileError(f"The ZIP unpacks to more than {ZIP_MAX_TOTAL_BYTES // 2**20} MB.")
    rows: list[RawRow] = []
    unknown: set[str] = set()
    for info in members:
        if info.file_size > ZIP_MAX_MEMBER_BYTES:
            raise ImportFileError(
                f"{info.filename} is larger than {ZIP_MAX_MEMBER_BYTES // 2**20} MB."
            )
        text = decode(archive.read(info))
        if info.filename.lower().endswith(".json"):
            try:
                documents = [json.loads(text)]
            except json.JSONDecodeError as error:
                raise ImportFileError(
                    f"{info.filename}: the JSON cannot be read ({error.msg})."
                ) from error
        else:
            documents = _load_yaml(text, info.filename)
        records = [record for doc in documents for record in _records(doc, info.filename)]
        found, keys = rows_from_records(records, len(rows) + 1, origin=info.filename)
        rows += found
        unknown |= keys
    return _result(rows, unknown, "ZIP")
