"""Comparing two letters: who signed both, and who signed only one.

Signatures are matched through their canonical records (`Signature.organisation` and
`Signature.person`): an alias or a different published spelling is resolved when the
signature is entered, so "5 Rights" on one letter and "5Rights Foundation" on another are
one organisation here. Every function runs a fixed number of queries, whatever the number
of signatures.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Lower

from letters.models import SIGNED_STATUSES, Letter, Organisation, Person, Signature

# A comparison lists at most this many signers in each group and counts the rest, so that
# comparing two letters of 100,000 signatures stays a page, not megabytes.
COMPARED_SHOWN = 500


@dataclass
class Match:
    """One organisation or person in a comparison, with its signature on each letter."""

    signer: Organisation | Person
    on_a: Signature | None = None
    on_b: Signature | None = None


class Group(list[Match]):
    """The matches shown (at most COMPARED_SHOWN, by canonical name), and `total`, how
    many there are."""

    def __init__(self, matches: list[Match], total: int) -> None:
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


def _signed_on(letter: Letter, owner: str) -> QuerySet[Signature]:
    """`letter`'s signatures that count as signed, by organisations or by people."""
    return Signature.objects.filter(
        letter=letter, status__in=SIGNED_STATUSES, **{f"{owner}__isnull": False}
    )


def _group(signatures: QuerySet[Signature], owner: str, side: str) -> Group:
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
