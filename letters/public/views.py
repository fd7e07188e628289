"""Public letter pages: the index, a letter with its list, its printable list and its
timeline. Each works without JavaScript; htmx requests get the list fragment only."""

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from letters import page_scopes
from letters.insight.citation import authors, bibtex_citation, plain_citation
from letters.lib.countries import country_filter, country_options
from letters.lib.http import HtmxHttpRequest
from letters.models import Letter, Side, Signature, SignerKind, Visibility
from letters.page_cache import HTMX_VARY, cached_public_page, wants_fragment

from .charts import chart_html, signatures_over_time
from .forms import AsOfForm
from .letter_parts import letter_with_parts
from .letter_texts import TEXT_PARAM, letter_texts
from .pagination import page_number, paginate, paginate_matches, paginate_ranked, ranks
from .params import text_param
from .printing import full_public_list
from .share_cards import card_url
from .signatory_items import signatory_items
from .signatory_rows import signatory_rows
from .timeline import TIMELINE_NAMES_PER_DATE
from .timeline import letter_timeline as build_timeline

# The signatory list's kind filter, in the plural the options read as.
KIND_FILTER = [
    (SignerKind.ORGANISATION, _("Organisations")),
    (SignerKind.INDIVIDUAL, _("Individuals")),
]


@dataclass(frozen=True)
class LetterResult:
    """A letter on the home page, with how many of its signatories match the search."""

    letter: Letter
    matching_signatories: int = 0


@require_safe
@cached_public_page(page_scopes.INDEXES)
@vary_on_headers(*HTMX_VARY)
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Published letters, newest first, found by title, text, organiser, addressee or
    signatory, and filtered by side."""
    query = text_param(request, "q")
    side = request.GET.get("stance", "")
    letters = Letter.objects.published().prefetch_related("reported_counts", "addressees")
    # Each letter's public signatories matching the search, counted once (one query),
    # so that a card can say why it was found and link to them.
    found = Signature.objects.found_by_letter_search(query).count_per_letter() if query else {}
    if query:
        letters = letters.matching(query, signed=found.keys())
    if side in Side.values:
        letters = letters.filter(side=side)
    else:
        side = ""
    page = paginate(request, letters, settings.INDEX_PAGE_SIZE)
    results = [LetterResult(letter, found.get(letter.pk, 0)) for letter in page.object_list]
    context = {
        "page": page,
        "results": results,
        "has_descriptive_titles": any(result.letter.title_is_descriptive for result in results),
        "query": query,
        "side": side,
        "sides": Side.choices,
    }
    template = "letters/public/home.html"
    if wants_fragment(request):
        template += "#letter-list"
    return render(request, template, context)


@require_safe
@vary_on_headers(*HTMX_VARY)
def letter_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The public letter page; staff also preview drafts on it.

    The preview is looked for only once the public page is not found, so the public path
    stays as cached and as cheap as before, and the preview never enters the page cache,
    never gets an ETag and is never indexed.
    """
    try:
        return _public_letter_page(request, slug=slug)
    except Http404:
        if not (request.user.is_authenticated and request.user.is_staff):
            raise
    drafts = Letter.objects.filter(visibility=Visibility.DRAFT)
    response = _letter_page(request, slug, drafts, preview=True)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@cached_public_page(page_scopes.letter)
def _public_letter_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _letter_page(request, slug, Letter.objects.published())


def _letter_page(
    request: HtmxHttpRequest, slug: str, letters: QuerySet[Letter], preview: bool = False
) -> HttpResponse:
    fragment = wants_fragment(request)
    # The list fragment shows nothing of the letter but its list, read by these columns.
    if fragment:
        letter = get_object_or_404(letters.only("slug", "public_count"), slug=slug)
    else:
        letter = letter_with_parts(letters, slug)

    query = text_param(request, "q")
    kind = request.GET.get("kind", "")
    country = country_filter(text_param(request, "country"))
    filtered = bool(query or kind or country)
    page = _list_page(request, letter, query, kind, country)
    context = {
        "letter": letter,
        "page": page,
        "signatory_items": signatory_items(page.object_list, letter.slug),
        "query": query,
        "kind": kind if kind in SignerKind.values else "",
        "country": country,
        "filtered": filtered,
        "preview": preview,
    }
    template = "letters/public/letter_detail.html"
    if fragment:
        template += "#signatory-list"
    else:
        url = request.build_absolute_uri(letter.get_absolute_url())
        # The filter form's choices: the fragment replaces the list, never the form.
        context["kinds"] = KIND_FILTER
        context["countries"] = country_options(letter.signatory_countries)
        # When its figures were read: the page may come from the page cache.
        context["rendered_at"] = timezone.now()
        chart = signatures_over_time(letter)
        context["chart"] = chart_html(chart) if chart else None
        context["letter_texts"] = letter_texts(letter.texts.all(), text_param(request, TEXT_PARAM))
        context["share_description"] = _share_description(letter)
        context["share_image"] = request.build_absolute_uri(card_url(letter))
        # No access date: the page may be served from the page cache for days. The
        # cite.txt and cite.bib downloads are never cached and carry today's date.
        names = authors(letter)
        context["citation"] = {
            "text": plain_citation(letter, url, accessed=None, names=names),
            "bibtex": bibtex_citation(letter, url, accessed=None, names=names),
        }
    return render(request, template, context)


def _list_page(
    request: HttpRequest, letter: Letter, query: str, kind: str, country: str
) -> Page[Any]:
    """The page of the letter's public list that the request asks for, as rows."""
    per_page = settings.LETTER_SIGNATORIES_PER_PAGE
    # Either page holds which signatures it shows (their ids, or their ranks); the page
    # returned holds them as rows.
    if query or kind or country:
        matches = Signature.objects.public_on(letter)
        matches = matches.on_letter_matching(letter, query).of_kind(kind)
        if country:
            matches = matches.filter(country=country)
        page = paginate_matches(request, matches, per_page)
        rows = signatory_rows(cast("list[int]", page.object_list))  # the page's ids
    else:
        page = paginate_ranked(request, per_page, letter.public_count)
        rows = signatory_rows(ranks(letter.pk, page))
    return Page(rows, page.number, page.paginator)


def _share_description(letter: Letter) -> str:
    """What a link to the letter says when shared: its summary, then its counts."""
    listed = letter.listed_count
    counts = ngettext(
        "%(count)s signatory listed here", "%(count)s signatories listed here", listed
    ) % {"count": number_format(listed, force_grouping=True)}
    if reported := letter.reported_summary():
        counts += f", {reported}"
    return " ".join(part for part in (Truncator(letter.summary).chars(200), f"{counts}.") if part)


@require_safe
@cached_public_page(page_scopes.letter)
def letter_print(request: HttpRequest, slug: str) -> HttpResponse:
    """The whole public signatory list on one page, to print: no pagination, no forms."""
    letter = get_object_or_404(
        Letter.objects.published().prefetch_related("reported_counts", "addressees"),
        slug=slug,
    )
    context = {"letter": letter, "signatures": full_public_list(letter)}
    return render(request, "letters/public/letter_print.html", context)


@require_safe
@cached_public_page(page_scopes.letter)
def letter_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """When each signatory was first listed or withdrew, and "how many on day X?"."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    timeline = build_timeline(letter, page_number(request.GET.get("page")))
    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    as_of = None
    if form.is_valid():
        day = form.cleaned_data["as_of"]
        listed = Signature.objects.filter(letter=letter).listed_as_of(day.isoformat()).count()
        as_of = {"day": day, "listed": listed}
    context = {
        "letter": letter,
        "page": timeline.page,
        "days": timeline.days,
        "undated": timeline.undated,
        "form": form,
        "as_of": as_of,
        "names_per_date": TIMELINE_NAMES_PER_DATE,
    }
    return render(request, "letters/public/timeline.html", context)
