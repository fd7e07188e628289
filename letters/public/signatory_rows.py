"""A page of a letter's signatory list as plain rows: what each row shows, and no more.

Every uncached view of a letter page renders 50 of these, so they are read as values
rather than model objects: one query for the rows and which sources each cites (a row
citing two sources comes twice), one more for those sources, only when there are any, and
no Signature, Organisation or Person object per row. Rows are dictionaries, the template
engine's cheapest lookup.

Both queries are the same for every page but for their parameters, yet the ORM built and
compiled them anew for each, at several times what the database took to run them: the
rows' (18 columns, three joins) took 0.8 ms to build and 0.2 ms to run on SQLite, of a
list fragment of about 6 ms; the sources' three times as long to build as to run. So each
shape (a range of a letter's ranks, or a number of ids) is compiled by the ORM once per
database and process and run with the page's values, as letter_parts compiles its query
once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypedDict

from django.db import connections, router
from django.db.models import Expression, QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from letters.lib.countries import country_names
from letters.lib.partial_dates import format_partial_date
from letters.models import Signature, SignatureStatus, Source

ROW_FIELDS = (
    "pk",
    "published_name",
    "role",
    "country",
    "country_is_inferred",
    "status",
    "withdrawn_on",
    "withdrawal_reason",
    "note",
    "organisation__slug",
    "organisation__name",
    "person__slug",
    "person__name",
    "signed_on_site_at",
    "verified_domain",
    "verification_method",
    "claimed_organisation_id",
    "sources",
)


class SignatoryRow(TypedDict):
    id: str  # the signature's, as text: the page writes it, never computes with it
    published_name: str  # as the source published it
    canonical_name: str  # the signer's own name where it differs, else ""
    url: str  # the signer's page
    role: str
    country: str  # its name, in the page's language (stored as an ISO code)
    country_is_inferred: bool
    status: str
    status_label: str  # "confirmed", "withdrawn on 3 May 2021"
    withdrawal_reason: str  # shown for a withdrawn signature only
    provenance: str  # a signature made on this site: when, and how it was verified
    note: str
    sources: list[Source]


@dataclass(frozen=True)
class Ranks:
    """A page of a letter's full public list: its signatures ranked after `after`, up to
    and including `last` (see letters/public/pagination.py)."""

    letter_id: int
    after: int
    last: int


# What a page of rows is read by: its ranks, or (a filtered list) its ids in any order.
Selection = Ranks | list[int]

# A query's SQL, with %s for each parameter, and the columns it selects.
CompiledQuery = tuple[str, list[Expression]]


def _compiled(queryset: QuerySet[Any], placeholders: tuple[int, ...]) -> CompiledQuery:
    """The SQL the ORM compiles for `queryset`, and the columns it selects (to convert
    their values as the ORM does). Its parameters are `placeholders`: stand-ins, distinct
    and in range (the ORM drops a lookup on an impossible value), for the page's values."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    if tuple(params) != placeholders:
        # Each value must have its own place, in this order, for the SQL to be reused.
        raise ValueError(f"Cannot reuse {sql!r} with {params!r} for {placeholders!r}")
    return sql, [column for column, _, _ in compiler.select]


@cache
def _rows_query(using: str, ids: int | None) -> CompiledQuery:
    """A page of rows: ranked (`ids` None; parameters as `_parameters` gives them), or
    of this many ids."""
    signatures = Signature.objects.using(using).order_by("list_rank")
    if ids is None:
        placeholders: tuple[int, ...] = (1, 2, 3)
        signatures = signatures.filter(letter_id=1, list_rank__gt=2, list_rank__lte=3)
    else:
        placeholders = tuple(range(1, ids + 1))
        signatures = signatures.filter(pk__in=placeholders)
    return _compiled(signatures.values_list(*ROW_FIELDS), placeholders)


@cache
def _sources_query(using: str, ids: int) -> str:
    """This many sources, in their own order (Source.Meta.ordering)."""
    placeholders = tuple(range(1, ids + 1))
    return _compiled(Source.objects.using(using).filter(pk__in=placeholders), placeholders)[0]


def _parameters(signatures: Selection) -> list[int]:
    if isinstance(signatures, Ranks):
        return [signatures.letter_id, signatures.after, signatures.last]
    return list(signatures)


def _values(signatures: Selection) -> list[tuple[Any, ...]]:
    """The ROW_FIELDS of these signatures in list order, converted as values_list()
    converts them (booleans and datetimes on SQLite)."""
    if not signatures:
        return []
    using = router.db_for_read(Signature)
    connection = connections[using]
    ids = None if isinstance(signatures, Ranks) else len(signatures)
    sql, columns = _rows_query(using, ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, _parameters(signatures))
        rows = cursor.fetchall()
    # As SQLCompiler.get_converters() and apply_converters() do.
    converters = []
    for index, column in enumerate(columns):
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    if not converters:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index, column, found in converters:
            for converter in found:
                values[index] = converter(values[index], column, connection)
        converted.append(tuple(values))
    return converted


def signer_url_builder(view_name: str) -> Callable[[str], str]:
    """`reverse(view_name, args=[slug])` for any number of slugs at the cost of one.

    A slug (letters, digits, hyphens and underscores) is never quoted by reverse(), so
    it can be put in the place that a placeholder slug took.
    """
    placeholder = "signer-slug"
    before, after = reverse(view_name, args=[placeholder]).split(placeholder)
    return lambda slug: f"{before}{slug}{after}"


def status_label(status: str, withdrawn_on: str | None) -> str:
    label = SignatureStatus(status).label.lower()
    if status == SignatureStatus.WITHDRAWN and withdrawn_on:
        return gettext("%(status)s on %(date)s") % {
            "status": label,
            "date": format_partial_date(withdrawn_on),
        }
    return label


def signatory_rows(signatures: Selection) -> list[SignatoryRow]:
    """A page of signatures (its ranks, or its ids) in list order, as the list shows them."""
    names = country_names()
    organisation_url = signer_url_builder("organisation_detail")
    person_url = signer_url_builder("person_detail")
    rows: dict[int, SignatoryRow] = {}
    cited: dict[int, list[SignatoryRow]] = {}  # by source id
    # Most rows share a few labels; each costs a translation lookup.
    labels: dict[tuple[str, str | None], str] = {}
    for (
        pk,
        name,
        role,
        country,
        country_is_inferred,
        status,
        withdrawn_on,
        withdrawal_reason,
        note,
        organisation_slug,
        organisation_name,
        person_slug,
        person_name,
        signed_on_site_at,
        verified_domain,
        verification_method,
        claimed_organisation_id,
        source_id,
    ) in _values(signatures):
        row = rows.get(pk)
        if row is None:
            if (status, withdrawn_on) not in labels:
                labels[status, withdrawn_on] = status_label(status, withdrawn_on)
            if organisation_slug is not None:
                signer_name, url = organisation_name, organisation_url(organisation_slug)
            else:
                signer_name, url = person_name, person_url(person_slug)
            row = rows[pk] = {
                "id": str(pk),
                "published_name": name,
                "canonical_name": signer_name if signer_name != name else "",
                "url": url,
                "role": role,
                "country": names.get(country, "") if country else "",
                "country_is_inferred": country_is_inferred,
                "status": status,
                "status_label": labels[status, withdrawn_on],
                "withdrawal_reason": (
                    withdrawal_reason if status == SignatureStatus.WITHDRAWN else ""
                ),
                # Rare (sign-ups on hosted letters): the model's one rule, from the values.
                "provenance": Signature(
                    signed_on_site_at=signed_on_site_at,
                    verified_domain=verified_domain,
                    verification_method=verification_method,
                    claimed_organisation_id=claimed_organisation_id,
                ).site_provenance
                if signed_on_site_at
                else "",
                "note": note,
                "sources": [],
            }
        if source_id is not None:
            cited.setdefault(source_id, []).append(row)
    if cited:
        # One object for all the rows citing it; raw() converts values as the ORM does.
        using = router.db_for_read(Source)
        sources = Source.objects.using(using).raw(_sources_query(using, len(cited)), list(cited))
        for source in sources:
            for row in cited[source.pk]:
                row["sources"].append(source)
    return list(rows.values())
