"""One row of an import: what was read, checked, matched, chosen and done with it.

A row is plain data (`ImportRow`) kept as JSON on its `SignatoryImport` between the
preview and the confirmation, and afterwards as the import's report.
"""

from django.db import models

from letters.lib.partial_dates import parse_partial_date
from letters.lib.spreadsheets import starts_like_formula
from letters.lib.text import normalise
from letters.models import OrganisationKind, Signature, SignerKind

from .reading import clean_text, is_placeholder

NAME_MAX_LENGTH = Signature._meta.get_field("published_name").max_length
ROLE_MAX_LENGTH = Signature._meta.get_field("role").max_length
COUNTRY_MAX_LENGTH = Signature._meta.get_field("country").max_length

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
