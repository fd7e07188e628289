"""One row of an import: what was read, checked, matched, chosen and done with it.

A row is plain data (`ImportRow`) kept as JSON, a table row each (`SignatoryImportRow`,
letters/curation/import_rows.py), between the preview and the confirmation, and
afterwards as the import's report. `check_rows` turns raw rows into checked ones: every
problem is a reason on the row, never an exception.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Field

from letters.lib.countries import UnknownCountry, country_code
from letters.lib.names import invisible_name_reason, is_invisible_name
from letters.lib.partial_dates import numeric_day_order, parse_written_date
from letters.lib.spreadsheets import starts_like_formula
from letters.lib.text import normalise, website_domain
from letters.models import (
    PUBLIC_STATUSES,
    ImportOutcome,
    ImportRowStatus,
    OrganisationKind,
    Signature,
    SignatureStatus,
    SignerKind,
)

from .columns import RawRow
from .names import guess_kind
from .reading import clean_text, is_placeholder


def _max_length(field: "Field[Any, Any]") -> int:
    """The longest text a column holds, so that an import never overflows it."""
    assert field.max_length is not None, f"{field} has no max_length"
    return field.max_length


NAME_MAX_LENGTH = _max_length(Signature._meta.get_field("published_name"))
ROLE_MAX_LENGTH = _max_length(Signature._meta.get_field("role"))
# Longer than any real cell: a cell past this is a broken file, named by its line.
CELL_MAX_LENGTH = 5000
URL_MAX_LENGTH = 500

# How lists say which kind of signer a row is.
KIND_VALUES = {
    **dict.fromkeys(
        ("organisation", "organisations", "organization", "organizations", "org", "group"),
        SignerKind.ORGANISATION,
    ),
    **dict.fromkeys(
        ("individual", "individuals", "person", "people", "signatory", "private"),
        SignerKind.INDIVIDUAL,
    ),
}
# Statuses a list may give (the site's own downloads do): the public ones.
STATUS_VALUES = {str(status): str(status) for status in PUBLIC_STATUSES}
TRUE_VALUES = {"true", "yes", "1", "y", "x"}
# Domains that many unrelated people's addresses share: no evidence of who they are.
SHARED_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "posteo.de",
        "gmx.de",
        "gmx.net",
        "web.de",
        "aol.com",
        "mail.ru",
        "yandex.ru",
        "fastmail.com",
        "tutanota.com",
        "hey.com",
    ]
)
# A link to a record on this site, as the downloads give it (`canonical_url`).
_RECORD_PATH = re.compile(r"^/(?P<section>organisations|people)/(?P<slug>[-\w]+)/?$")

# What a row is at the preview, and what confirming did with it (kept on the import).
RowStatus = ImportRowStatus
Outcome = ImportOutcome

# The choice a curator makes per row, stored in the row: NEW, SKIP, a record's id, or
# AS_ORGANISATION + an organisation's id (an individual row signed as the organisation).
NEW = "new"
SKIP = "skip"
UNDECIDED = ""
AS_ORGANISATION = "organisation:"
# The statuses that wait for a curator (or the command's --close policy) to choose.
TO_CHECK = (RowStatus.SAME_NAME, RowStatus.CLOSE, RowStatus.ORGANISATION)


class Candidate(TypedDict):
    """A record offered for a row, with the evidence that it is the row's signer."""

    id: int
    name: str
    kind: str  # a SignerKind (an organisation offered for an individual row)
    basis: str  # an IdentityBasis, or "" for a name or a close name only
    evidence: str


class ImportRow(TypedDict):
    """One row of an import, as kept in `SignatoryImportRow.data`."""

    # Read and checked (`check_rows`).
    line: int
    origin: str
    name: str
    kind: str  # a SignerKind
    kind_reason: str
    organisation_kind: str  # an OrganisationKind
    country: str  # an ISO 3166-1 alpha-2 code
    country_is_inferred: bool
    role: str
    first_listed: str
    position: int | None
    note: str
    url: str
    email_domain: str
    record_slug: str
    signature_status: str  # a public SignatureStatus
    withdrawn_on: str
    withdrawal_reason: str
    source_urls: list[str]
    warnings: list[str]
    # What makes the row invalid, by the field at fault ("name", "country", …).
    problems: dict[str, str]
    # Found at the preview (letters/curation/matching.py): a RowStatus, or "" until then.
    status: str
    reason: str
    candidates: list[Candidate]
    choice: str  # NEW, SKIP, UNDECIDED, a record's id, or AS_ORGANISATION + id
    chosen_by_curator: bool
    # Done at the confirmation (letters/curation/writing.py).
    outcome: NotRequired[str]  # an Outcome
    outcome_reason: NotRequired[str]
    signer: NotRequired[list[int | str]]  # [id, name]
    confirm_note: NotRequired[str]


@dataclass(frozen=True)
class ImportDefaults:
    """What rows that do not say take from the import."""

    kind: str = SignerKind.ORGANISATION
    first_listed: str = ""


def url_key(url: str) -> str:
    """How two addresses of one profile compare: host without 'www.', path without its
    trailing slash, case folded ('https://www.GitHub.com/Alex/' → 'github.com/alex')."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower() if host else ""


def is_profile_url(url: str) -> bool:
    """An address of one person or page (it has a path), not a whole site's home page,
    which colleagues share."""
    return "/" in url_key(url)


def _web_address(text: str) -> str:
    """A checked web address ('github.com/alex' is https://github.com/alex), or ''."""
    if not text or " " in text:
        return ""
    address = text if "://" in text else f"https://{text.lstrip('/')}"
    try:
        URLValidator(schemes=["http", "https"])(address)
    except ValidationError:
        return ""
    return address if len(address) <= URL_MAX_LENGTH else ""


def record_slug(url: str) -> tuple[str, str] | None:
    """(kind, slug) of a record's page on this site, from a download's canonical_url."""
    match = _RECORD_PATH.match(urlsplit(url).path)
    if not match:
        return None
    kind = SignerKind.ORGANISATION if match["section"] == "organisations" else SignerKind.INDIVIDUAL
    return kind, match["slug"]


def _sentence(problems: list[str]) -> str:
    text = "; ".join(problems)
    return text[0].upper() + text[1:] + "."


def _optional(value: str | None) -> str:
    text = clean_text(value)
    return "" if is_placeholder(text) else text


def _name(raw: RawRow) -> str:
    name = clean_text(raw.get("name"))
    if not name and (raw.get("first_name") or raw.get("last_name")):
        name = " ".join(clean_text(raw.get(part)) for part in ("first_name", "last_name"))
    return " ".join(name.split())


def check_rows(
    raws: Sequence[RawRow], defaults: ImportDefaults, day_order: str | None = None
) -> list[ImportRow]:
    """Every raw row checked. Numeric dates are read day or month first as the whole
    column shows (a list writes them one way): `day_order`, when the rows are a chunk
    of the list, is the whole column's."""
    if day_order is None:
        day_order = numeric_day_order(clean_text(raw.get("first_listed")) for raw in raws)
    return [check_row(raw, defaults, day_order) for raw in raws]


def check_row(raw: RawRow, defaults: ImportDefaults, day_order: str) -> ImportRow:
    """The row's fields, cleaned, with `reason` set when the row cannot be imported."""
    problems: dict[str, str] = {}
    warnings: list[str] = []
    for column, value in raw.items():
        if isinstance(value, str) and len(value) > CELL_MAX_LENGTH:
            problems["cell"] = (
                f"the {column.replace('_', ' ')} cell is {len(value):,} characters long "
                f"(at most {CELL_MAX_LENGTH:,}; is the file broken here)"
            )
    if problems:
        raw = {"line": raw["line"], "origin": raw.get("origin", ""), "name": ""}
    name = _name(raw)
    row: ImportRow = {
        "line": raw["line"],
        "origin": raw.get("origin", ""),
        "name": name,
        "kind": defaults.kind,
        "kind_reason": "the import's default",
        "organisation_kind": OrganisationKind.OTHER,
        "country": "",
        "country_is_inferred": normalise(raw.get("country_is_inferred")) in TRUE_VALUES,
        "role": _optional(raw.get("role")),
        "first_listed": defaults.first_listed,
        "position": None,
        "note": _optional(raw.get("note")),
        "url": "",
        "email_domain": "",
        "record_slug": "",
        "signature_status": SignatureStatus.REPORTED,
        "withdrawn_on": "",
        "withdrawal_reason": _optional(raw.get("withdrawal_reason")),
        "source_urls": [],
        "warnings": warnings,
        "problems": problems,
        "status": "",
        "reason": "",
        "candidates": [],
        "choice": SKIP,
        "chosen_by_curator": False,
    }
    if "cell" not in problems:
        _check_name(row)
    _check_kind(row, clean_text(raw.get("kind")), bool(raw.get("affiliation_given")))
    _check_country(row, clean_text(raw.get("country")))
    if len(row["role"]) > ROLE_MAX_LENGTH:
        row["problems"]["role"] = f"the role is longer than {ROLE_MAX_LENGTH} characters"
    _check_dates(row, raw, day_order)
    _check_links(row, raw, warnings)
    _check_status_and_position(row, raw)
    update_validity(row)
    return row


def update_validity(row: ImportRow) -> None:
    """The row is invalid while it has a problem; otherwise it waits to be matched."""
    if row["problems"]:
        row["status"], row["reason"] = RowStatus.INVALID, _sentence(list(row["problems"].values()))
        row["choice"], row["candidates"] = SKIP, []
    elif row["status"] == RowStatus.INVALID:
        row["status"], row["reason"] = "", ""


def edit_row(
    row: ImportRow, *, name: str | None = None, kind: str | None = None, country: str | None = None
) -> bool:
    """A curator's correction of a row's name, kind or country, checked as a file's would
    be; True when anything changed (the rows are then matched again)."""
    changed = False
    if name is not None and clean_text(name) != row["name"]:
        row["name"] = clean_text(name)
        row["problems"].pop("cell", None)
        _check_name(row)
        changed = True
    if kind is not None and kind in SignerKind.values and kind != row["kind"]:
        set_kind(row, kind, "set by the curator")
        row["problems"].pop("kind", None)
        changed = True
    if country is not None and country.strip() != row["country"]:
        row["country"] = ""
        _check_country(row, clean_text(country))
        changed = True
    if changed:
        row["chosen_by_curator"] = False
        update_validity(row)
    return changed


def _check_name(row: ImportRow) -> None:
    name, problems = row["name"], row["problems"]
    problems.pop("name", None)
    if not name:
        problems["name"] = "no name"
    elif is_invisible_name(name):
        problems["name"] = invisible_name_reason(name).rstrip(".").lower()
    elif is_placeholder(name):
        problems["name"] = f"'{name}' is a placeholder, not a name"
    elif starts_like_formula(name):
        problems["name"] = "the name starts like a spreadsheet formula (=, +, - or @)"
    elif len(name) > NAME_MAX_LENGTH:
        problems["name"] = f"the name is longer than {NAME_MAX_LENGTH} characters"


def set_kind(row: ImportRow, kind: str, reason: str, organisation_kind: str = "") -> None:
    row["kind"], row["kind_reason"] = kind, reason
    row["organisation_kind"] = organisation_kind or OrganisationKind.OTHER


def _check_kind(row: ImportRow, text: str, affiliation_given: bool) -> None:
    """The row's kind: its own column, else a guess from its name, else the default."""
    kind = normalise(text)
    if kind in KIND_VALUES:
        set_kind(row, KIND_VALUES[kind], "the kind column")
    elif kind and kind.replace(" ", "_") in OrganisationKind.values:
        set_kind(row, SignerKind.ORGANISATION, "the kind column", kind.replace(" ", "_"))
    elif kind:
        row["problems"]["kind"] = f"unknown kind '{text}' (organisation or individual)"
    else:
        guessed = guess_kind(row["name"], row["role"] if affiliation_given else "")
        if guessed:
            set_kind(row, guessed[0], guessed[2], guessed[1])


def _check_country(row: ImportRow, text: str) -> None:
    row["problems"].pop("country", None)
    if is_placeholder(text):
        return
    try:
        row["country"] = country_code(text)
    except UnknownCountry as error:
        row["problems"]["country"] = str(error)


def _check_dates(row: ImportRow, raw: RawRow, day_order: str) -> None:
    for column in ("first_listed", "withdrawn_on"):
        text = clean_text(raw.get(column))
        if not text or is_placeholder(text):
            continue
        try:
            row[column] = parse_written_date(text, day_order)
        except ValueError as error:
            row["problems"][column] = f"{column.replace('_', ' ')}: {error}"


def _check_links(row: ImportRow, raw: RawRow, warnings: list[str]) -> None:
    text = clean_text(raw.get("url"))
    row["url"] = _web_address(text)
    if text and not row["url"]:
        warnings.append(f"'{text[:60]}' is not a web address: left aside")
    email = clean_text(raw.get("email"))
    if email:
        # Only the domain is kept: an address is private, its domain is evidence.
        domain = email.rpartition("@")[2].lower() if "@" in email else ""
        if domain and "." in domain:
            row["email_domain"] = domain
        else:
            warnings.append("the email address is not one: left aside")
    found = record_slug(clean_text(raw.get("record_url")))
    if found and found[0] == row["kind"]:
        row["record_slug"] = found[1]
    sources = [_web_address(url) for url in clean_text(raw.get("source_urls")).split()]
    row["source_urls"] = [url for url in dict.fromkeys(sources) if url]


def _check_status_and_position(row: ImportRow, raw: RawRow) -> None:
    problems = row["problems"]
    status = normalise(clean_text(raw.get("status")))
    if status in STATUS_VALUES:
        row["signature_status"] = STATUS_VALUES[status]
    elif status:
        allowed = ", ".join(STATUS_VALUES)
        problems["status"] = f"status '{clean_text(raw.get('status'))}' is not one of: {allowed}"
    withdrawn = row["signature_status"] == SignatureStatus.WITHDRAWN
    if not withdrawn and (row["withdrawn_on"] or row["withdrawal_reason"]):
        problems["withdrawal"] = "a withdrawal date or reason, but the status is not 'withdrawn'"
    position = clean_text(raw.get("position"))
    if position:
        if position.isdigit() and int(position) > 0:
            row["position"] = int(position)
        else:
            problems["position"] = f"position '{position}' is not a whole number"


def organisation_domain(row: ImportRow) -> str:
    """The row's email domain when it can be evidence (not a shared mail service)."""
    domain = row["email_domain"]
    return "" if domain in SHARED_MAIL_DOMAINS else website_domain(domain)
