"""Build the demo fixture `fixtures/encryption_debate.json` from the shared letter data.

    manage.py build_fixtures [--data DIR] [--output PATH]

Reads every `*.json` file in `SHARED_DATA_DIR/letters` (one open letter per file; the
fields are described in `shared/data/README.md`) and writes one Django JSON fixture.
The fixture has no primary keys: every object and every reference is written with its
natural key, so `loaddata` works on a database that already holds data, and loading it
a second time changes nothing.

Nothing is invented. Every name, date, quote and URL comes from the data, and `null`
in the data stays empty. The only editorial input is the curation tables below, which
say what the data cannot say by itself:

- `ORGANISATION_CANONICAL` maps a published organisation name to the one organisation
  it names ("5 Rights" -> "5Rights Foundation"). A signatory's `name_normalized` does
  the same for its row. Every published name that differs from the canonical name,
  and every `name_variants` entry, becomes an `OrganisationAlias`.
  `ORGANISATION_EXTRA_ALIASES` adds names that the data spells out only inside another
  string, and `NOT_ALIASES` lists names that point to an organisation without being a
  name of it.
- `PERSON_CANONICAL` does the same for people ("William Barr" -> "William P. Barr").
- `ORGANISER_PEOPLE`, `UNLINKED_ORGANISERS`, `ORGANISATION_ENDORSERS` and
  `NON_PERSON_ADDRESSEES` say which organisers, endorsers and addressees are people,
  organisations or neither.
- `ORGANISATION_KINDS` classifies the organisations that the rules in
  `organisation_kind()` would get wrong or could not decide.
- `OFFICIAL_HOST_MARKERS`, `NEWS_HOSTS` and `COPY_OUTLET_WORDS` classify sources.

Every field of every model is written, defaults included, and so are the derived
columns (`Letter.listed_count` and `public_count`, `Signature.list_rank`, `search_text`,
alias `normalised_name`) computed as
`letters/signals.py` computes them, so that a reload is a no-op. If a model gains or
loses a field, the build stops and says so rather than writing a fixture that would
drift. Objects come in dependency order (sources, organisations, people, letters, each
letter after the one it answers, then the rows that hang off letters).

The output is deterministic: files are read in name order, rows keep the order of the
data, shared objects (sources, organisations, people, aliases) are sorted, and
`Signature.entered_at` is the fixed `ENTERED_AT` rather than the time of the build.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from letters.models import (
    EndorsementStance,
    OrganisationKind,
    OutcomeKind,
    Side,
    SignatureStatus,
    SourceKind,
    Visibility,
)
from letters.partial_dates import format_partial_date, parse_partial_date
from letters.text import normalise

# The date the demo data was compiled. It stands in for "when we recorded it" so that
# building the fixture twice gives the same file.
ENTERED_AT = "2026-11-29T00:00:00Z"

DEFAULT_OUTPUT = "fixtures/encryption_debate.json"

# Every letter in the shared data belongs to this one debate (shared/data/README.md).
DEBATE_TOPIC = {
    "slug": "end-to-end-encryption-debate",
    "name": "The end-to-end encryption debate",
    "description": (
        "Letters for and against end-to-end encryption of messages and stored data, weighing "
        "privacy and security against child safety and lawful access."
    ),
}

# ---------------------------------------------------------------------------
# Curation tables
# ---------------------------------------------------------------------------

# Published organisation name -> canonical name. Canonical names are names the data
# itself uses, never ones we made up.
ORGANISATION_CANONICAL = {
    "5 Rights": "5Rights Foundation",
    "NSPCC (National Society for the Prevention of Cruelty to Children)": "NSPCC",
    "Center for Democracy & Technology (CDT)": "Center for Democracy & Technology",
    "ACLU": "American Civil Liberties Union",
    "Electronic Frontier Foundation (EFF)": "Electronic Frontier Foundation",
    "Derechos Digitales, América Latina": "Derechos Digitales",
    "The Canadian Centre for Child Protection": "Canadian Centre for Child Protection",
    "Canadian Centre for Child Protection (C3P)": "Canadian Centre for Child Protection",
    "National Center for Missing & Exploited Children (NCMEC)": (
        "National Center for Missing & Exploited Children"
    ),
    "National Police Chiefs’ Council (NPCC)": "National Police Chiefs’ Council",
    "Global Encryption Coalition (members)": "Global Encryption Coalition",
    "Australian Government": "Government of Australia",
    "Apple, Inc.": "Apple Inc.",
    "Apple": "Apple Inc.",
    # Facebook stays a separate record: letters of 2019-2020 address "Facebook", and
    # showing them as addressed to "Meta" would rewrite history.
    "Meta": "Meta Platforms",
    "Meta (Facebook)": "Meta Platforms",
}

# Names the data spells out only inside another published name, e.g. the organiser
# "NSPCC (National Society for the Prevention of Cruelty to Children)".
ORGANISATION_EXTRA_ALIASES = {
    "NSPCC": ["National Society for the Prevention of Cruelty to Children"],
}

# Published names that point to an organisation but are not a name of it.
NOT_ALIASES = {"Global Encryption Coalition (members)"}

# Published person name -> canonical name.
PERSON_CANONICAL = {
    "William Barr": "William P. Barr",
    "Kevin McAleenan": "Kevin K. McAleenan",
}

# Organisers are organisations unless listed here.
ORGANISER_PEOPLE = {"Nadim Kobeissi", "Georgio Nicolas", "Sergio Nicolas", "Sarah Gardner"}
# An anonymous survivor: shown by name, linked to no record.
UNLINKED_ORGANISERS = {'survivor "Frida"'}

# Endorsers are people unless listed here.
ORGANISATION_ENDORSERS = {"National Police Chiefs’ Council (NPCC)"}

# Addressees that are a group or an organisation, not a person.
NON_PERSON_ADDRESSEES = {
    "The technology industry",
    "Technology companies",
    "Social media companies",
    "Companies with online messaging platforms",
    "Members of the US Senate Judiciary Committee",
    "Apple Inc.",
    "Meta",
}

# Kinds the rules in organisation_kind() would get wrong or cannot tell.
ORGANISATION_KINDS = {
    "Apple Inc.": OrganisationKind.COMPANY,
    "Facebook": OrganisationKind.COMPANY,
    "Meta Platforms": OrganisationKind.COMPANY,
    "Snap": OrganisationKind.COMPANY,
    "SafeToNet": OrganisationKind.COMPANY,
    "MacDailyNews": OrganisationKind.MEDIA,
    "Global Encryption Coalition": OrganisationKind.COALITION,
    "National Police Chiefs’ Council": OrganisationKind.LAW_ENFORCEMENT,
    "US DHS": OrganisationKind.GOVERNMENT,
    "United States Senate": OrganisationKind.GOVERNMENT,
    # A non-profit despite the "Inc.".
    "Restore The Fourth, Inc.": OrganisationKind.NGO,
    "D64 - Zentrum für Digitalen Fortschritt (Centre for Digital Progress)": (OrganisationKind.NGO),
    "Digital Society Switzerland": OrganisationKind.NGO,
    "Samuelson-Glushko Canadian Internet Policy & Public Interest Clinic (CIPPIC)": (
        OrganisationKind.ACADEMIC
    ),
    "Centro de Ensino e Pesquisa em Inovação (CEPI), FGV Direito SP, Brasil": (
        OrganisationKind.ACADEMIC
    ),
    # A trade association, a professional society's committee, a domain registry.
    "ACT | The App Association": OrganisationKind.OTHER,
    "ACM US Technology Policy Committee": OrganisationKind.OTHER,
    "Canadian Internet Registration Authority": OrganisationKind.OTHER,
}
GOVERNMENT_PREFIXES = ("Government of",)
GOVERNMENT_SUFFIXES = ("Home Office", "Department of Justice", "Government")
COMPANY_LEGAL_FORM = re.compile(r"\b(LLC|GmbH|Ltd|Inc|UG|A/S)\b")
ACADEMIC_WORDS = ("Universidad", "Universidade", "University")
NGO_WORDS = ("Foundation", "e. V.")
# Letters whose signatory list mixes companies, software projects and NGOs, so that
# signing one says nothing about what kind of organisation the signer is. Signers of
# the other letters are civil-society or child-protection groups unless a rule or the
# table above says otherwise.
MIXED_SIGNATORY_LETTERS = {"2021-08-06_apple-privacy-letter"}

OFFICIAL_HOST_MARKERS = ("gov.uk", "justice.gov", "securitepublique", "publicsafety", "nsicop")
# News sites cited for a quote or a fact without being listed as coverage.
NEWS_HOSTS = {
    "androidcentral.com",
    "citylife.capetown",
    "livenewsclub.com",
    "staging.medianama.com",
    "www.risk-uk.com",
}
# A coverage outlet described with one of these words is a copy of another outlet's
# story: "The New York Times (syndicated via ...)", "Associated Press (via Truthdig)".
COPY_OUTLET_WORDS = re.compile(r"\b(syndicated|republished|via)\b", re.IGNORECASE)

COUNTRY_NAMES = {"the United Kingdom": "United Kingdom", "the United States": "United States"}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def partial_date(value: str | None) -> str | None:
    """The data's partial ISO date, checked, or None when unknown."""
    if not value:
        return None
    try:
        parse_partial_date(value)
    except ValueError as error:
        raise CommandError(str(error)) from error
    return value


def unique(values) -> list:
    """Drop empty values and repeats, keeping the first occurrence."""
    return list(dict.fromkeys(value for value in values if value))


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def normalise_country(country: str | None) -> str:
    return COUNTRY_NAMES.get(country, country) if country else ""


def is_inferred(row: dict) -> bool:
    return "inferred" in (row.get("country_basis") or "")


def stated_country(row: dict) -> str:
    """The row's country if a source states it; never an inference or a region."""
    country = normalise_country(row.get("country"))
    if not country or is_inferred(row) or "(region)" in country:
        return ""
    return country


def letter_side(stance: str) -> str:
    if stance.startswith("for"):
        return Side.FOR
    if stance.startswith("against"):
        return Side.AGAINST
    return Side.MIXED


def leading_number(text: str) -> int | None:
    """50 for '50+', 5000 for 'about 5,000'."""
    match = re.search(r"\d[\d,]*", text)
    return int(match.group().replace(",", "")) if match else None


def search_text(names) -> str:
    """The same string letters/signals.py stores: normalised names, deduplicated."""
    return " | ".join(dict.fromkeys(normalise(name) for name in names if name))


def source_key(url: str | None) -> list[str] | None:
    return [url] if url else None


def letter_key(slug: str | None) -> list[str] | None:
    return [slug] if slug else None


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------


@dataclass
class SourceRecord:
    url: str
    outlet: str = ""
    headline: str = ""
    headline_is_rebuilt: bool = False
    date: str | None = None
    authors: str = ""
    note: str = ""
    is_copy: bool = False
    is_document: bool = False
    is_coverage: bool = False
    copy_of: str = ""

    def fill(self, **facts) -> None:
        """Set the facts still unknown; an earlier (preferred) mention keeps its own."""
        for name, value in facts.items():
            if value and not getattr(self, name):
                setattr(self, name, value)


class Sources:
    """One record per distinct URL in the data, with what each mention says about it."""

    def __init__(self):
        self.records: dict[str, SourceRecord] = {}

    def mention(self, url: str) -> SourceRecord:
        return self.records.setdefault(url, SourceRecord(url))

    def date_of(self, url: str) -> str | None:
        return self.records[url].date

    def add_coverage(self, entry: dict) -> None:
        record = self.mention(entry["url"])
        record.is_coverage = True
        if not record.headline:
            # A headline rebuilt from the URL is marked so, never passed off as read.
            record.headline = entry.get("headline") or entry.get("headline_from_url_slug") or ""
            record.headline_is_rebuilt = not entry.get("headline") and bool(record.headline)
        record.fill(
            outlet=entry.get("outlet") or "",
            date=partial_date(entry.get("date")),
            authors=", ".join(entry.get("authors") or []) or entry.get("author") or "",
            note=entry.get("note") or entry.get("headline_note") or "",
            is_copy=bool(COPY_OUTLET_WORDS.search(entry.get("outlet") or "")),
        )
        if entry.get("url_mirror"):
            self.add_mirror(entry["url_mirror"], entry["url"])

    def add_mirror(self, url: str, original: str) -> None:
        self.mention(original)
        self.mention(url).fill(is_copy=True, copy_of=original, note=f"Copy of {original}")

    def add_statement(self, statement: dict) -> None:
        self.mention(statement["source_url"]).fill(
            outlet=statement.get("by") or "",
            headline=statement.get("title") or "",
            date=partial_date(statement.get("date")),
        )

    def kind(self, record: SourceRecord) -> str:
        if record.copy_of:
            # A mirror is the same kind of page as the one it copies.
            return self.kind(self.records[record.copy_of])
        if record.is_document:
            return SourceKind.LETTER
        host = urlsplit(record.url).hostname or ""
        path = urlsplit(record.url).path
        if host == "github.com":
            return SourceKind.REPOSITORY
        if "/press" in path or "press-release" in path:
            return SourceKind.PRESS_RELEASE
        if any(marker in host for marker in OFFICIAL_HOST_MARKERS):
            return SourceKind.OFFICIAL
        # Some coverage outlets say what they are: "John Carr (blog)", "CDT (press release)".
        outlet = record.outlet.lower()
        if "press release" in outlet:
            return SourceKind.PRESS_RELEASE
        if "blog" in outlet:
            return SourceKind.BLOG
        if record.is_coverage or host in NEWS_HOSTS:
            return SourceKind.NEWS
        # What is left are signatories' and organisers' own pages.
        return SourceKind.BLOG

    def rows(self) -> list[tuple[str, dict]]:
        return [
            (
                "source",
                {
                    "url": record.url,
                    "outlet": record.outlet,
                    "headline": record.headline,
                    "headline_is_rebuilt": record.headline_is_rebuilt,
                    "date": record.date,
                    "kind": self.kind(record),
                    "is_copy": record.is_copy,
                    "authors": record.authors,
                    "note": record.note,
                    "archived_url": "",
                    # Written by `manage.py check_source_links`, never by the fixture.
                    "link_checked_at": None,
                    "link_status": None,
                    "link_error": "",
                },
            )
            for record in sorted(self.records.values(), key=lambda record: record.url)
        ]


def mentioned_urls(letter: dict) -> list[str]:
    """Every URL the letter cites as a source, except coverage, documents and mirrors."""
    urls = [
        letter.get("asks_source_url"),
        letter.get("title_source_url"),
        letter.get("date_source_url"),
        *letter.get("date_sources", []),
    ]
    for key in ("addressees", "organisers", "quotes", "endorsements", "responses"):
        urls += [item.get("source_url") for item in letter.get(key, [])]
    for key in ("reported_counts", "key_figures", "supporting_statements"):
        urls += [item.get("source_url") for item in letter.get(key, [])]
    for row in letter["signatories"]:
        urls += [row["source_url"], *row.get("also_listed_at", []), row.get("source_url_github")]
    return unique(urls)


def collect_sources(letters: list[dict]) -> Sources:
    sources = Sources()
    # Coverage first, in every file, so that its facts win over any other mention.
    for letter in letters:
        for entry in letter["coverage"]:
            sources.add_coverage(entry)
    for letter in letters:
        for url in letter_documents(letter):
            sources.mention(url).is_document = True
        for statement in letter.get("supporting_statements", []):
            sources.add_statement(statement)
        for url in mentioned_urls(letter):
            sources.mention(url)
        for item in [*letter["signatories"], *letter["endorsements"]]:
            if item.get("source_url_mirror"):
                sources.add_mirror(item["source_url_mirror"], item["source_url"])
    return sources


def letter_documents(letter: dict) -> list[str]:
    return unique([*letter.get("document_urls", []), letter.get("url")])


# ---------------------------------------------------------------------------
# Organisations and people
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class Signer:
    """An organisation or a person, and everything the data states about them."""

    name: str
    published_names: list[str] = field(default_factory=list)
    extra_aliases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    org_types: set[str] = field(default_factory=set)
    signed_letters: set[str] = field(default_factory=set)
    organised: bool = False
    slug: str = ""

    @property
    def aliases(self) -> list[str]:
        names = unique([*self.published_names, *self.extra_aliases])
        own_name = normalise(self.name)
        return sorted(
            name for name in names if normalise(name) != own_name and name not in NOT_ALIASES
        )

    @property
    def search_text(self) -> str:
        return search_text([self.name, *self.aliases])

    @property
    def website(self) -> str:
        websites = unique(self.websites)
        return websites[0] if websites else ""

    @property
    def country(self) -> str:
        # Two sources disagreeing on the country is no fact; leave it empty.
        countries = unique(self.countries)
        return countries[0] if len(countries) == 1 else ""

    def note_row(self, letter_id: str, row: dict) -> None:
        """Keep the facts a signatory row states about its signer."""
        self.countries.append(stated_country(row))
        self.websites.append(row.get("website") or "")
        self.org_types.add(row.get("org_type") or "")
        self.signed_letters.add(letter_id)


class Registry:
    """Canonical signers by name, each with every name it was published under."""

    def __init__(self, canonical: dict[str, str], extra_aliases: dict | None = None):
        self.canonical = canonical
        self.extra_aliases = extra_aliases or {}
        self.signers: dict[str, Signer] = {}

    def get(self, published_name: str, usual_name: str | None = None) -> Signer:
        name = self.canonical.get(published_name) or usual_name or published_name
        if name not in self.signers:
            self.signers[name] = Signer(name, extra_aliases=list(self.extra_aliases.get(name, [])))
        signer = self.signers[name]
        signer.published_names.append(published_name)
        return signer

    def sorted(self) -> list[Signer]:
        return sorted(self.signers.values(), key=lambda signer: signer.slug)

    def assign_slugs(self) -> None:
        taken = set()
        for signer in sorted(self.signers.values(), key=lambda signer: signer.name):
            base = slugify(signer.name)
            if not base:
                raise CommandError(f"Cannot make a slug from {signer.name!r}")
            slug, number = base, 1
            while slug in taken:
                number += 1
                slug = f"{base}-{number}"
            signer.slug = slug
            taken.add(slug)

    def check_aliases(self, label: str, data_strings: list[str]) -> None:
        # Curated aliases must be spelled somewhere in the data, never made up.
        for signer in self.signers.values():
            for alias in signer.extra_aliases:
                if not any(alias in text for text in data_strings):
                    raise CommandError(f"{label} alias {alias!r} does not occur in the data")
        # An alias must name one signer only, and never another signer's own name.
        owners = {normalise(signer.name): signer for signer in self.signers.values()}
        for signer in self.signers.values():
            for alias in signer.aliases:
                owner = owners.setdefault(normalise(alias), signer)
                if owner is not signer:
                    raise CommandError(
                        f"{label} alias {alias!r} names both {owner.name!r} and {signer.name!r}"
                    )

    def alias_rows(self, model: str, owner_field: str) -> list[tuple[str, dict]]:
        return [
            (
                model,
                {owner_field: [signer.slug], "name": alias, "normalised_name": normalise(alias)},
            )
            for signer in self.sorted()
            for alias in signer.aliases
        ]


def organisation_kind(signer: Signer) -> str:
    name = signer.name
    if name in ORGANISATION_KINDS:
        return ORGANISATION_KINDS[name]
    if (
        "government" in signer.org_types
        or name.startswith(GOVERNMENT_PREFIXES)
        or name.endswith(GOVERNMENT_SUFFIXES)
    ):
        return OrganisationKind.GOVERNMENT
    if COMPANY_LEGAL_FORM.search(name):
        return OrganisationKind.COMPANY
    if any(word in name for word in ACADEMIC_WORDS):
        return OrganisationKind.ACADEMIC
    if any(word in name for word in NGO_WORDS):
        return OrganisationKind.NGO
    if signer.organised or signer.signed_letters - MIXED_SIGNATORY_LETTERS:
        return OrganisationKind.NGO
    return OrganisationKind.OTHER


def organisation_row(signer: Signer) -> tuple[str, dict]:
    return (
        "organisation",
        {
            "name": signer.name,
            "slug": signer.slug,
            "country": signer.country,
            "kind": organisation_kind(signer),
            "website": signer.website,
            "search_text": signer.search_text,
        },
    )


def person_row(signer: Signer) -> tuple[str, dict]:
    return (
        "person",
        {
            "name": signer.name,
            "slug": signer.slug,
            "country": signer.country,
            "website": signer.website,
            "search_text": signer.search_text,
        },
    )


# ---------------------------------------------------------------------------
# Letters and the rows that hang off them
# ---------------------------------------------------------------------------


def in_answer_order(letters: list[dict]) -> list[dict]:
    """Letters by date, each after the letter it answers (a topological sort)."""
    by_id = {letter["id"]: letter for letter in letters}
    ordered, done = [], set()

    def visit(letter: dict, answering: frozenset) -> None:
        if letter["id"] in done:
            return
        if letter["id"] in answering:
            raise CommandError(f"{letter['id']} answers itself through in_response_to")
        answered = letter.get("in_response_to")
        if answered:
            if answered not in by_id:
                raise CommandError(f"{letter['id']} answers unknown letter {answered!r}")
            visit(by_id[answered], answering | {letter["id"]})
        done.add(letter["id"])
        ordered.append(letter)

    for letter in sorted(letters, key=lambda letter: (letter.get("date") or "", letter["id"])):
        visit(letter, frozenset())
    return ordered


def letter_notes(letter: dict, letters_by_id: dict) -> str:
    """The free-form extras of a letter file, as readable plain text."""
    paragraphs = []

    def listing(heading: str, lines: list[str]) -> None:
        if lines:
            paragraphs.append("\n".join([heading, *(f"- {line}" for line in lines)]))

    if letter.get("publication_title"):
        paragraphs.append(f"Published as: {letter['publication_title']}")
    listing("Title variants:", letter.get("title_variants", []))
    if letter.get("title_source_url"):
        paragraphs.append(f"Title as given at: {letter['title_source_url']}")
    listing(
        "Date sources:", unique([letter.get("date_source_url"), *letter.get("date_sources", [])])
    )
    if letter.get("addressees_note"):
        paragraphs.append(f"On the addressees: {letter['addressees_note']}")
    listing(
        "Key figures:",
        [
            f"{item['fact']} (source: {item['source_url']})"
            for item in letter.get("key_figures", [])
        ],
    )
    listing(
        "Supporting statements:",
        [
            f"{item['by']}: {item['title']} ({format_partial_date(item.get('date'))}; "
            f"source: {item['source_url']})"
            for item in letter.get("supporting_statements", [])
        ],
    )
    related = [letters_by_id.get(slug) for slug in letter.get("related_letters", [])]
    if None in related:
        raise CommandError(f"{letter['id']}: related_letters names an unknown letter")
    listing(
        "Related letters:",
        [f"{other['title']} ({format_partial_date(other['date'])})" for other in related],
    )
    if letter.get("url_note"):
        paragraphs.append(f"On the source URLs: {letter['url_note']}")
    return "\n\n".join(paragraphs)


def letter_row(letter: dict, letters_by_id: dict) -> tuple[str, dict]:
    return (
        "letter",
        {
            "slug": letter["id"],
            "title": letter["title"],
            "title_is_descriptive": bool(letter.get("title_is_descriptive")),
            "date": partial_date(letter.get("date")),
            "date_note": letter.get("date_note") or "",
            "visibility": Visibility.PUBLISHED,
            "accepts_signups": False,
            "summary": letter.get("summary") or "",
            "asks": "\n".join(letter.get("asks", [])),
            "asks_source": source_key(letter.get("asks_source_url")),
            "platforms": "\n".join(letter.get("platforms", [])),
            "side": letter_side(letter.get("stance") or ""),
            "stance": letter.get("stance") or "",
            "documents": [[url] for url in letter_documents(letter)],
            "in_response_to": letter_key(letter.get("in_response_to")),
            "coverage": [[url] for url in unique(entry["url"] for entry in letter["coverage"])],
            "signatories_note": letter.get("signatories_note") or "",
            "notes": letter_notes(letter, letters_by_id),
            "topics": [[DEBATE_TOPIC["slug"]]],
            "staff_notes": "",
            "last_reviewed_on": None,
            # Every fixture signature is "reported": all of them are public and listed.
            "listed_count": len(letter["signatories"]),
            "public_count": len(letter["signatories"]),
            "search_text": normalise(letter["title"]),  # as letters/signals.py sets it
        },
    )


def reported_count_row(slug: str, count: dict) -> tuple[str, dict]:
    text = str(count["signatories"])
    return (
        "reportedcount",
        {
            "letter": [slug],
            "signatories_text": text,
            "signatories_value": leading_number(text),
            "countries": count.get("countries"),
            "note": count.get("note") or "",
            "source": [count["source_url"]],
        },
    )


def signature_note(row: dict) -> str:
    """The row's own note, then what its extra fields say, as sentences."""
    extras = []
    if row.get("name_truncated_in_source"):
        extras.append("Name truncated in the source.")
    if row.get("flag") == "expert":
        extras.append("Signed as an expert.")
    for label, key in (("Contact person", "contact_person"), ("City", "city")):
        if row.get(key):
            extras.append(sentence(f"{label}: {row[key]}"))
    if row.get("added_later"):
        extras.append(sentence(f"Added later: {row['added_later']}"))
    note = (row.get("note") or "").strip()
    if note and extras:
        note = sentence(note)  # a lone note stays exactly as the data has it
    return " ".join(part for part in [note, *extras] if part)


def quote_row(slug: str, position: int, quote: dict) -> tuple[str, dict]:
    return (
        "quote",
        {
            "letter": [slug],
            "text": quote["text"],
            "speaker": quote["speaker"],
            "person": None,  # linked once every person is known, see link_speakers()
            "source": [quote["source_url"]],
            "position": position,
        },
    )


def response_row(slug: str, response: dict) -> tuple[str, dict]:
    return (
        "response",
        {
            "letter": [slug],
            "responder": response["by"],
            "date": partial_date(response.get("date")),
            "quote": response.get("quote") or "",
            "summary": response.get("summary") or "",
            "source": [response["source_url"]],
            # The data records answers only; policy changes and the like are curated later.
            "kind": OutcomeKind.RESPONSE,
        },
    )


# ---------------------------------------------------------------------------
# The fixture
# ---------------------------------------------------------------------------

# Everything referenced comes before what references it.
MODEL_ORDER = (
    "topic",
    "source",
    "organisation",
    "organisationalias",
    "person",
    "personalias",
    "letter",
    "reportedcount",
    "addressee",
    "organiser",
    "signature",
    "endorsement",
    "quote",
    "response",
)


class FixtureBuilder:
    def __init__(self, letters: list[dict]):
        self.letters = in_answer_order(letters)
        self.letters_by_id = {letter["id"]: letter for letter in letters}
        self.data_strings = strings_in(letters)
        self.sources = collect_sources(self.letters)
        self.organisations = Registry(ORGANISATION_CANONICAL, ORGANISATION_EXTRA_ALIASES)
        self.people = Registry(PERSON_CANONICAL)
        self.rows: dict[str, list[dict]] = {model: [] for model in MODEL_ORDER}

    def build(self) -> list[dict]:
        for letter in self.letters:
            self.add_letter(letter)
        self.organisations.assign_slugs()
        self.people.assign_slugs()
        self.organisations.check_aliases("Organisation", self.data_strings)
        self.people.check_aliases("Person", self.data_strings)
        self.link_speakers()
        shared = [
            ("topic", dict(DEBATE_TOPIC)),
            *self.sources.rows(),
            *(organisation_row(signer) for signer in self.organisations.sorted()),
            *self.organisations.alias_rows("organisationalias", "organisation"),
            *(person_row(signer) for signer in self.people.sorted()),
            *self.people.alias_rows("personalias", "person"),
        ]
        for model, fields in shared:
            self.rows[model].append(fields)
        return [
            fixture_object(model, fields) for model in MODEL_ORDER for fields in self.rows[model]
        ]

    def add(self, model_and_fields: tuple[str, dict]) -> None:
        model, fields = model_and_fields
        self.rows[model].append(fields)

    def add_letter(self, letter: dict) -> None:
        slug = letter["id"]
        _, letter_fields = letter_row(letter, self.letters_by_id)
        self.add(("letter", letter_fields))
        for count in letter.get("reported_counts", []):
            self.add(reported_count_row(slug, count))
        for position, addressee in enumerate(letter["addressees"], start=1):
            self.add(self.addressee_row(slug, position, addressee))
        for position, organiser in enumerate(letter["organisers"], start=1):
            self.add(self.organiser_row(slug, position, organiser))
        signatures = [
            self.signature_row(slug, position, row)[1]
            for position, row in enumerate(letter["signatories"], start=1)
        ]
        for fields in signatures:
            self.add(("signature", fields))
        # As LetterQuerySet.recount_signatures summarises them (all are listed and public).
        letter_fields["signatory_countries"] = sorted(
            {fields["country"] for fields in signatures if fields["country"]}
        )
        letter_fields["listing_timeline"] = dict(
            sorted(Counter(f["first_listed"] for f in signatures if f["first_listed"]).items())
        )
        for endorsement in letter["endorsements"]:
            self.add(self.endorsement_row(slug, endorsement))
        for position, quote in enumerate(letter.get("quotes", []), start=1):
            self.add(quote_row(slug, position, quote))
        for response in letter.get("responses", []):
            self.add(response_row(slug, response))

    def addressee_row(self, slug: str, position: int, addressee: dict) -> tuple[str, dict]:
        name, organisation = addressee["name"], addressee.get("organisation")
        is_person = name not in NON_PERSON_ADDRESSEES and name != organisation
        return (
            "addressee",
            {
                "letter": [slug],
                "name": name,
                "role": addressee.get("role") or "",
                "person": self.people.get(name) if is_person else None,
                "organisation": self.organisations.get(organisation) if organisation else None,
                "position": position,
            },
        )

    def organiser_row(self, slug: str, position: int, organiser: dict) -> tuple[str, dict]:
        name = organiser["name"]
        person = organisation = None
        if name in ORGANISER_PEOPLE:
            person = self.people.get(name)
        elif name not in UNLINKED_ORGANISERS:
            organisation = self.organisations.get(name)
            organisation.organised = True
        return (
            "organiser",
            {
                "letter": [slug],
                "name": name,
                "role": organiser.get("role") or "",
                "person": person,
                "organisation": organisation,
                "source": source_key(organiser.get("source_url")),
                "position": position,
            },
        )

    def signature_row(self, slug: str, position: int, row: dict) -> tuple[str, dict]:
        if row["kind"] == "organisation":
            signer = self.organisations.get(row["name"], row.get("name_normalized"))
            signer.extra_aliases += [
                re.sub(r"\s*\([^)]*\)$", "", variant)  # drop the compiler's remark
                for variant in row.get("name_variants", [])
            ]
        elif row["kind"] == "individual":
            signer = self.people.get(row["name"])
        else:
            raise CommandError(f"{slug}: unknown signatory kind {row['kind']!r}")
        signer.note_row(slug, row)
        country = normalise_country(row.get("country"))
        return (
            "signature",
            {
                "letter": [slug],
                "organisation": signer if row["kind"] == "organisation" else None,
                "person": signer if row["kind"] == "individual" else None,
                "published_name": row["name"],
                "role": row.get("role") or "",
                "position": position,
                "status": SignatureStatus.REPORTED,
                # The date of the source that lists the row, never the letter's date.
                "first_listed": self.sources.date_of(row["source_url"]),
                "entered_at": ENTERED_AT,
                "country": country,
                "country_is_inferred": bool(country) and is_inferred(row),
                "withdrawn_on": None,
                "withdrawal_reason": "",
                "other_published_names": "",
                "note": signature_note(row),
                "sources": [
                    [url]
                    for url in unique(
                        [
                            row["source_url"],
                            *row.get("also_listed_at", []),
                            row.get("source_url_mirror"),
                            row.get("source_url_github"),
                        ]
                    )
                ],
                "search_text": None,  # needs the signer's final aliases, see fixture_object()
                # Positions are unique per letter, so the list places follow them.
                "list_rank": position,
            },
        )

    def endorsement_row(self, slug: str, endorsement: dict) -> tuple[str, dict]:
        name = endorsement["name"]
        is_organisation = name in ORGANISATION_ENDORSERS
        return (
            "endorsement",
            {
                "letter": [slug],
                "person": None if is_organisation else self.people.get(name),
                "organisation": self.organisations.get(name) if is_organisation else None,
                "office": endorsement.get("office") or "",
                "jurisdiction": endorsement.get("jurisdiction") or "",
                "date": partial_date(endorsement.get("date")),
                "date_note": endorsement.get("date_note") or "",
                "quote": endorsement.get("quote") or "",
                "stance": EndorsementStance.SUPPORTS,
                "source": [endorsement["source_url"]],
                "note": endorsement.get("note") or "",
            },
        )

    def link_speakers(self) -> None:
        """Link a quote to the known person whose name starts its speaker string."""
        names = sorted(
            (
                (name, signer)
                for signer in self.people.signers.values()
                for name in [signer.name, *signer.aliases]
            ),
            key=lambda pair: (-len(pair[0]), pair[0]),  # the longest matching name wins
        )
        for quote in self.rows["quote"]:
            for name, signer in names:
                if re.match(rf"{re.escape(name)}(?=$|[,(\s])", quote["speaker"]):
                    quote["person"] = signer
                    break


def model_fields(model_name: str) -> list[str]:
    """The fields Django serialises for a model, in model order."""
    opts = apps.get_model("letters", model_name)._meta
    names = [f.name for f in opts.concrete_fields if not f.primary_key]
    return names + [f.name for f in opts.many_to_many]


def fixture_object(model_name: str, fields: dict) -> dict:
    """One fixture object: every field present, in model order, signers as natural keys."""
    expected = model_fields(model_name)
    if set(fields) != set(expected):
        raise CommandError(
            f"letters.{model_name}: the builder writes {sorted(fields)} but the model has "
            f"{sorted(expected)}; update build_fixtures"
        )
    if model_name == "signature":
        signer = fields["organisation"] or fields["person"]
        fields = {
            **fields,
            "search_text": search_text([fields["published_name"], signer.name, *signer.aliases]),
        }
    return {
        "model": f"letters.{model_name}",
        "fields": {
            name: [fields[name].slug] if isinstance(fields[name], Signer) else fields[name]
            for name in expected
        },
    }


# Natural keys as each model's natural_key() builds them, to refuse duplicates that
# loaddata would silently merge into one row.
NATURAL_KEYS = {
    "topic": ("slug",),
    "source": ("url",),
    "organisation": ("slug",),
    "organisationalias": ("organisation", "name"),
    "person": ("slug",),
    "personalias": ("person", "name"),
    "letter": ("slug",),
    "reportedcount": ("letter", "source", "signatories_text"),
    "addressee": ("letter", "name"),
    "organiser": ("letter", "name"),
    "signature": ("letter", "organisation", "person"),
    "endorsement": ("letter", "source", "organisation", "person"),
    "quote": ("letter", "text"),
    "response": ("letter", "source", "responder"),
}


def check_natural_keys(objects: list[dict]) -> None:
    keys = Counter(
        (
            obj["model"],
            json.dumps(
                [
                    obj["fields"][name]
                    for name in NATURAL_KEYS[obj["model"].removeprefix("letters.")]
                ]
            ),
        )
        for obj in objects
    )
    duplicates = [key for key, count in keys.items() if count > 1]
    if duplicates:
        raise CommandError(f"Objects with the same natural key: {duplicates}")


def read_letters(data_dir: Path) -> list[dict]:
    paths = sorted(data_dir.glob("*.json"))
    if not paths:
        raise CommandError(f"No *.json files in {data_dir}")
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def strings_in(value) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []


class Command(BaseCommand):
    help = "Build fixtures/encryption_debate.json from the shared letter data (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            type=Path,
            default=Path(settings.SHARED_DATA_DIR) / "letters",
            help="Folder of letter *.json files (default: SHARED_DATA_DIR/letters).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / DEFAULT_OUTPUT,
            help=f"Fixture to write (default: {DEFAULT_OUTPUT} in the project).",
        )

    def handle(self, *args, data: Path, output: Path, **options):
        letters = read_letters(data)
        objects = FixtureBuilder(letters).build()
        check_natural_keys(objects)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(objects, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        counts = Counter(obj["model"] for obj in objects)
        self.stdout.write(f"Wrote {len(objects)} objects from {len(letters)} letters to {output}")
        for model in MODEL_ORDER:
            self.stdout.write(f"  letters.{model}: {counts[f'letters.{model}']}")
