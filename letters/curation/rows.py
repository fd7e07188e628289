"""One row of an import: what was read, checked, matched, chosen and done with it.

A row is plain data (`ImportRow`) kept as JSON on its `SignatoryImport` between the
preview and the confirmation, and afterwards as the import's report.
"""

from typing import Any, NotRequired, TypedDict

from django.db.models import Field

from letters.lib.partial_dates import parse_partial_date
from letters.lib.spreadsheets import starts_like_formula
from letters.lib.text import normalise
from letters.models import (
    ImportOutcome,
    ImportRowStatus,
    OrganisationKind,
    Signature,
    SignerKind,
)

from .reading import RawRow, clean_text, is_placeholder


def _max_length(field: "Field[Any, Any]") -> int:
    """The longest text a column holds, so that an import never overflows it."""
    assert field.max_length is not None, f"{field} has no max_length"
    return field.max_length


NAME_MAX_LENGTH = _max_length(Signature._meta.get_field("published_name"))
ROLE_MAX_LENGTH = _max_length(Signature._meta.get_field("role"))
COUNTRY_MAX_LENGTH = _max_length(Signature._meta.get_field("country"))

# How lists say which kind of signer a row is.
KIND_VALUES = {
    **dict.fromkeys(
        ("organisation", "organisations", "organization", "organizations", "org", "group"),
        SignerKind.ORGANISATION,
    ),
    **dict.fromkeys(("individual", "individuals", "person", "people"), SignerKind.INDIVIDUAL),
}


# What a row is at the preview, and what confirming did with it (kept on the import).
RowStatus = ImportRowStatus
Outcome = ImportOutcome

# The choice a curator makes per row, stored in the row as "new", "skip" or a record's id.
NEW = "new"
SKIP = "skip"

# An organisation or a person offered for a row: [id, name], a list as JSON keeps it.
SignerLabel = list[int | str]


class ImportRow(TypedDict):
    """One row of an import, as kept on `SignatoryImport.rows`."""

    # Read and checked (`check_row`).
    line: int
    name: str
    kind: str  # a SignerKind
    organisation_kind: str  # an OrganisationKind
    country: str
    role: str
    first_listed: str
    position: int | None
    note: str
    # Found at the preview (letters/curation/matching.py): a RowStatus, or "" until then.
    status: str
    reason: str
    match: SignerLabel | None
    candidates: list[SignerLabel]
    choice: str  # NEW, SKIP or a record's id
    # Done at the confirmation (letters/curation/writing.py).
    outcome: NotRequired[str]  # an Outcome
    outcome_reason: NotRequired[str]
    signer: NotRequired[SignerLabel]
    confirm_note: NotRequired[str]


def check_row(raw: RawRow, default_kind: str, default_first_listed: str) -> ImportRow:
    """The row's fields, cleaned, with `reason` set when the row cannot be imported."""
    row: ImportRow = {
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
    elif starts_like_formula(name):
        problems.append("the name starts like a spreadsheet formula (=, +, - or @)")
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


def _optional(value: str | None) -> str:
    text = clean_text(value)
    return "" if is_placeholder(text) else text
