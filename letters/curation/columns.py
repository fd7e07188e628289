"""The columns a signatory list may have, however it spells them, and a row as read.

One table for every format: a CSV or XLSX header, the keys of a JSON object, the fields
of a YAML file. The site's own downloads (letters/opendata/downloads.py) use names from
it, so that a download imports back as it was.
"""

from dataclasses import dataclass, field
from typing import Literal, Required, TypedDict

from letters.lib.text import normalise


class ImportFileError(ValueError):
    """The file cannot be read as a signatory list at all (as opposed to a bad row)."""


Column = Literal[
    "name",
    "first_name",
    "last_name",
    "kind",
    "country",
    "country_is_inferred",
    "role",
    "first_listed",
    "position",
    "note",
    "url",
    "email",
    "status",
    "withdrawn_on",
    "withdrawal_reason",
    "record_url",
    "source_urls",
]


class RawRow(TypedDict, total=False):
    """A row as read: its line (or its place in a ZIP), and the text of each column it
    has. What the text means is for letters/curation/rows.py to check."""

    line: Required[int]
    origin: str  # the file of a ZIP the row came from
    name: str
    first_name: str
    last_name: str
    kind: str
    country: str
    country_is_inferred: str
    role: str
    first_listed: str
    position: str
    note: str
    url: str
    email: str
    status: str
    withdrawn_on: str
    withdrawal_reason: str
    record_url: str
    source_urls: str
    # Set by the reader: the row's affiliation came in brackets after a pasted name.
    affiliation_given: str


@dataclass
class ReadResult:
    """A list as read: its rows, and what the curator should know of how it was read
    (a column left aside, a title row)."""

    rows: list[RawRow]
    notices: list[str] = field(default_factory=list)
    file_format: str = ""


# Spellings of each column, compared after normalise() with "_" and "-" read as spaces.
COLUMNS: dict[Column, set[str]] = {
    "name": {
        "name",
        "names",
        "full name",
        "published name",
        "display name",
        "signatory",
        "signatories",
        "signatory name",
        "signer",
        "signed by",
        "organisation name",
        "organization name",
    },
    "first_name": {"first name", "given name", "forename", "first names"},
    "last_name": {"last name", "surname", "family name"},
    "kind": {"kind", "type", "signatory type", "signer type", "signatory kind", "category"},
    "country": {"country", "countries", "nation", "country/region", "country code", "location"},
    "country_is_inferred": {"country is inferred", "country inferred"},
    "role": {
        "role",
        "affiliation",
        "affiliations",
        "title",
        "job title",
        "position title",
        "capacity",
        "organisation",
        "organization",
        "company",
        "employer",
        "institution",
    },
    "first_listed": {
        "first listed",
        "date",
        "date listed",
        "listed on",
        "date signed",
        "signed on",
        "signed at",
        "signed",
        "timestamp",
        "created",
        "created at",
    },
    "position": {"position", "number", "no", "no.", "#", "order", "rank"},
    "note": {"note", "notes", "comment", "comments", "remark"},
    "url": {
        "url",
        "website",
        "web",
        "site",
        "homepage",
        "home page",
        "link",
        "profile",
        "profile url",
        "github",
        "github profile",
        "twitter",
        "mastodon",
    },
    "email": {"email", "e mail", "email address", "mail"},
    "status": {"status", "signature status"},
    "withdrawn_on": {"withdrawn on", "withdrawn", "withdrawal date"},
    "withdrawal_reason": {"withdrawal reason", "reason withdrawn"},
    "record_url": {"canonical url", "record url"},
    "source_urls": {"source urls", "sources", "source url", "source"},
}
# Titles known but not read: what the site's own downloads add beside what it imports.
IGNORED_TITLES = {"id", "canonical name", "canonical slug", "list rank", "letter"}
# The columns named in messages, in the order curators read them.
COLUMN_TITLES = ["name", "kind", "country", "role", "date", "position", "note", "url", "email"]

_TITLES: dict[str, Column] = {
    spelling: column for column, spellings in COLUMNS.items() for spelling in spellings
}


def _title_key(title: str) -> str:
    return " ".join(normalise(title).replace("_", " ").replace("-", " ").split())


def column_for(title: str) -> Column | None:
    """The column a header title (or a JSON or YAML key) names, if we know it."""
    return _TITLES.get(_title_key(title))


def is_ignored_title(title: str) -> bool:
    """A title we know and deliberately leave aside (the downloads' own ids and slugs)."""
    return _title_key(title) in IGNORED_TITLES
