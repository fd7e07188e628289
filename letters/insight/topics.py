"""A topic's table: the organisations and people that signed any of its published letters,
against those letters, with the side each signature took. A fixed number of queries."""

from dataclasses import dataclass

from letters.models import (
    SIGNED_STATUSES,
    Letter,
    Organisation,
    Person,
    Signature,
    Topic,
    on_public_list,
)


def _signed(letters: list[Letter]) -> list[Signature]:
    """The signatures that count as signed on these letters, each with its letter set
    from `letters`, so that reading `signature.letter` asks the database nothing."""
    by_pk = {letter.pk: letter for letter in letters}
    signatures = list(
        Signature.objects.filter(on_public_list(statuses=SIGNED_STATUSES), letter__in=letters)
        .select_related("organisation", "person")
        .order_by()
    )
    for signature in signatures:
        signature.letter = by_pk[signature.letter_id]
    return signatures


@dataclass
class TopicRow:
    """A signer, and its signature on each of the topic's letters (None where it did not)."""

    signer: Organisation | Person
    cells: list[Signature | None]


@dataclass
class TopicTable:
    topic: Topic
    letters: list[Letter]
    organisations: list[TopicRow]
    people: list[TopicRow]


def topic_table(topic: Topic) -> TopicTable:
    """The topic's published letters (columns, oldest first) against the organisations and
    people that signed any of them (rows, by name)."""
    letters = list(topic.letters.published())
    # Sorted here so that undated letters go last on every database.
    letters.sort(key=lambda letter: (letter.date is None, letter.date or "", letter.title))
    column = {letter.pk: index for index, letter in enumerate(letters)}
    organisations: dict[int, TopicRow] = {}
    people: dict[int, TopicRow] = {}
    for signature in _signed(letters):
        rows = organisations if signature.organisation_id else people
        signer = signature.signer
        assert signer is not None  # a saved signature has one
        row = rows.setdefault(signer.pk, TopicRow(signer, [None] * len(letters)))
        row.cells[column[signature.letter_id]] = signature

    def by_name(rows: dict[int, TopicRow]) -> list[TopicRow]:
        return sorted(rows.values(), key=lambda row: (row.signer.name.casefold(), row.signer.pk))

    return TopicTable(topic, letters, by_name(organisations), by_name(people))
