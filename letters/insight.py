"""Cross-letter insight: who signed two letters, who signs alongside an organisation, and
which side each organisation took across a topic's letters.

Signatures are matched through their canonical records (`Signature.organisation` and
`Signature.person`): an alias or a different published spelling is resolved when the
signature is entered, so "5 Rights" on one letter and "5Rights Foundation" on another are
one organisation here. Every function runs a fixed number of queries, whatever the number
of signatures.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import Lower

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


# A comparison lists at most this many signers in each group and counts the rest, so that
# comparing two letters of 100,000 signatures stays a page, not megabytes.
COMPARED_SHOWN = 500


@dataclass
class Match:
    """One organisation or person in a comparison, with its signature on each letter."""

    signer: Organisation | Person
    on_a: Signature | None = None
    on_b: Signature | None = None


class Group(list):
    """The matches shown (at most COMPARED_SHOWN, by canonical name), and `total`, how
    many there are."""

    def __init__(self, matches: list[Match], total: int):
        super().__init__(matches)
        self.total = total

    @property
    def truncated(self) -> bool:
        return self.total > len(self)


@dataclass
class Comparison:
    a: Letter
    b: Letter
    organisations: dict[str, Group] = field(default_factory=dict)
    people: dict[str, Group] = field(default_factory=dict)


def _signed_on(letter: Letter, owner: str):
    """`letter`'s signatures that count as signed, by organisations or by people."""
    return Signature.objects.filter(
        letter=letter, status__in=SIGNED_STATUSES, **{f"{owner}__isnull": False}
    )


def _group(signatures, owner: str, side: str) -> Group:
    shown = signatures.select_related(owner).order_by(Lower(f"{owner}__name"), owner)[
        :COMPARED_SHOWN
    ]
    matches = [Match(getattr(signature, owner), **{side: signature}) for signature in shown]
    return Group(matches, signatures.count())


def _groups(a: Letter, b: Letter, owner: str) -> dict[str, Group]:
    """Both, only A, only B, each counted in the database and listed up to COMPARED_SHOWN:
    a fixed number of queries, and no more rows read than are shown."""
    on_a = _signed_on(a, owner).filter(**{owner: OuterRef(owner)})
    on_b = _signed_on(b, owner).filter(**{owner: OuterRef(owner)})
    both = _group(_signed_on(a, owner).filter(Exists(on_b)), owner, "on_a")
    by_signer = {
        getattr(signature, f"{owner}_id"): signature
        for signature in _signed_on(b, owner).filter(
            **{f"{owner}__in": [match.signer.pk for match in both]}
        )
    }
    for match in both:
        match.on_b = by_signer[match.signer.pk]
    return {
        "both": both,
        "only_a": _group(_signed_on(a, owner).filter(~Exists(on_b)), owner, "on_a"),
        "only_b": _group(_signed_on(b, owner).filter(~Exists(on_a)), owner, "on_b"),
    }


def compare_letters(a: Letter, b: Letter) -> Comparison:
    """The organisations and people that signed both letters, and each one alone."""
    return Comparison(
        a=a, b=b, organisations=_groups(a, b, "organisation"), people=_groups(a, b, "person")
    )


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
