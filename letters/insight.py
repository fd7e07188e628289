"""Cross-letter insight: who signed two letters, who signs alongside an organisation, and
which side each organisation took across a topic's letters.

Signatures are matched through their canonical records (`Signature.organisation` and
`Signature.person`): an alias or a different published spelling is resolved when the
signature is entered, so "5 Rights" on one letter and "5Rights Foundation" on another are
one organisation here. Every function runs a fixed number of queries, whatever the number
of signatures.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from .models import (
    LISTED_STATUSES,
    Letter,
    Organisation,
    Person,
    Signature,
    SignatureStatus,
    Topic,
)

# What counts as having signed, for comparisons and the topic table: the listed statuses,
# and disputed signatures, shown with their status so that a reader can weigh them.
# Withdrawn signatures do not count: the signatory has taken their name off the letter.
SIGNED_STATUSES = (*LISTED_STATUSES, SignatureStatus.DISPUTED)

CO_SIGNERS_SHOWN = 10


@dataclass
class Match:
    """One organisation or person in a comparison, with its signature on each letter."""

    signer: Organisation | Person
    on_a: Signature | None = None
    on_b: Signature | None = None


@dataclass
class Comparison:
    a: Letter
    b: Letter
    organisations: dict[str, list[Match]] = field(default_factory=dict)
    people: dict[str, list[Match]] = field(default_factory=dict)


def _signed(letters: list[Letter]) -> list[Signature]:
    """The signatures that count as signed on these letters, each with its letter set
    from `letters`, so that reading `signature.letter` asks the database nothing."""
    by_pk = {letter.pk: letter for letter in letters}
    signatures = list(
        Signature.objects.filter(letter__in=letters, status__in=SIGNED_STATUSES)
        .select_related("organisation", "person")
        .order_by()
    )
    for signature in signatures:
        signature.letter = by_pk[signature.letter_id]
    return signatures


def _split(matches: list[Match]) -> dict[str, list[Match]]:
    """Both, only A, only B; each sorted by canonical name."""
    groups = {"both": [], "only_a": [], "only_b": []}
    for match in sorted(matches, key=lambda match: (match.signer.name.casefold(), match.signer.pk)):
        if match.on_a and match.on_b:
            groups["both"].append(match)
        elif match.on_a:
            groups["only_a"].append(match)
        else:
            groups["only_b"].append(match)
    return groups


def compare_letters(a: Letter, b: Letter) -> Comparison:
    """The organisations and people that signed both letters, and each one alone."""
    organisations: dict[int, Match] = {}
    people: dict[int, Match] = {}
    for signature in _signed([a, b]):
        if signature.organisation_id:
            match = organisations.setdefault(
                signature.organisation_id, Match(signature.organisation)
            )
        else:
            match = people.setdefault(signature.person_id, Match(signature.person))
        if signature.letter_id == a.pk:
            match.on_a = signature
        else:
            match.on_b = signature
    return Comparison(
        a=a,
        b=b,
        organisations=_split(list(organisations.values())),
        people=_split(list(people.values())),
    )


def co_signers(organisation: Organisation, limit: int = CO_SIGNERS_SHOWN):
    """The organisations that most often listed their name on the same published letters,
    with the number of letters shared (`shared`). Listed signatures only: a disputed or
    withdrawn signature is no evidence of signing side by side."""
    letters = Signature.objects.public().listed().filter(organisation=organisation).values("letter")
    return list(
        Organisation.objects.filter(
            signatures__letter__in=letters, signatures__status__in=LISTED_STATUSES
        )
        .exclude(pk=organisation.pk)
        .annotate(shared=Count("signatures__letter", distinct=True))
        .order_by("-shared", "name", "pk")[:limit]
    )


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
        if signature.organisation_id:
            rows, key, signer = organisations, signature.organisation_id, signature.organisation
        else:
            rows, key, signer = people, signature.person_id, signature.person
        row = rows.setdefault(key, TopicRow(signer, [None] * len(letters)))
        row.cells[column[signature.letter_id]] = signature

    def by_name(rows: dict[int, TopicRow]) -> list[TopicRow]:
        return sorted(rows.values(), key=lambda row: (row.signer.name.casefold(), row.signer.pk))

    return TopicTable(topic, letters, by_name(organisations), by_name(people))
