"""A topic's table: the organisations and people that signed any of its published letters,
against those letters, with the side each signature took. A fixed number of queries.

The page shows it two ways from the same data: a matrix (signers in rows, letters in
numbered columns) on wide screens, and on phones the letters one after the other, each
with its signers, after those who signed more than one.
"""

from dataclasses import dataclass, field

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

    @property
    def signed(self) -> list[tuple[int, Signature]]:
        """(letter number, signature) for each letter signed, in column order."""
        return [(number, cell) for number, cell in enumerate(self.cells, start=1) if cell]


@dataclass
class TopicColumn:
    """One of the topic's letters, numbered from 1 by date, with its signatures by name."""

    number: int
    letter: Letter
    organisations: list[Signature] = field(default_factory=list)
    people: list[Signature] = field(default_factory=list)


@dataclass
class TopicTable:
    topic: Topic
    columns: list[TopicColumn]
    organisations: list[TopicRow]
    people: list[TopicRow]

    @property
    def letters(self) -> list[Letter]:
        return [column.letter for column in self.columns]

    @property
    def several(self) -> list[TopicRow]:
        """Signers of more than one of the letters, organisations first, by name."""
        return [row for row in self.organisations + self.people if len(row.signed) > 1]


def _by_name(rows: dict[int, TopicRow]) -> list[TopicRow]:
    return sorted(rows.values(), key=lambda row: (row.signer.name.casefold(), row.signer.pk))


def topic_table(topic: Topic) -> TopicTable:
    """The topic's published letters (columns, oldest first) against the organisations and
    people that signed any of them (rows, by name)."""
    letters = list(topic.letters.published())
    # Sorted here so that undated letters go last on every database.
    letters.sort(key=lambda letter: (letter.date is None, letter.date or "", letter.title))
    columns = [TopicColumn(number, letter) for number, letter in enumerate(letters, start=1)]
    index = {letter.pk: position for position, letter in enumerate(letters)}
    organisations: dict[int, TopicRow] = {}
    people: dict[int, TopicRow] = {}
    for signature in _signed(letters):
        rows = organisations if signature.organisation_id else people
        signer = signature.signer
        assert signer is not None  # a saved signature has one
        row = rows.setdefault(signer.pk, TopicRow(signer, [None] * len(letters)))
        row.cells[index[signature.letter_id]] = signature
    organisation_rows, people_rows = _by_name(organisations), _by_name(people)
    for row in organisation_rows:
        for column, cell in zip(columns, row.cells, strict=True):
            if cell:
                column.organisations.append(cell)
    for row in people_rows:
        for column, cell in zip(columns, row.cells, strict=True):
            if cell:
                column.people.append(cell)
    return TopicTable(topic, columns, organisation_rows, people_rows)
