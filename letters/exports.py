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
import datetime
import hashlib
import io
import json
import re
from collections.abc import Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from .cache import content_version
from .models import PUBLIC_STATUSES, Letter, Signature, SignerKind, Source, Visibility

CHUNK_SIZE = 1000

CSV_COLUMNS = [
    "position",
    "published_name",
    "canonical_name",
    "kind",
    "role",
    "country",
    "country_is_inferred",
    "status",
    "first_listed",
    "withdrawn_on",
    "source_urls",
    "canonical_url",
]

# Spreadsheets run a cell starting with one of these as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadDate(ValueError):
    """A date parameter that is not a real YYYY-MM-DD day; its message is for the client."""


def parse_day(name: str, raw: str) -> str:
    """`raw` as an ISO day ('2020-02-07'), or BadDate saying what is wrong with it."""
    try:
        if not _ISO_DAY.match(raw):
            raise ValueError
        datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadDate(f"{name} must be a date written as YYYY-MM-DD, such as 2020-02-07.") from None
    return raw


def neutralise(cell: str) -> str:
    """Text a spreadsheet shows as text, never runs: formula-like cells get a leading '."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def licence() -> dict:
    return {"name": settings.DATA_LICENCE_NAME, "url": settings.DATA_LICENCE_URL}


def signature_record(signature: Signature, base_url: str) -> dict:
    """One public signature as plain data: the API's row, built from a model instance.

    Reads `organisation`, `person` and `sources.all()`: select and prefetch them. The
    downloads build the same dict from plain values (`download_records`).
    """
    signer = signature.signer
    return {
        "id": signature.pk,
        "position": signature.list_rank,
        "published_name": signature.published_name,
        "canonical_name": signer.name,
        "canonical_slug": signer.slug,
        "canonical_url": base_url + signer.get_absolute_url(),
        "kind": signature.kind,
        "role": signature.role,
        "country": signature.country,
        "country_is_inferred": signature.country_is_inferred,
        "status": signature.status,
        "first_listed": signature.first_listed or None,
        "withdrawn_on": signature.withdrawn_on or None,
        "note": signature.note,
        "source_urls": [source.url for source in signature.sources.all()],
    }


def csv_row(record: dict) -> list:
    """A signature record as CSV cells, in CSV_COLUMNS order."""
    record = {
        **record,
        "country_is_inferred": "true" if record["country_is_inferred"] else "false",
        # URLs never contain a raw space, so a space separates them unambiguously.
        "source_urls": " ".join(record["source_urls"]),
    }
    return [
        neutralise(value) if isinstance(value, str) else ("" if value is None else value)
        for value in (record[column] for column in CSV_COLUMNS)
    ]


def public_signatures(letter: Letter, as_of: str | None):
    """The signatures a download lists: the public ones, or those listed on `as_of`."""
    signatures = Signature.objects.filter(letter=letter, status__in=PUBLIC_STATUSES)
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
    "role",
    "country",
    "country_is_inferred",
    "status",
    "first_listed",
    "withdrawn_on",
    "note",
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


def download_records(signatures, base_url: str) -> Iterator[list[dict]]:
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
        records = []
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
            note,
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
                    "status": status,
                    "first_listed": first_listed or None,
                    "withdrawn_on": withdrawn_on or None,
                    "note": note,
                    "source_urls": sources.get(pk, []),
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


def _etag(request: HttpRequest) -> str:
    fingerprint = f"{content_version()}|{request.get_full_path()}"
    return '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'


def _download(
    request: HttpRequest,
    letter: Letter,
    content,
    content_type: str,
    filename: str,
    links: tuple[str, ...] = (),
):
    """A streamed download, revalidated with an ETag from the public content version.

    A draft (only staff get one) is never stored by a shared cache.
    """
    etag = _etag(request)
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


def _as_of(request: HttpRequest) -> str | None:
    raw = request.GET.get("as_of", "")
    return parse_day("as_of", raw) if raw else None


@require_safe
def letter_signatories_csv(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _downloadable_letter(request, slug)
    try:
        as_of = _as_of(request)
    except BadDate as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
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
        content,
        "text/csv; charset=utf-8",
        _filename(letter, as_of, "csv"),
        links=(companion,),
    )


def letter_metadata(letter: Letter, base_url: str) -> dict:
    """What describes a letter in its JSON download and in the API."""
    return {
        "slug": letter.slug,
        "title": letter.title,
        "title_is_descriptive": letter.title_is_descriptive,
        "url": base_url + letter.get_absolute_url(),
        "date": letter.date or None,
        "date_note": letter.date_note,
        "summary": letter.summary,
        "asks": letter.ask_list,
        "platforms": letter.platform_list,
        "side": letter.side,
        "stance": letter.stance,
        "signatories_note": letter.signatories_note,
        "notes": letter.notes,
        "listed_count": letter.listed_count,
        "public_count": letter.public_count,
        "last_reviewed_on": letter.last_reviewed_on.isoformat()
        if letter.last_reviewed_on
        else None,
    }


def source_record(source: Source) -> dict:
    return {
        "id": source.pk,
        "url": source.url,
        "outlet": source.outlet,
        "headline": source.headline,
        "headline_is_rebuilt": source.headline_is_rebuilt,
        "date": source.date or None,
        "kind": source.kind,
        "is_copy": source.is_copy,
        "authors": source.authors,
        "note": source.note,
        "archived_url": source.archived_url,
    }


def letter_sources(letter: Letter) -> list[dict]:
    """The letter's own documents, then its coverage, each marked with its role."""
    documents = [{**source_record(s), "role": "document"} for s in letter.documents.all()]
    coverage = [{**source_record(s), "role": "coverage"} for s in letter.coverage.all()]
    return documents + coverage


@require_safe
def letter_signatories_json(request: HttpRequest, slug: str) -> HttpResponse:
    letter = _downloadable_letter(request, slug)
    try:
        as_of = _as_of(request)
    except BadDate as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    base_url = request.build_absolute_uri("/")[:-1]
    signatures = public_signatures(letter, as_of)
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
        for records in download_records(signatures, base_url):
            rows = (json.dumps(record, ensure_ascii=False) for record in records)
            yield separator + ",\n".join(rows)
            separator = ",\n"
        yield "]}\n"

    return _download(
        request,
        letter,
        content,
        "application/json; charset=utf-8",
        _filename(letter, as_of, "json"),
    )
