"""Public pages. Each works without JavaScript; htmx requests get the list fragment only."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.utils.cache import add_never_cache_headers
from django.utils.text import Truncator
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .cache import HTMX_VARY, cached_public_page, wants_fragment
from .charts import signatures_over_time
from .models import (
    PUBLIC_STATUSES,
    Endorsement,
    Letter,
    Organisation,
    OrganisationRedirect,
    Organiser,
    Person,
    PersonRedirect,
    Quote,
    Side,
    Signature,
    SignerKind,
    Visibility,
)
from .pagination import paginate, paginate_matches, paginate_ranked
from .printing import full_public_list


def _param(request: HttpRequest, name: str) -> str:
    """A GET parameter as safe text: trimmed, bounded, without NUL (PostgreSQL refuses it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:200]


def _public_signatures_with_letters():
    return Signature.objects.public().select_related("letter").order_by("-letter__date", "pk")


@require_GET
@cached_public_page
@vary_on_headers(*HTMX_VARY)
def home(request: HttpRequest) -> HttpResponse:
    query = _param(request, "q")
    side = request.GET.get("stance", "")
    letters = Letter.objects.published().prefetch_related("reported_counts", "addressees")
    if query:
        letters = letters.matching(query)
    if side in Side.values:
        letters = letters.filter(side=side)
    else:
        side = ""
    context = {
        "page": paginate(request, letters, settings.INDEX_PAGE_SIZE),
        "query": query,
        "side": side,
        "sides": Side.choices,
    }
    template = "letters/home.html"
    if wants_fragment(request):
        template += "#letter-list"
    return render(request, template, context)


@require_GET
@vary_on_headers(*HTMX_VARY)
def letter_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public letter page; staff also preview drafts on it.

    The preview is looked for only once the public page is not found, so the public path
    stays as cached and as cheap as before, and the preview never enters the page cache,
    never gets an ETag and is never indexed.
    """
    try:
        return _public_letter_page(request, slug)
    except Http404:
        if not (request.user.is_authenticated and request.user.is_staff):
            raise
    drafts = Letter.objects.filter(visibility=Visibility.DRAFT)
    response = _letter_page(request, slug, drafts, preview=True)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@cached_public_page
def _public_letter_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _letter_page(request, slug, Letter.objects.published())


def _letter_page(request: HttpRequest, slug: str, letters, preview: bool = False) -> HttpResponse:
    fragment = wants_fragment(request)
    if not fragment:
        letters = letters.select_related("in_response_to", "asks_source").prefetch_related(
            "reported_counts__source",
            "addressees__organisation",
            "organisers__source",
            "organisers__organisation",
            "organisers__person",
            "documents",
            "coverage",
            "quotes__source",
            "responses__source",
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.select_related("person", "organisation", "source"),
            ),
            Prefetch("answered_by", queryset=Letter.objects.published()),
        )
    letter = get_object_or_404(letters, slug=slug)

    query = _param(request, "q")
    kind = request.GET.get("kind", "")
    country = _param(request, "country")
    filtered = bool(query or kind or country)
    matches = Signature.objects.filter(status__in=PUBLIC_STATUSES)
    matches = matches.on_letter_matching(letter, query).of_kind(kind)
    if country:
        matches = matches.filter(country=country)
    rows = Signature.objects.select_related("organisation", "person").prefetch_related("sources")
    per_page = settings.LETTER_SIGNATORIES_PER_PAGE
    if filtered:
        page = paginate_matches(request, matches, rows, per_page)
    else:
        page = paginate_ranked(request, rows.filter(letter=letter), per_page, letter.public_count)

    context = {
        "letter": letter,
        "page": page,
        "query": query,
        "kind": kind if kind in SignerKind.values else "",
        "kinds": SignerKind.choices,
        "country": country,
        "countries": letter.signatory_countries,
        "filtered": filtered,
        "preview": preview,
    }
    template = "letters/letter_detail.html"
    if fragment:
        template += "#signatory-list"
    else:
        context["chart"] = signatures_over_time(letter)
        context["share_description"] = _share_description(letter)
    return render(request, template, context)


def _share_description(letter: Letter) -> str:
    """What a link to the letter says when shared: its summary, then its counts."""
    listed = letter.listed_count
    counts = f"{listed:,} signator{pluralize(listed, 'y,ies')} listed here"
    if reported := letter.reported_summary():
        counts += f", {reported}"
    return " ".join(part for part in (Truncator(letter.summary).chars(200), f"{counts}.") if part)


@require_GET
@cached_public_page
def letter_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole public signatory list on one page, to print: no pagination, no forms."""
    letter = get_object_or_404(
        Letter.objects.published().prefetch_related("reported_counts", "addressees"),
        slug=slug,
    )
    context = {"letter": letter, "signatures": full_public_list(letter)}
    return render(request, "letters/letter_print.html", context)


@require_GET
@cached_public_page
@vary_on_headers(*HTMX_VARY)
def organisation_list(request: HttpRequest) -> HttpResponse:
    query = _param(request, "q")
    organisations = (
        Organisation.objects.public()
        .matching(query)
        .annotate(
            letters_signed=Count(
                "signatures",
                filter=Q(
                    signatures__status__in=PUBLIC_STATUSES,
                    signatures__letter__visibility=Visibility.PUBLISHED,
                ),
            )
        )
        .order_by("name")
    )
    context = {"page": paginate(request, organisations, settings.INDEX_PAGE_SIZE), "query": query}
    template = "letters/organisation_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


def _merged_record_redirect(redirects, field: str, slug: str) -> HttpResponse:
    """301 to the record a merged one became; asked only once a slug is not found, so
    the normal path costs no extra query."""
    redirect = redirects.select_related(field).filter(old_slug=slug).first()
    if redirect is None:
        raise Http404("No such record.")
    return HttpResponsePermanentRedirect(getattr(redirect, field).get_absolute_url())


@require_GET
@cached_public_page
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = (
        Organisation.objects.public()
        .prefetch_related(
            "aliases",
            Prefetch("signatures", queryset=_public_signatures_with_letters()),
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.public().select_related("letter", "source"),
            ),
            Prefetch("organised", queryset=Organiser.objects.public().select_related("letter")),
        )
        .filter(slug=slug)
        .first()
    )
    if organisation is None:
        return _merged_record_redirect(OrganisationRedirect.objects, "organisation", slug)
    return render(request, "letters/organisation_detail.html", {"organisation": organisation})


@require_GET
@cached_public_page
@vary_on_headers(*HTMX_VARY)
def person_list(request: HttpRequest) -> HttpResponse:
    query = _param(request, "q")
    people = Person.objects.public().matching(query).order_by("name")
    context = {"page": paginate(request, people, settings.INDEX_PAGE_SIZE), "query": query}
    template = "letters/person_list.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)


@require_GET
@cached_public_page
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = (
        Person.objects.public()
        .prefetch_related(
            "aliases",
            Prefetch("signatures", queryset=_public_signatures_with_letters()),
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.public().select_related("letter", "source"),
            ),
            Prefetch("quotes", queryset=Quote.objects.public().select_related("letter", "source")),
        )
        .filter(slug=slug)
        .first()
    )
    if person is None:
        return _merged_record_redirect(PersonRedirect.objects, "person", slug)
    return render(request, "letters/person_detail.html", {"person": person})


@require_GET
@cached_public_page
@vary_on_headers(*HTMX_VARY)
def search(request: HttpRequest) -> HttpResponse:
    """Has X signed anything? Organisations and people by name or alias, with their letters."""
    query = _param(request, "q")
    organisations = people = []
    if query:
        signed = Prefetch("signatures", queryset=_public_signatures_with_letters())
        limit = settings.INDEX_PAGE_SIZE
        organisations = list(
            Organisation.objects.public().matching(query).prefetch_related(signed)[: limit + 1]
        )
        people = list(Person.objects.public().matching(query).prefetch_related(signed)[: limit + 1])
    context = {
        "query": query,
        "organisations": organisations[: settings.INDEX_PAGE_SIZE],
        "people": people[: settings.INDEX_PAGE_SIZE],
        "more_organisations": len(organisations) > settings.INDEX_PAGE_SIZE,
        "more_people": len(people) > settings.INDEX_PAGE_SIZE,
    }
    template = "letters/search.html"
    if wants_fragment(request):
        template += "#results"
    return render(request, template, context)
