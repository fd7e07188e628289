"""The sources of the demo data: one record per distinct URL, with its role."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from letters.models import (
    SourceKind,
)

from .tables import COPY_OUTLET_WORDS, NEWS_HOSTS, OFFICIAL_HOST_MARKERS
from .values import FixtureRow, JsonObject, partial_date, unique

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
    # A curator's note about the source (the data's `curation_note`): staff only.
    staff_notes: str = ""
    is_copy: bool = False
    is_document: bool = False
    is_coverage: bool = False
    copy_of: str = ""

    def fill(self, **facts: str | bool | None) -> None:
        """Set the facts still unknown; an earlier (preferred) mention keeps its own."""
        for name, value in facts.items():
            if value and not getattr(self, name):
                setattr(self, name, value)


class Sources:
    """One record per distinct URL in the data, with what each mention says about it."""

    def __init__(self) -> None:
        self.records: dict[str, SourceRecord] = {}

    def mention(self, url: str) -> SourceRecord:
        return self.records.setdefault(url, SourceRecord(url))

    def date_of(self, url: str) -> str | None:
        return self.records[url].date

    def add_coverage(self, entry: JsonObject) -> None:
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
            staff_notes=entry.get("curation_note") or "",
            is_copy=bool(COPY_OUTLET_WORDS.search(entry.get("outlet") or "")),
        )
        if entry.get("url_mirror"):
            self.add_mirror(entry["url_mirror"], entry["url"])

    def add_mirror(self, url: str, original: str) -> None:
        self.mention(original)
        self.mention(url).fill(is_copy=True, copy_of=original, note=f"Copy of {original}")

    def add_statement(self, statement: JsonObject) -> None:
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

    def rows(self) -> list[FixtureRow]:
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
                    "staff_notes": record.staff_notes,
                    "archived_url": "",
                    # Written by `manage.py check_source_links`, never by the fixture.
                    "link_checked_at": None,
                    "link_status": None,
                    "link_error": "",
                },
            )
            for record in sorted(self.records.values(), key=lambda record: record.url)
        ]


def mentioned_urls(letter: JsonObject) -> list[str]:
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


def collect_sources(letters: list[JsonObject]) -> Sources:
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


def letter_documents(letter: JsonObject) -> list[str]:
    return unique([*letter.get("document_urls", []), letter.get("url")])


# ---------------------------------------------------------------------------
# Organisations and people
