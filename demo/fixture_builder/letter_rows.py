"""Letters and the rows that hang off them, as fixture fields."""

from django.core.management.base import CommandError

from letters.lib.partial_dates import format_partial_date
from letters.models import (
    OutcomeKind,
    Visibility,
)
from letters.signature_list import search_text

from .sources import letter_documents
from .tables import DEBATE_TOPIC
from .values import (
    FixtureRow,
    JsonObject,
    leading_number,
    letter_key,
    letter_side,
    partial_date,
    sentence,
    source_key,
    unique,
)

# Letters and the rows that hang off them
# ---------------------------------------------------------------------------


def in_answer_order(letters: list[JsonObject]) -> list[JsonObject]:
    """Letters by date, each after the letter it answers (a topological sort)."""
    by_id = {letter["id"]: letter for letter in letters}
    ordered, done = [], set()

    def visit(letter: JsonObject, answering: frozenset[str]) -> None:
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


def letter_notes(letter: JsonObject, letters_by_id: dict[str, JsonObject]) -> str:
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
    related_ids = letter.get("related_letters", [])
    if any(slug not in letters_by_id for slug in related_ids):
        raise CommandError(f"{letter['id']}: related_letters names an unknown letter")
    related = [letters_by_id[slug] for slug in related_ids]
    listing(
        "Related letters:",
        [f"{other['title']} ({format_partial_date(other['date'])})" for other in related],
    )
    return "\n\n".join(paragraphs)


def letter_row(letter: JsonObject, letters_by_id: dict[str, JsonObject]) -> FixtureRow:
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
            # The curators' note stays in the admin; every other note is a public caveat.
            "staff_notes": letter.get("curation_note") or "",
            "last_reviewed_on": None,
            # Every fixture signature is "reported": all of them are public and listed.
            "listed_count": len(letter["signatories"]),
            "public_count": len(letter["signatories"]),
            # As letters/signals.py sets it (signature_list.letter_search_names); the data
            # holds no letter texts.
            "search_text": search_text(
                [
                    letter["title"],
                    *(organiser["name"] for organiser in letter["organisers"]),
                    *(addressee["name"] for addressee in letter["addressees"]),
                ]
            ),
        },
    )


def reported_count_row(slug: str, count: JsonObject) -> FixtureRow:
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


def signature_note(row: JsonObject) -> str:
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


def quote_row(slug: str, position: int, quote: JsonObject) -> FixtureRow:
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


def response_row(slug: str, response: JsonObject) -> FixtureRow:
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
