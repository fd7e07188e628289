"""What a letter page shows beside its signatory list: the counts reported, addressees,
organisers, documents, coverage, quotes, outcomes, endorsements and the letters that
answer it.

Each part is one query, and an empty part costs nearly as much as a full one (the query
is built and compiled all the same), while most letters have only some of them: a letter
of 100,000 listed names may have none. So the letter's own query says which parts it has
(one EXISTS each, in the same query), only those are fetched, and the others are
recorded as empty the way prefetch_related records a relation without rows, so that
reading them later (`letter.quotes.all()`, `letter.reported_summary()`) asks nothing.
"""

from dataclasses import dataclass

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404

from letters.models import (
    Addressee,
    Endorsement,
    Letter,
    Organiser,
    Quote,
    ReportedCount,
    Response,
    Source,
)


@dataclass(frozen=True)
class Part:
    relation: str  # the Letter attribute, e.g. "quotes"
    rows: QuerySet[Model]  # the part's rows of the letter at OuterRef("pk")
    shown: QuerySet[Model]  # how the page reads them, with what each links to


def _parts() -> list[Part]:
    """Built per call: a queryset holds the results of the query it ran."""
    letter = OuterRef("pk")
    return [
        Part(
            "reported_counts",
            ReportedCount.objects.filter(letter=letter),
            ReportedCount.objects.select_related("source"),
        ),
        Part(
            "addressees",
            Addressee.objects.filter(letter=letter),
            Addressee.objects.select_related("organisation"),
        ),
        Part(
            "organisers",
            Organiser.objects.filter(letter=letter),
            Organiser.objects.select_related("source", "organisation", "person"),
        ),
        Part(
            "documents",
            Letter.documents.through.objects.filter(letter=letter),
            Source.objects.all(),
        ),
        Part(
            "coverage",
            Letter.coverage.through.objects.filter(letter=letter),
            Source.objects.all(),
        ),
        Part("quotes", Quote.objects.filter(letter=letter), Quote.objects.select_related("source")),
        Part(
            "responses",
            Response.objects.filter(letter=letter),
            Response.objects.select_related("source"),
        ),
        Part(
            "endorsements",
            Endorsement.objects.filter(letter=letter),
            Endorsement.objects.select_related("person", "organisation", "source"),
        ),
        Part(
            "answered_by",
            Letter.objects.published().filter(in_response_to=letter),
            # Only what the "Answered by" line shows of each.
            Letter.objects.published().only("slug", "title", "date", "in_response_to"),
        ),
    ]


def letter_with_parts(letters: QuerySet[Letter], slug: str) -> Letter:
    """The letter of `letters` with this slug (or 404), with every part its page shows."""
    parts = _parts()
    has = {f"has_{part.relation}": Exists(part.rows) for part in parts}
    letter = get_object_or_404(
        letters.select_related("in_response_to", "asks_source").annotate(**has), slug=slug
    )
    present = {part.relation for part in parts if getattr(letter, f"has_{part.relation}")}
    prefetch_related_objects(
        [letter], *(Prefetch(p.relation, p.shown) for p in parts if p.relation in present)
    )
    for part in parts:
        if part.relation not in present:
            _record_empty(letter, part)
    return letter


def _record_empty(letter: Letter, part: Part) -> None:
    """What prefetch_related stores for a relation without rows: an evaluated, empty
    queryset, which `letter.<relation>.all()` then returns without a query."""
    empty = part.shown.none()
    empty._result_cache = []
    letter.__dict__.setdefault("_prefetched_objects_cache", {})[part.relation] = empty
