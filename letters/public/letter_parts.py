"""What a letter page shows beside its signatory list: the counts reported, addressees,
organisers, documents, its own texts, coverage, quotes, outcomes, endorsements and the
letters that answer it.

Each part is one query, and an empty part costs nearly as much as a full one (the ORM
builds and compiles the query all the same), while most letters have only some of them:
a letter of 100,000 listed names may have none. So one small query first says which parts
the letter has (an EXISTS per part, written once from the models' tables), only those are
fetched, and the others are recorded as empty the way prefetch_related records a relation
without rows, so that reading them later (`letter.quotes.all()`,
`letter.reported_summary()`) asks nothing.
"""

from collections.abc import Callable
from functools import cache

from django.db import connections
from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.fields.related import ForeignObjectRel, ManyToManyField
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
    Visibility,
)

from .letter_texts import texts_shown

# Each part: the Letter attribute, and how the page reads it (with what each row links to).
PARTS: dict[str, Callable[[], QuerySet[Model]]] = {
    "reported_counts": lambda: ReportedCount.objects.select_related("source"),
    "addressees": lambda: Addressee.objects.select_related("organisation"),
    "organisers": lambda: Organiser.objects.select_related("source", "organisation", "person"),
    "documents": lambda: Source.objects.all(),
    "texts": texts_shown,
    "coverage": lambda: Source.objects.all(),
    "quotes": lambda: Quote.objects.select_related("source"),
    "responses": lambda: Response.objects.select_related("source"),
    "endorsements": lambda: Endorsement.objects.select_related("person", "organisation", "source"),
    # Only what the "Answered by" line shows of each.
    "answered_by": lambda: Letter.objects.published().only(
        "slug", "title", "date", "in_response_to"
    ),
}


def letter_with_parts(letters: QuerySet[Letter], slug: str) -> Letter:
    """The letter of `letters` with this slug (or 404), with every part its page shows."""
    letter = get_object_or_404(letters, slug=slug)
    present = _parts_of(letter)
    prefetch_related_objects(
        [letter], *(Prefetch(name, shown()) for name, shown in PARTS.items() if name in present)
    )
    for name, shown in PARTS.items():
        if name not in present:
            # What prefetch_related stores for a relation without rows: an evaluated,
            # empty queryset, which `letter.<name>.all()` returns without a query.
            empty = shown().none()
            empty._result_cache = []
            letter.__dict__.setdefault("_prefetched_objects_cache", {})[name] = empty
    return letter


def _parts_of(letter: Letter) -> set[str]:
    using = letter._state.db or "default"
    sql, params = _parts_query(using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [letter.pk if param is None else param for param in params])
        row = cursor.fetchone()
    return {name for name, present in zip(PARTS, row, strict=True) if present}


@cache
def _parts_query(using: str) -> tuple[str, list[str | None]]:
    """`SELECT EXISTS (…), EXISTS (…), …`, one per part in PARTS order, and its parameters,
    None where the letter's id goes."""
    quote = connections[using].ops.quote_name
    checks = []
    params: list[str | None] = []
    for name in PARTS:
        field = Letter._meta.get_field(name)
        if isinstance(field, ManyToManyField):  # documents, coverage: their link table
            table, column = field.m2m_db_table(), field.m2m_column_name()
        else:  # the rows that point to the letter
            assert isinstance(field, ForeignObjectRel)
            table, column = field.field.model._meta.db_table, field.field.column
        condition = ""
        params.append(None)
        if name == "answered_by":  # a draft answering the letter is not shown
            condition = f" AND {quote('visibility')} = %s"
            params.append(Visibility.PUBLISHED)
        checks.append(
            f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote(column)} = %s{condition})"
        )
    return "SELECT " + ", ".join(checks), params
