"""Public pages about signers: the organisation and people indexes, a page for each, and
"has X signed anything?". A merged record's old URL answers 301 to the record kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Count, F, Manager, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from letters import page_scopes
from letters.insight.cosigners import co_signers
from letters.lib.http import HtmxHttpRequest
from letters.models import (
    Addressee,
    Endorsement,
    Organisation,
    OrganisationRedirect,
    Organiser,
    Person,
    PersonRedirect,
    Quote,
    Response,
    Signature,
    Signer,
    SignerQuerySet,
    public_signature,
)
from letters.page_cache import HTMX_VARY, cached_public_page, depends_on, wants_fragment

from .pagination import paginate
from .params import text_param

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Undated letters last on both databases (PostgreSQL would put NULL first).
NEWEST_LETTER_FIRST = (F("letter__date").desc(nulls_last=True), "letter__title", "pk")


def _public_signatures_with_letters() -> QuerySet[Signature]:
    return Signature.objects.public().select_related("letter").order_by("-letter__date", "pk")


def _letters_addressed() -> Prefetch:
    """The published letters addressed to a signer, newest first, each with what happened
    next (its responses, by date)."""
    responses = Prefetch("letter__responses", queryset=Response.objects.select_related("source"))
    addressed = (
        Addressee.objects.public()
        .select_related("letter")
        .prefetch_related(responses, "letter__reported_counts")
        .order_by(*NEWEST_LETTER_FIRST)
    )
    return Prefetch("addressed_by", queryset=addressed)


def _public_endorsements() -> Prefetch:
    return Prefetch(
        "endorsements", queryset=Endorsement.objects.public().select_related("letter", "source")
    )


@dataclass(frozen=True)
class SignerIndex:
    """What the organisation and people indexes say (one template serves both)."""

    url_name: str
    title: "StrOrPromise"
    description: "StrOrPromise"
    search_label: "StrOrPromise"
    none_found: "StrOrPromise"
    pages_label: "StrOrPromise"


ORGANISATIONS = SignerIndex(
    url_name="organisation_list",
    title=_("Organisations"),
    description=_(
        "Organisations that signed, organised, endorsed or received the open letters "
        "we track, found by any name they were published under."
    ),
    search_label=_("Search organisations and their other names"),
    none_found=_("No organisation matches."),
    pages_label=_("Organisation pages"),
)
PEOPLE = SignerIndex(
    url_name="person_list",
    title=_("People"),
    description=_(
        "People who signed, endorsed or received the open letters we track, found by "
        "any spelling of their name."
    ),
    search_label=_("Search people and other spellings of their names"),
    none_found=_("Nobody matches."),
    pages_label=_("People pages"),
)


SignerT = TypeVar("SignerT", bound=Signer)


def _signer_index(
    request: HtmxHttpRequest,
    signers: SignerQuerySet[SignerT],
    index: SignerIndex,
    add_to_page: Callable[[list[SignerT]], None] | None = None,
) -> HttpResponse:
    """The index page; `add_to_page` adds what its entries show to the page's signers."""
    query = text_param(request, "q")
    signers = signers.matching(query).order_by("name")
    page = paginate(request, signers, settings.INDEX_PAGE_SIZE)
    if add_to_page is not None:
        page.object_list = list(page.object_list)
        add_to_page(page.object_list)
    context = {
        "page": page,
        "query": query,
        "index": index,
    }
    template = "letters/public/signer_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@require_safe
@cached_public_page(page_scopes.SIGNER_INDEXES)
@vary_on_headers(*HTMX_VARY)
def organisation_list(request: HtmxHttpRequest) -> HttpResponse:
    return _signer_index(
        request, Organisation.objects.public(), ORGANISATIONS, _count_letters_signed
    )


def _count_letters_signed(organisations: list[Organisation]) -> None:
    """How many letters each organisation of the page signed, counted for the page's
    organisations only: counted for all of them first, the index's count and page took
    a join of every signature (300 ms at 100,000 signatories, against 100 ms)."""
    signed = Count("signatures", filter=public_signature("signatures__"))
    counts = dict(
        Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        .annotate(letters_signed=signed)
        .values_list("pk", "letters_signed")
    )
    for organisation in organisations:
        organisation.letters_signed = counts.get(organisation.pk, 0)  # type: ignore[attr-defined]


@require_safe
@cached_public_page(page_scopes.SIGNER_INDEXES)
@vary_on_headers(*HTMX_VARY)
def person_list(request: HtmxHttpRequest) -> HttpResponse:
    return _signer_index(request, Person.objects.public(), PEOPLE)


@require_safe
@cached_public_page(page_scopes.organisation)
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _signer_detail(
        request,
        slug,
        Organisation.objects.public(),
        OrganisationRedirect.objects,
        Prefetch("organised", queryset=Organiser.objects.public().select_related("letter")),
        co_signers=co_signers,
    )


@require_safe
@cached_public_page(page_scopes.person)
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _signer_detail(
        request,
        slug,
        Person.objects.public(),
        PersonRedirect.objects,
        Prefetch("quotes", queryset=Quote.objects.public().select_related("letter", "source")),
    )


def _signer_detail(
    request: HttpRequest,
    slug: str,
    signers: SignerQuerySet,
    redirects: Manager,
    own_prefetch: Prefetch,
    **derived: Callable[[Any], object],
) -> HttpResponse:
    """An organisation's or a person's page: what it signed, what was addressed to it,
    its endorsements, plus `own_prefetch` (what only that kind of signer shows) and the
    context `derived` computes from it. A merged record's old slug answers 301."""
    signer = signers.filter(slug=slug).first()
    kind = signers.model._meta.model_name
    if signer is None:
        return _merged_record_redirect(redirects, kind, slug)
    # Before reading what it shows of its letters: their titles, its co-signers on them.
    depends_on(request, *page_scopes.letters_of(signer))
    prefetch_related_objects(
        [signer],
        "aliases",
        Prefetch("signatures", queryset=_public_signatures_with_letters()),
        _letters_addressed(),
        _public_endorsements(),
        own_prefetch,
    )
    context = {kind: signer, **{name: make(signer) for name, make in derived.items()}}
    return render(request, f"letters/public/{kind}_detail.html", context)


def _merged_record_redirect(redirects: Manager, field: str, slug: str) -> HttpResponse:
    """301 to the record a merged one became; asked only once a slug is not found, so
    the normal path costs no extra query."""
    redirect = redirects.select_related(field).filter(old_slug=slug).first()
    if redirect is None:
        raise Http404("No such record.")
    return HttpResponsePermanentRedirect(getattr(redirect, field).get_absolute_url())


@require_safe
@cached_public_page(page_scopes.INDEXES)
@vary_on_headers(*HTMX_VARY)
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Has X signed anything? Organisations and people by name or alias, each with the
    letters it signed (date, stance and the signature's status) and those addressed to it."""
    query = text_param(request, "q")
    limit = settings.INDEX_PAGE_SIZE
    organisations: list[Organisation] = []
    people: list[Person] = []
    if query:
        signed = Prefetch("signatures", queryset=_public_signatures_with_letters())
        addressed = Prefetch(
            "addressed_by",
            queryset=Addressee.objects.public()
            .select_related("letter")
            .order_by(*NEWEST_LETTER_FIRST),
        )
        organisations = list(
            Organisation.objects.public()
            .matching(query)
            .prefetch_related(signed, addressed)[: limit + 1]
        )
        people = list(
            Person.objects.public().matching(query).prefetch_related(signed, addressed)[: limit + 1]
        )
    context = {
        "query": query,
        "organisations": organisations[:limit],
        "people": people[:limit],
        "more_organisations": len(organisations) > limit,
        "more_people": len(people) > limit,
    }
    template = "letters/public/search.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)
