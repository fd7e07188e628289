"""The read-only JSON API under /api/v1/, described by letters/openapi.py.

Plain Django views returning JsonResponse. Every answer is public data only (published
letters, public signature statuses; never staff notes, emails, IP addresses or sign-up
requests), carries the data licence, and costs a fixed number of queries however much
data there is. Bad input is a 400 with a JSON error saying what is wrong, an unknown
object a 404, anything but GET or HEAD a 405.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from .cache import content_version
from .exports import (
    BadDate,
    letter_metadata,
    letter_sources,
    licence,
    parse_day,
    signature_record,
    source_record,
)
from .models import (
    PUBLIC_STATUSES,
    Addressee,
    EndorsementStance,
    Letter,
    Organisation,
    OrganisationKind,
    Organiser,
    Person,
    Side,
    Signature,
    SignerKind,
    Source,
    SourceKind,
    Visibility,
)
from .models import Endorsement as EndorsementModel

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
PAGE_PARAMETERS = ("page", "page_size")

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"status": status, "message": message}}, status=status)


def api_view(view: Callable) -> Callable:
    """GET and HEAD only, JSON errors, CORS for anyone, the licence in a Link header, and
    an ETag from the public content version so that clients can revalidate cheaply.

    CSRF-exempt so that a POST gets this API's 405 rather than the site's CSRF page:
    no method here changes anything.
    """

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error_response(
                405, f"{request.method} is not allowed: this API is read-only (GET, HEAD)."
            )
            response["Allow"] = "GET, HEAD"
        else:
            fingerprint = f"{content_version()}|{request.get_full_path()}"
            etag = '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'
            response = get_conditional_response(request, etag=etag)
            if response is None:
                try:
                    response = view(request, *args, **kwargs)
                except ApiError as error:
                    response = error_response(error.status, error.message)
            if response.status_code in (200, 304):
                response["ETag"] = etag
                patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        response["Access-Control-Allow-Origin"] = "*"
        response["Link"] = f'<{settings.DATA_LICENCE_URL}>; rel="license"'
        return response

    return wrapper


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def check_parameters(request: HttpRequest, filters: tuple[str, ...]) -> None:
    """Refuse unknown parameters: a misspelt filter must not silently return everything."""
    allowed = (*filters, *PAGE_PARAMETERS)
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ApiError(
            400, f"Unknown parameter {unknown[0]!r}; this endpoint takes: {', '.join(allowed)}."
        )


def text_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "").strip()
    if "\x00" in value or len(value) > 200:
        raise ApiError(400, f"{name} must be text of at most 200 characters.")
    return value


def choice_parameter(request: HttpRequest, name: str, choices) -> str:
    value = request.GET.get(name, "")
    if value and value not in choices:
        raise ApiError(400, f"{name} must be one of: {', '.join(choices)}.")
    return value


def slug_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    if value and not _SLUG.match(value):
        raise ApiError(400, f"{name} must be a slug (letters, digits, '-' and '_').")
    return value


def day_parameter(request: HttpRequest, name: str) -> str:
    value = request.GET.get(name, "")
    try:
        return parse_day(name, value) if value else ""
    except BadDate as error:
        raise ApiError(400, str(error)) from None


def positive_int_parameter(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, f"{name} must be a whole number of at least 1.")
    return int(raw)


def on_or_after(field: str, day: str) -> Q:
    """A partial date counts from its start: 'February 2020' is on or after 2020-02-01.

    As text, '2020-02' sorts before '2020-02-01', so the month (and the year) that start
    on `day` are added by name.
    """
    condition = Q(**{f"{field}__gte": day})
    if day.endswith("-01"):
        condition |= Q(**{field: day[:7]})
    if day.endswith("-01-01"):
        condition |= Q(**{field: day[:4]})
    return condition


def on_or_before(field: str, day: str) -> Q:
    """A partial date's text sorts before its first day, so it counts from its start."""
    return Q(**{f"{field}__lte": day})


def date_filters(request: HttpRequest, field: str, prefix: str) -> Q:
    condition = Q()
    if after := day_parameter(request, f"{prefix}_after"):
        condition &= on_or_after(field, after)
    if before := day_parameter(request, f"{prefix}_before"):
        condition &= on_or_before(field, before)
    return condition


# ---------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------


def licence_record(request: HttpRequest) -> dict:
    return {**licence(), "methodology": request.build_absolute_uri(reverse("methodology"))}


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def detail_response(request: HttpRequest, data: dict) -> JsonResponse:
    return JsonResponse({"licence": licence_record(request), "data": data})


class Page:
    """Which slice of a list a request asks for, validated before any query."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.number = positive_int_parameter(request, "page", 1)
        size = positive_int_parameter(request, "page_size", DEFAULT_PAGE_SIZE)
        self.size = min(size, MAX_PAGE_SIZE)
        self.start = (self.number - 1) * self.size
        self.end = self.start + self.size

    def check_exists(self, count: int) -> None:
        if self.number > 1 and self.start >= count:
            last = max(1, -(-count // self.size))
            raise ApiError(404, f"Page {self.number} does not exist; the last page is {last}.")

    def link(self, number: int) -> str:
        query = self.request.GET.copy()
        query["page"] = str(number)
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(query, True)}")

    def response(self, results: list[dict], count: int) -> JsonResponse:
        return JsonResponse(
            {
                "licence": licence_record(self.request),
                "count": count,
                "page": self.number,
                "page_size": self.size,
                "next": self.link(self.number + 1) if self.end < count else None,
                "previous": self.link(self.number - 1) if self.number > 1 else None,
                "results": results,
            }
        )


def paginated(request: HttpRequest, queryset, record: Callable[[object], dict]) -> JsonResponse:
    """COUNT(*) and an OFFSET page: for lists that stay small (letters, signers, sources)."""
    page = Page(request)
    count = queryset.count()
    page.check_exists(count)
    return page.response([record(item) for item in queryset[page.start : page.end]], count)


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


def signer_ref(signer: Organisation | Person, base: str) -> dict:
    kind = "organisation" if isinstance(signer, Organisation) else "person"
    api_name = "api_organisation_detail" if kind == "organisation" else "api_person_detail"
    return {
        "kind": kind,
        "slug": signer.slug,
        "name": signer.name,
        "url": base + signer.get_absolute_url(),
        "api_url": base + reverse(api_name, args=[signer.slug]),
    }


def letter_summary(letter: Letter, base: str) -> dict:
    """A letter in a list. Reads `topics.all()`: prefetch it."""
    return {
        "slug": letter.slug,
        "title": letter.title,
        "date": letter.date or None,
        "side": letter.side,
        "stance": letter.stance,
        "listed_count": letter.listed_count,
        "public_count": letter.public_count,
        "topics": [topic.slug for topic in letter.topics.all()],
        "url": base + letter.get_absolute_url(),
        "api_url": base + reverse("api_letter_detail", args=[letter.slug]),
    }


def party_record(party: Addressee | Organiser, base: str) -> dict:
    signer = party.person or party.organisation
    return {
        "name": party.name,
        "role": party.role,
        "signer": signer_ref(signer, base) if signer else None,
    }


def letter_detail_record(letter: Letter, base: str) -> dict:
    answered = letter.in_response_to
    return {
        **letter_metadata(letter, base),
        "topics": [topic.slug for topic in letter.topics.all()],
        "in_response_to": (
            answered.slug if answered and answered.visibility == Visibility.PUBLISHED else None
        ),
        "addressees": [party_record(a, base) for a in letter.addressees.all()],
        "organisers": [party_record(o, base) for o in letter.organisers.all()],
        "reported_counts": [
            {
                "signatories_text": count.signatories_text,
                "signatories_value": count.signatories_value,
                "countries": count.countries,
                "note": count.note,
                "source": source_record(count.source),
            }
            for count in letter.reported_counts.all()
        ],
        "sources": letter_sources(letter),
        "signatures_url": base + reverse("api_letter_signature_list", args=[letter.slug]),
        "endorsements_url": base + reverse("api_endorsement_list") + f"?letter={letter.slug}",
        "csv_url": base + reverse("letter_signatories_csv", args=[letter.slug]),
        "json_url": base + reverse("letter_signatories_json", args=[letter.slug]),
    }


def api_signature_record(signature: Signature, base: str) -> dict:
    return {**signature_record(signature, base), "letter": signature.letter.slug}


def organisation_record(organisation: Organisation, base: str) -> dict:
    return {
        **signer_ref(organisation, base),
        "country": organisation.country,
        "organisation_kind": organisation.kind,
        "website": organisation.website,
    }


def person_record(person: Person, base: str) -> dict:
    return {**signer_ref(person, base), "country": person.country, "website": person.website}


def signed_record(signature: Signature) -> dict:
    """A signature seen from its signer's page."""
    return {
        "id": signature.pk,
        "letter": signature.letter.slug,
        "letter_title": signature.letter.title,
        "published_name": signature.published_name,
        "role": signature.role,
        "status": signature.status,
        "first_listed": signature.first_listed or None,
    }


def endorsement_record(endorsement: EndorsementModel, base: str) -> dict:
    return {
        "id": endorsement.pk,
        "letter": endorsement.letter.slug,
        "endorser": signer_ref(endorsement.endorser, base),
        "office": endorsement.office,
        "jurisdiction": endorsement.jurisdiction,
        "date": endorsement.date or None,
        "stance": endorsement.stance,
        "quote": endorsement.quote,
        "note": endorsement.note,
        "source": source_record(endorsement.source),
    }


# ---------------------------------------------------------------------------
# Public selections
# ---------------------------------------------------------------------------


def public_signatures():
    return Signature.objects.public().select_related("letter", "organisation", "person")


def public_endorsements():
    return EndorsementModel.objects.public().select_related(
        "letter", "person", "organisation", "source"
    )


def signed_prefetch() -> Prefetch:
    return Prefetch(
        "signatures",
        queryset=Signature.objects.public()
        .select_related("letter")
        .order_by("-letter__date", "pk"),
        to_attr="public_signatures",
    )


# ---------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------


@api_view
def letter_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("topic", "side", "date_after", "date_before"))
    letters = (
        Letter.objects.published()
        .prefetch_related("topics")
        .filter(date_filters(request, "date", "date"))
    )
    if topic := slug_parameter(request, "topic"):
        letters = letters.filter(topics__slug=topic)
    if side := choice_parameter(request, "side", Side.values):
        letters = letters.filter(side=side)
    base = base_url(request)
    return paginated(request, letters, lambda letter: letter_summary(letter, base))


def _published_letter(slug: str, letters=None) -> Letter:
    letters = Letter.objects.published() if letters is None else letters
    letter = letters.filter(slug=slug).first()
    if letter is None:
        raise ApiError(404, f"No published letter has the slug {slug!r}.")
    return letter


@api_view
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


@api_view
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
    country = text_parameter(request, "country")
    dates = date_filters(request, "first_listed", "first_listed")
    letter = _published_letter(slug)

    rows = (
        Signature.objects.filter(letter=letter)
        .select_related("letter", "organisation", "person")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("url")))
        .order_by("list_rank")
    )
    if status or kind or country or dates:
        matches = Signature.objects.filter(letter=letter, status__in=PUBLIC_STATUSES)
        matches = matches.filter(dates).of_kind(kind)
        if status:
            matches = matches.filter(status=status)
        if country:
            matches = matches.filter(country=country)
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


@api_view
def signature_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    signature = public_signatures().prefetch_related("sources").filter(pk=id).first()
    if signature is None:
        raise ApiError(404, f"No public signature has the id {id}.")
    return detail_response(request, api_signature_record(signature, base_url(request)))


@api_view
def organisation_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("country", "kind"))
    organisations = Organisation.objects.public().order_by("name", "pk")
    if country := text_parameter(request, "country"):
        organisations = organisations.filter(country=country)
    if kind := choice_parameter(request, "kind", OrganisationKind.values):
        organisations = organisations.filter(kind=kind)
    base = base_url(request)
    return paginated(request, organisations, lambda o: organisation_record(o, base))


def signer_detail(request: HttpRequest, signers, slug: str, record: Callable, noun: str):
    """An organisation or a person: its record, aliases and public signatures."""
    check_parameters(request, ())
    signer = (
        signers.public().prefetch_related("aliases", signed_prefetch()).filter(slug=slug).first()
    )
    if signer is None:
        raise ApiError(404, f"No public {noun} has the slug {slug!r}.")
    data = {
        **record(signer, base_url(request)),
        "aliases": [alias.name for alias in signer.aliases.all()],
        "signatures": [signed_record(s) for s in signer.public_signatures],
    }
    return detail_response(request, data)


@api_view
def organisation_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return signer_detail(request, Organisation.objects, slug, organisation_record, "organisation")


@api_view
def person_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("country",))
    people = Person.objects.public().order_by("name", "pk")
    if country := text_parameter(request, "country"):
        people = people.filter(country=country)
    base = base_url(request)
    return paginated(request, people, lambda p: person_record(p, base))


@api_view
def person_detail(request: HttpRequest, slug: str) -> JsonResponse:
    return signer_detail(request, Person.objects, slug, person_record, "person")


@api_view
def endorsement_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("letter", "stance", "date_after", "date_before"))
    endorsements = public_endorsements().filter(date_filters(request, "date", "date"))
    if letter := slug_parameter(request, "letter"):
        endorsements = endorsements.filter(letter__slug=letter)
    if stance := choice_parameter(request, "stance", EndorsementStance.values):
        endorsements = endorsements.filter(stance=stance)
    base = base_url(request)
    return paginated(request, endorsements, lambda e: endorsement_record(e, base))


@api_view
def endorsement_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    endorsement = public_endorsements().filter(pk=id).first()
    if endorsement is None:
        raise ApiError(404, f"No public endorsement has the id {id}.")
    return detail_response(request, endorsement_record(endorsement, base_url(request)))


@api_view
def source_list(request: HttpRequest) -> JsonResponse:
    check_parameters(request, ("kind",))
    sources = Source.objects.public().order_by("pk")
    if kind := choice_parameter(request, "kind", SourceKind.values):
        sources = sources.filter(kind=kind)
    return paginated(request, sources, source_record)


@api_view
def source_detail(request: HttpRequest, id: int) -> JsonResponse:
    check_parameters(request, ())
    source = Source.objects.public().filter(pk=id).first()
    if source is None:
        raise ApiError(404, f"No public source has the id {id}.")
    return detail_response(request, source_record(source))
