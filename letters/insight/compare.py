"""Comparing two letters: who signed both, and who signed only one.

Signatures are matched through their canonical records (`Signature.organisation` and
`Signature.person`): an alias or a different published spelling is resolved when the
signature is entered, so "5 Rights" on one letter and "5Rights Foundation" on another are
one organisation here. A record counts as signing both only when each of its two
signatures is established as that signer (`Signature.objects.identified()`: evidence
beyond the name, or a curator's choice): the same name alone is no claim that two
listings are one signer. Those are counted apart (`Comparison.by_name_only`).

Every function runs a fixed number of queries, whatever the number of signatures.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from letters.models import (
    ESTABLISHED_IDENTITY,
    SIGNED_STATUSES,
    Letter,
    Organisation,
    Person,
    Signature,
    on_public_list,
)

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
    # Records on both letters whose identity on one of them rests on the name alone:
    # listed under "only" on each side, and counted here.
    by_name_only: dict[str, int] = field(default_factory=dict)


def _signed_on(letter: Letter, owner: str) -> QuerySet[Signature]:
    """`letter`'s public signatures that count as signed, by organisations or by people."""
    return Signature.objects.filter(
        on_public_list(statuses=SIGNED_STATUSES), letter=letter, **{f"{owner}__isnull": False}
    )


def _established(signatures: QuerySet[Signature], owner: str) -> QuerySet[Signature]:
    return signatures.filter(identity_basis__in=ESTABLISHED_IDENTITY)


def _group(signatures: QuerySet[Signature], owner: str, side: str) -> Group:
    shown = signatures.select_related(owner).order_by(Lower(f"{owner}__name"), owner)[
        :COMPARED_SHOWN
    ]
    matches = [Match(getattr(signature, owner), **{side: signature}) for signature in shown]
    return Group(matches, signatures.count())


def _groups(a: Letter, b: Letter, owner: str) -> tuple[dict[str, Group], int]:
    """Both, only A, only B, each counted in the database and listed up to COMPARED_SHOWN
    (a fixed number of queries, and no more rows read than are shown); and how many
    records are on both by name only."""
    same_signer = {owner: OuterRef(owner)}
    established_on_a = _established(_signed_on(a, owner), owner).filter(**same_signer)
    established_on_b = _established(_signed_on(b, owner), owner).filter(**same_signer)
    established = Q(identity_basis__in=ESTABLISHED_IDENTITY)
    both = _group(_signed_on(a, owner).filter(established, Exists(established_on_b)), owner, "on_a")
    by_signer = {
        getattr(signature, f"{owner}_id"): signature
        for signature in _signed_on(b, owner).filter(
            **{f"{owner}__in": [match.signer.pk for match in both]}
        )
    }
    for match in both:
        match.on_b = by_signer[match.signer.pk]
    in_both = {
        "a": Q(established) & Q(Exists(established_on_b)),
        "b": Q(established) & Q(Exists(established_on_a)),
    }
    on_b = _signed_on(b, owner).filter(**same_signer)
    by_name_only = _signed_on(a, owner).filter(Exists(on_b)).exclude(in_both["a"]).count()
    groups = {
        "both": both,
        "only_a": _group(_signed_on(a, owner).exclude(in_both["a"]), owner, "on_a"),
        "only_b": _group(_signed_on(b, owner).exclude(in_both["b"]), owner, "on_b"),
    }
    return groups, by_name_only


def compare_letters(a: Letter, b: Letter) -> Comparison:
    """The organisations and people that signed both letters, and each one alone."""
    organisations, organisations_by_name = _groups(a, b, "organisation")
    people, people_by_name = _groups(a, b, "person")
    return Comparison(
        a=a,
        b=b,
        organisations=organisations,
        people=people,
        by_name_only={"organisations": organisations_by_name, "people": people_by_name},
    )
