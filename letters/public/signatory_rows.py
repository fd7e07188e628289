"""A page of a letter's signatory list as plain rows: what each row shows, and no more.

Every uncached view of a letter page renders 50 of these, so they are read as values
rather than model objects: one query for the rows and which sources each cites (a row
citing two sources comes twice), one more for those sources, only when there are any, and
no Signature, Organisation or Person object per row. Rows are dictionaries, the template
engine's cheapest lookup.
"""

from collections.abc import Callable
from typing import TypedDict

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext

from letters.lib.countries import country_name
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


def signatory_rows(signatures: QuerySet[Signature]) -> list[SignatoryRow]:
    """`signatures`, already filtered and in list order, as the list shows them."""
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
    ) in signatures.values_list(*ROW_FIELDS):
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
                "country": country_name(country),
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
        # In the sources' own order (Source.Meta.ordering), one object for all its rows.
        for source in Source.objects.filter(pk__in=cited):
            for row in cited[source.pk]:
                row["sources"].append(source)
    return list(rows.values())
