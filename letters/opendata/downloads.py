"""Downloads of a letter's public signatory list, as CSV and as JSON.

Both are streamed: the rows are read CHUNK_SIZE at a time through the letter's
`list_rank` index (keyset pagination, so chunk N costs what chunk 1 does) and written
out as they come, so a letter of 100,000 signatures needs no more memory than one of
1,000. Each chunk's sources are fetched in one more query, never one per row.

The CSV stays a plain table that any CSV tool reads: one header row, then one row per
signature. What describes it (the letter, its sources, the licence) is in the JSON
download and in the CSV response's `Link` header.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from functools import wraps

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.lib.spreadsheets import neutralise
from letters.models import Letter, Signature, SignerKind, Visibility
from letters.page_cache import etag_for

from .params import BadDate, parse_day
from .records import SignatureRecord, letter_metadata, letter_sources, licence, standing_fields

CHUNK_SIZE = 1000

# What a signature says of its listing, under the same name in the model, the CSV and the
# JSON records.
LISTING_FIELDS = (
    "role",
    "country",
    "country_is_inferred",
    "status",
    "first_listed",
    "withdrawn_on",
    "withdrawal_reason",
)
# Where a signature made on this site's form comes from (`site_signup_fields`).
SITE_SIGNUP_COLUMNS = [
    "signed_on_site_on",
    "verification",
    "verified_domain",
    "verification_method",
]

CSV_COLUMNS = [
    "position",
    "published_name",
    "canonical_name",
    "kind",
    *LISTING_FIELDS,
    "source_urls",
    "canonical_url",
    *SITE_SIGNUP_COLUMNS,
]


def csv_row(record: SignatureRecord) -> list[object]:
    """A signature record as CSV cells, in CSV_COLUMNS order."""
    cells: dict[str, object] = {
        **record,
        "country_is_inferred": "true" if record["country_is_inferred"] else "false",
        # URLs never contain a raw space, so a space separates them unambiguously.
        "source_urls": " ".join(record["source_urls"]),
    }
    return [
        neutralise(value) if isinstance(value, str) else ("" if value is None else value)
        for value in (cells[column] for column in CSV_COLUMNS)
    ]


def public_signatures(letter: Letter, as_of: str | None) -> QuerySet[Signature]:
    """The signatures a download lists: the public ones, or those listed on `as_of`."""
    signatures = Signature.objects.public_on(letter)
    if as_of:
        signatures = signatures.listed_as_of(as_of)
    return signatures


# A download reads plain values, not model instances: building a Signature, its signer
# and its Source objects per row was most of the time a 100,000-row download took.
RECORD_FIELDS = (
    "pk",
    "list_rank",
    "published_name",
    "organisation_id",
    "organisation__name",
    "organisation__slug",
    "person__name",
    "person__slug",
    *LISTING_FIELDS,
    "note",
    "signed_on_site_at",
    "verified_domain",
    "verification_method",
)

_SLUG_PLACEHOLDER = "SLUG"


def signer_url_parts(view_name: str, base_url: str) -> tuple[str, str]:
    """A signer page's absolute URL split around its slug, from one `reverse()` per
    download rather than one per row.

    Slugs are letters, digits, '-' and '_' (the URL's slug converter accepts nothing
    else), which `reverse()` never escapes: prefix + slug + suffix is what it would give.
    """
    path = reverse(view_name, args=[_SLUG_PLACEHOLDER])
    prefix, suffix = path.rsplit(_SLUG_PLACEHOLDER, 1)
    return base_url + prefix, suffix


def sources_by_signature(signature_ids: list[int]) -> dict[int, list[str]]:
    """The source URLs of each signature, sorted, from one query on the M2M table."""
    links = (
        Signature.sources.through.objects.filter(signature_id__in=signature_ids)
        .order_by("signature_id", "source__url")
        .values_list("signature_id", "source__url")
    )
    urls: dict[int, list[str]] = {}
    for signature_id, url in links:
        urls.setdefault(signature_id, []).append(url)
    return urls


def download_records(
    signatures: QuerySet[Signature], base_url: str
) -> Iterator[list[SignatureRecord]]:
    """`signatures` in list order as `signature_record` dicts, CHUNK_SIZE at a time: two
    queries per chunk (the rows with their signers, then their sources), whatever the
    letter's size.

    Chunks are read along the `list_rank` index (keyset, so chunk N costs what chunk 1
    does) as separate queries: a list renumbered while a download runs can repeat or
    skip a row in that download, as paging through the HTML list could.
    """
    organisation_url = signer_url_parts("organisation_detail", base_url)
    person_url = signer_url_parts("person_detail", base_url)
    rows = signatures.order_by("list_rank").values_list(*RECORD_FIELDS)
    after = 0
    while True:
        chunk = list(rows.filter(list_rank__gt=after)[:CHUNK_SIZE])
        if not chunk:
            return
        sources = sources_by_signature([row[0] for row in chunk])
        records: list[SignatureRecord] = []
        for (
            pk,
            list_rank,
            published_name,
            organisation_id,
            organisation_name,
            organisation_slug,
            person_name,
            person_slug,
            role,
            country,
            country_is_inferred,
            status,
            first_listed,
            withdrawn_on,
            withdrawal_reason,
            note,
            signed_on_site_at,
            verified_domain,
            verification_method,
        ) in chunk:
            if organisation_id:
                kind, name, slug, (prefix, suffix) = (
                    SignerKind.ORGANISATION.value,
                    organisation_name,
                    organisation_slug,
                    organisation_url,
                )
            else:
                kind, name, slug, (prefix, suffix) = (
                    SignerKind.INDIVIDUAL.value,
                    person_name,
                    person_slug,
                    person_url,
                )
            records.append(
                {
                    "id": pk,
                    "position": list_rank,
                    "published_name": published_name,
                    "canonical_name": name,
                    "canonical_slug": slug,
                    "canonical_url": prefix + slug + suffix,
                    "kind": kind,
                    "role": role,
                    "country": country,
                    "country_is_inferred": country_is_inferred,
                    **standing_fields(status, first_listed, withdrawn_on, withdrawal_reason),
                    "note": note,
                    "source_urls": sources.get(pk, []),
                    "signed_on_site_on": Signature.day_signed_on_site(signed_on_site_at),
                    "verification": Signature.verification_of(
                        signed_on_site_at, verified_domain, verification_method
                    ),
                    "verified_domain": verified_domain,
                    "verification_method": verification_method,
                }
            )
        yield records
        if len(chunk) < CHUNK_SIZE:
            return
        after = chunk[-1][1]


def _downloadable_letter(request: HttpRequest, slug: str) -> Letter:
    """A published letter; staff may also download drafts to check them."""
    letters = Letter.objects.all() if request.user.is_staff else Letter.objects.published()
    return get_object_or_404(letters, slug=slug)


def _filename(letter: Letter, as_of: str | None, extension: str) -> str:
    dated = f"-as-of-{as_of}" if as_of else ""
    return f"{letter.slug}-signatories{dated}.{extension}"


def _download(
    request: HttpRequest,
    letter: Letter,
    etag: str,
    content: Callable[[], Iterator[str]],
    content_type: str,
    filename: str,
    links: tuple[str, ...] = (),
) -> HttpResponseBase:
    """A streamed download, revalidated with its letter's ETag (page_cache.etag_for).

    A draft (only staff get one) is never stored by a shared cache.
    """
    published = letter.visibility == Visibility.PUBLISHED
    if published:
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
    response = StreamingHttpResponse(content(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    methodology = request.build_absolute_uri(reverse("methodology"))
    response["Link"] = ", ".join(
        [f'<{settings.DATA_LICENCE_URL}>; rel="license"', f'<{methodology}>; rel="describedby"']
        + list(links)
    )
    if published:
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


# A streamed download is not an HttpResponse: both share HttpResponseBase. It is built
# from the request, the letter, the `as_of` day and the ETag.
DownloadBuilder = Callable[[HttpRequest, Letter, str | None, str], HttpResponseBase]


def download_view(build: DownloadBuilder) -> Callable[[HttpRequest, str], HttpResponseBase]:
    """A download of one letter's list: the letter (published, or a draft for staff) and
    the `?as_of=` day, or a 400 that says what is wrong with the day."""

    @require_safe
    @wraps(build)
    def view(request: HttpRequest, slug: str) -> HttpResponseBase:
        # The version first, then the letter and its list: never an older list under a
        # newer ETag.
        etag = etag_for(request, [page_scopes.letter(slug)])
        letter = _downloadable_letter(request, slug)
        raw = request.GET.get("as_of", "")
        try:
            as_of = parse_day("as_of", raw) if raw else None
        except BadDate as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        return build(request, letter, as_of, etag)

    return view


@download_view
def letter_signatories_csv(
    request: HttpRequest, letter: Letter, as_of: str | None, etag: str
) -> HttpResponseBase:
    base_url = request.build_absolute_uri("/")[:-1]
    signatures = public_signatures(letter, as_of)

    def content() -> Iterator[str]:
        # One writer per chunk, over a buffer the chunk is then taken from whole.
        buffer = io.StringIO()
        csv.writer(buffer).writerow(CSV_COLUMNS)
        yield buffer.getvalue()
        for records in download_records(signatures, base_url):
            buffer = io.StringIO()
            csv.writer(buffer).writerows(csv_row(record) for record in records)
            yield buffer.getvalue()

    json_url = reverse("letter_signatories_json", args=[letter.slug])
    if as_of:
        json_url += f"?as_of={as_of}"
    companion = (
        f'<{request.build_absolute_uri(json_url)}>; rel="describedby"; type="application/json"'
    )
    return _download(
        request,
        letter,
        etag,
        content,
        "text/csv; charset=utf-8",
        _filename(letter, as_of, "csv"),
        links=(companion,),
    )


@download_view
def letter_signatories_json(
    request: HttpRequest, letter: Letter, as_of: str | None, etag: str
) -> HttpResponseBase:
    base_url = request.build_absolute_uri("/")[:-1]
    head = {
        "licence": licence(),
        "methodology": base_url + reverse("methodology"),
        "letter": letter_metadata(letter, base_url),
        "sources": letter_sources(letter),
        "as_of": as_of,
    }

    def content() -> Iterator[str]:
        # The object is written by hand around the array so that it can be streamed: the
        # head as one JSON object minus its closing brace, then the rows, then "]}".
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "signatures": ['
        separator = ""
        for records in download_records(public_signatures(letter, as_of), base_url):
            rows = (json.dumps(record, ensure_ascii=False) for record in records)
            yield separator + ",\n".join(rows)
            separator = ",\n"
        yield "]}\n"

    return _download(
        request,
        letter,
        etag,
        content,
        "application/json; charset=utf-8",
        _filename(letter, as_of, "json"),
    )
