"""The read-only JSON API under /api/v1/, described by letters/opendata/openapi.py.

Plain Django views returning JsonResponse. Every answer is public data only (published
letters, public signature statuses; never staff notes, emails, IP addresses or sign-up
requests), carries the data licence, and costs a fixed number of queries however much
data there is. Bad input is a 400 with a JSON error saying what is wrong, an unknown
object a 404, anything but GET or HEAD a 405.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest, JsonResponse

from letters import page_scopes
from letters.lib.countries import country_filter
from letters.models import (
    PUBLIC_STATUSES,
    Endorsement,
    EndorsementStance,
    Letter,
    Organisation,
    OrganisationKind,
    Person,
    Side,
    Signature,
    SignerKind,
    SignerQuerySet,
    Source,
    SourceKind,
)
from letters.page_cache import depends_on

from .params import (
    ApiError,
    check_parameters,
    choice_parameter,
    date_filters,
    filtered,
    slug_parameter,
    text_parameter,
)
from .records import (
    JsonObject,
    api_signature_record,
    endorsement_record,
    letter_detail_record,
    letter_summary,
    organisation_record,
    person_record,
    signed_record,
    source_record,
)
from .responses import Page, api_view, base_url, detail_response, paginated

# ---------------------------------------------------------------------------
# Public selections
# ---------------------------------------------------------------------------


def public_signatures() -> QuerySet[Signature]:
    return Signature.objects.public().select_related("letter", "organisation", "person")


def public_endorsements() -> QuerySet[Endorsement]:
    return Endorsement.objects.public().select_related("letter", "person", "organisation", "source")


def signed_prefetch() -> Prefetch:
    """A signer's public signatures only: its `signatures.all()` then reads these."""
    return Prefetch(
        "signatures",
        queryset=Signature.objects.public()
        .select_related("letter")
        .order_by("-letter__date", "pk"),
    )


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------


@api_view(page_scopes.INDEXES)
def letter_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("topic", "side", "date_after", "date_before"))
    letters = (
        Letter.objects.published()
        .prefetch_related("topics")
        .filter(date_filters(request, "date", "date"))
    )
    letters = filtered(
        letters,
        topics__slug=slug_parameter(request, "topic"),
        side=choice_parameter(request, "side", Side.values),
    )
    return paginated(request, letters, letter_summary)


def _published_letter(slug: str, letters: QuerySet[Letter] | None = None) -> Letter:
    letters = Letter.objects.published() if letters is None else letters
    letter = letters.filter(slug=slug).first()
    if letter is None:
        raise ApiError(404, f"No published letter has the slug {slug!r}.")
    return letter


@api_view(page_scopes.letter)
def letter_detail(request: HttpRequest, slug: str) -> JsonResponse:
    check_parameters(request, ())
    letters = (
        Letter.objects.published()
        .select_related("in_response_to")
        .prefetch_related(
            "topics",
            "addressees__person",
            "addressees__organisation",
            "organisers__person",
            "organisers__organisation",
            "reported_counts__source",
            "documents",
            "coverage",
        )
    )
    letter = _published_letter(slug, letters)
    return detail_response(request, letter_detail_record(letter, base_url(request)))


SIGNATURE_FILTERS = ("status", "country", "kind", "first_listed_after", "first_listed_before")


@api_view(page_scopes.letter)
def letter_signature_list(request: HttpRequest, slug: str) -> JsonResponse:
    """A letter's public signatures in list order.

    Unfiltered, the count is the letter's maintained `public_count` and a page is a
    `list_rank` range, as on the HTML list: no COUNT(*), no OFFSET. Filtered, one query
    finds the matching ids in list order (their number is the count) and one more
    fetches the page.
    """
    check_parameters(request, SIGNATURE_FILTERS)
    page = Page(request)
    status = choice_parameter(request, "status", [str(s) for s in PUBLIC_STATUSES])
    kind = choice_parameter(request, "kind", SignerKind.values)
    country = country_filter(text_parameter(request, "country"))
    dates = date_filters(request, "first_listed", "first_listed")
    letter = _published_letter(slug)

    rows = (
        Signature.objects.filter(letter=letter)
        .select_related("letter", "organisation", "person")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("url")))
        .order_by("list_rank")
    )
    if status or kind or country or dates:
        matches = Signature.objects.public_on(letter).filter(dates).of_kind(kind)
        matches = filtered(matches, status=status, country=country)
        ids = list(matches.order_by("list_rank").values_list("pk", flat=True))
        count = len(ids)
        page.check_exists(count)
        rows = rows.filter(pk__in=ids[page.start : page.end])
    else:
        count = letter.public_count
        page.check_exists(count)
        rows = rows.filter(list_rank__gt=page.start, list_rank__lte=page.end)
    base = base_url(request)
    return page.response([api_signature_record(s, base) for s in rows], count)


@api_view(page_scopes.INDEXES)
def signature_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    signature = public_signatures().prefetch_related("sources").filter(pk=id).first()
    if signature is None:
        raise ApiError(404, f"No public signature has the id {id}.")
    return detail_response(request, api_signature_record(signature, base_url(request)))


@api_view(page_scopes.INDEXES)
def organisation_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("country", "kind"))
    organisations = Organisation.objects.public().order_by("name", "pk")
    organisations = filtered(
        organisations,
        country=country_filter(text_parameter(request, "country")),
        kind=choice_parameter(request, "kind", OrganisationKind.values),
    )
    return paginated(request, organisations, organisation_record)


SignerT = TypeVar("SignerT", Organisation, Person)


def signer_detail(
    request: HttpRequest,
    signers: SignerQuerySet[SignerT],
    slug: str,
    record: Callable[[SignerT, str], JsonObject],
    noun: str,
) -> JsonResponse:
    """An organisation or a person: its record, aliases and public signatures."""
    check_parameters(request, ())
    signer = signers.public().filter(slug=slug).first()
    if signer is None:
        raise ApiError(404, f"No public {noun} has the slug {slug!r}.")
    # Before reading what it shows of its letters (their titles).
    depends_on(request, *page_scopes.letters_of(signer))
    prefetch_related_objects([signer], "aliases", signed_prefetch())
    data = {
        **record(signer, base_url(request)),
        "aliases": [alias.name for alias in signer.aliases.all()],
        "signatures": [signed_record(s) for s in signer.signatures.all()],
    }
    return detail_response(request, data)


@api_view(page_scopes.organisation)
def organisation_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return signer_detail(
        request, Organisation.objects.all(), slug, organisation_record, "organisation"
    )


@api_view(page_scopes.INDEXES)
def person_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("country",))
    people = Person.objects.public().order_by("name", "pk")
    people = filtered(people, country=country_filter(text_parameter(request, "country")))
    return paginated(request, people, person_record)


@api_view(page_scopes.person)
def person_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return signer_detail(request, Person.objects.all(), slug, person_record, "person")


@api_view(page_scopes.INDEXES)
def endorsement_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("letter", "stance", "date_after", "date_before"))
    endorsements = public_endorsements().filter(date_filters(request, "date", "date"))
    endorsements = filtered(
        endorsements,
        letter__slug=slug_parameter(request, "letter"),
        stance=choice_parameter(request, "stance", EndorsementStance.values),
    )
    return paginated(request, endorsements, endorsement_record)


@api_view(page_scopes.INDEXES)
def endorsement_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    endorsement = public_endorsements().filter(pk=id).first()
    if endorsement is None:
        raise ApiError(404, f"No public endorsement has the id {id}.")
    return detail_response(request, endorsement_record(endorsement, base_url(request)))


@api_view(page_scopes.INDEXES)
def source_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("kind",))
    sources = Source.objects.public().order_by("pk")
    sources = filtered(sources, kind=choice_parameter(request, "kind", SourceKind.values))
    return paginated(request, sources, source_record)


@api_view(page_scopes.INDEXES)
def source_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    source = Source.objects.public().filter(pk=id).first()
    if source is None:
        raise ApiError(404, f"No public source has the id {id}.")
    return detail_response(request, source_record(source))
