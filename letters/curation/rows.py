"""One row of an import: what was read, checked, matched, chosen and done with it.

A row is plain data (`ImportRow`) kept as JSON on its `SignatoryImport` between the
preview and the confirmation, and afterwards as the import's report.
"""

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

from .reading import clean_text, is_placeholder

NAME_MAX_LENGTH = Signature._meta.get_field("published_name").max_length
ROLE_MAX_LENGTH = Signature._meta.get_field("role").max_length
COUNTRY_MAX_LENGTH = Signature._meta.get_field("country").max_length

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


def _optional(value) -> str:
    text = clean_text(value)
    return "" if is_placeholder(text) else text
