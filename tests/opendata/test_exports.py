"""Downloads of a letter's public signatory list: CSV and JSON, whole or as of a date."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters.lib.spreadsheets import neutralise
from letters.models import SignatureStatus
from letters.opendata import downloads
from letters.opendata.records import signature_record
from tests import factories

CSV_URL = "/letters/{}/signatories.csv"
JSON_URL = "/letters/{}/signatories.json"


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


@pytest.fixture
def letter(published_letter):
    """Three public signatures (one with two sources) and two that are not public."""
    charity = factories.OrganisationFactory(name="Child Safety Charity", country="IE")
    factories.SignatureFactory(
        letter=published_letter,
        organisation=charity,
        published_name="Child Safety Charity Ltd",
        country="IE",
        country_is_inferred=True,
        status=SignatureStatus.CONFIRMED,
        first_listed="2020-02-06",
        sources=[
            factories.SourceFactory(url="https://b.example.org/list"),
            factories.SourceFactory(url="https://a.example.org/list"),
        ],
    )
    factories.PersonSignatureFactory(
        letter=published_letter,
        person=factories.PersonFactory(name="Dr Ada Example"),
        role="Professor of Law",
        status=SignatureStatus.WITHDRAWN,
        first_listed="2020-02-06",
        withdrawn_on="2020-03-01",
    )
    factories.SignatureFactory(letter=published_letter, status=SignatureStatus.DISPUTED)
    factories.SignatureFactory(
        letter=published_letter, published_name="Pending Org", status=SignatureStatus.PENDING
    )
    factories.SignatureFactory(
        letter=published_letter, published_name="Rejected Org", status=SignatureStatus.REJECTED
    )
    return published_letter


def test_csv_lists_public_signatures_in_list_order_with_a_header(client, letter):
    response = client.get(CSV_URL.format(letter.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert text.splitlines()[0].split(",") == downloads.CSV_COLUMNS
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["position"] for row in rows] == ["1", "2", "3"]
    assert rows[0] == {
        "position": "1",
        "published_name": "Child Safety Charity Ltd",
        "canonical_name": "Child Safety Charity",
        "kind": "organisation",
        "role": "",
        "country": "IE",
        "country_is_inferred": "true",
        "status": "confirmed",
        "first_listed": "2020-02-06",
        "withdrawn_on": "",
        "withdrawal_reason": "",
        "source_urls": "https://a.example.org/list https://b.example.org/list",
        "canonical_url": "http://testserver/organisations/child-safety-charity/",
        "signed_on_site_on": "",
        "verification": "",
        "verified_domain": "",
        "verification_method": "",
    }
    assert rows[1]["kind"] == "individual"
    assert rows[1]["withdrawn_on"] == "2020-03-01"
    assert "Pending Org" not in text and "Rejected Org" not in text


def test_csv_carries_filename_licence_and_companion_json_in_headers(client, letter):
    response = client.get(CSV_URL.format(letter.slug) + "?as_of=2020-02-07")

    assert response["Content-Disposition"] == (
        'attachment; filename="letter-to-a-platform-signatories-as-of-2020-02-07.csv"'
    )
    link = response["Link"]
    assert '<https://creativecommons.org/licenses/by/4.0/>; rel="license"' in link
    assert "<http://testserver/methodology/>" in link
    assert (
        "<http://testserver/letters/letter-to-a-platform/signatories.json?as_of=2020-02-07>" in link
    )


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(
    client, published_letter, prefix
):
    name = f'{prefix}HYPERLINK("https://evil.example","click")'
    factories.SignatureFactory(
        letter=published_letter,
        organisation=factories.OrganisationFactory(name=f"{prefix}1+1", slug="formula-org"),
        published_name=name,
        role=f"{prefix}cmd|' /C calc'!A0",
    )

    (row,) = csv_rows(client.get(CSV_URL.format(published_letter.slug)))

    assert row["published_name"] == "'" + name
    assert row["canonical_name"] == f"'{prefix}1+1"
    assert row["role"] == f"'{prefix}cmd|' /C calc'!A0"


def test_ordinary_cells_are_left_alone():
    assert neutralise("Open Rights Group") == "Open Rights Group"
    assert neutralise("Group = 1") == "Group = 1"
    assert neutralise("") == ""


def test_json_is_valid_with_letter_metadata_sources_and_licence(client, letter):
    letter.documents.add(factories.SourceFactory(url="https://letter.example.org/text"))
    letter.coverage.add(factories.SourceFactory(url="https://news.example.org/report"))
    letter.staff_notes = "Internal: do not publish"
    letter.save()

    response = client.get(JSON_URL.format(letter.slug))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    text = body(response)
    data = json.loads(text)
    assert data["licence"] == {
        "name": "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert data["methodology"] == "http://testserver/methodology/"
    assert data["letter"]["slug"] == letter.slug
    assert data["letter"]["public_count"] == 3
    assert [(s["url"], s["role"]) for s in data["sources"]] == [
        ("https://letter.example.org/text", "document"),
        ("https://news.example.org/report", "coverage"),
    ]
    assert data["as_of"] is None
    assert [s["position"] for s in data["signatures"]] == [1, 2, 3]
    assert data["signatures"][0]["source_urls"] == [
        "https://a.example.org/list",
        "https://b.example.org/list",
    ]
    assert data["signatures"][0]["country_is_inferred"] is True
    assert "Internal" not in text and "Pending Org" not in text


def test_json_of_a_letter_without_signatures_is_valid(client, published_letter):
    data = json.loads(body(client.get(JSON_URL.format(published_letter.slug))))

    assert data["signatures"] == []


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_long_lists_stream_in_chunks_without_losing_or_repeating_rows(
    client, published_letter, monkeypatch, url
):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 4)
    factories.create_signatures(published_letter, 10)

    response = client.get(url.format(published_letter.slug))

    text = body(response)
    if url == CSV_URL:
        names = [row["published_name"] for row in csv.DictReader(io.StringIO(text))]
    else:
        names = [row["published_name"] for row in json.loads(text)["signatures"]]
    assert names == [f"Signatory {n:04}" for n in range(1, 11)]


def count_download_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        body(client.get(url))
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_download_queries_grow_with_chunks_not_rows(client, published_letter, monkeypatch, url):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 50)
    factories.create_signatures(published_letter, 10)
    one_chunk = count_download_queries(client, url.format(published_letter.slug))

    factories.create_signatures(published_letter, 30)
    still_one_chunk = count_download_queries(client, url.format(published_letter.slug))
    factories.create_signatures(published_letter, 50)
    two_chunks = count_download_queries(client, url.format(published_letter.slug))

    assert still_one_chunk == one_chunk
    assert two_chunks == one_chunk + 2  # the chunk's signatures and its sources


@pytest.fixture
def dated_letter(published_letter):
    """Signatures around 7 February 2020, named after what as_of=2020-02-07 must do."""

    def sign(name, **fields):
        factories.SignatureFactory(
            letter=published_letter,
            organisation=factories.OrganisationFactory(name=name),
            **fields,
        )

    sign("listed before", first_listed="2020-02-06")
    sign("listed on the day", first_listed="2020-02-07", status=SignatureStatus.CONFIRMED)
    sign("listed in the month", first_listed="2020-02")
    sign("listed after", first_listed="2020-02-08")
    sign("undated", first_listed=None)
    sign(
        "withdrawn after",
        first_listed="2020-02-06",
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2020-03-01",
    )
    sign(
        "withdrawn before",
        first_listed="2020-02-01",
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2020-02-05",
    )
    sign("disputed", first_listed="2020-02-01", status=SignatureStatus.DISPUTED)
    sign("pending", first_listed="2020-02-01", status=SignatureStatus.PENDING)
    return published_letter


AS_OF_LIST = ["listed before", "listed on the day", "listed in the month", "withdrawn after"]


def test_csv_as_of_a_date_lists_what_the_letter_listed_that_day(client, dated_letter):
    rows = csv_rows(client.get(CSV_URL.format(dated_letter.slug) + "?as_of=2020-02-07"))

    assert sorted(row["published_name"] for row in rows) == sorted(AS_OF_LIST)


def test_json_as_of_a_date_lists_what_the_letter_listed_that_day(client, dated_letter):
    response = client.get(JSON_URL.format(dated_letter.slug) + "?as_of=2020-02-07")

    data = json.loads(body(response))
    assert data["as_of"] == "2020-02-07"
    assert sorted(row["published_name"] for row in data["signatures"]) == sorted(AS_OF_LIST)
    assert response["Content-Disposition"].endswith('-as-of-2020-02-07.json"')


def test_without_as_of_every_public_signature_is_listed(client, dated_letter):
    names = {
        row["published_name"] for row in csv_rows(client.get(CSV_URL.format(dated_letter.slug)))
    }

    assert "undated" in names and "withdrawn before" in names and "disputed" in names
    assert "pending" not in names


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
@pytest.mark.parametrize(
    "as_of", ["yesterday", "2020-02-30", "2020-02", "2020-2-7", "20200207", "2020-02-07%00"]
)
def test_a_bad_as_of_is_a_clear_400(client, published_letter, url, as_of):
    response = client.get(url.format(published_letter.slug) + f"?as_of={as_of}")

    assert response.status_code == 400
    assert b"as_of must be a date written as YYYY-MM-DD" in response.content


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_draft_letters_are_404_for_the_public(client, draft_letter, url):
    assert client.get(url.format(draft_letter.slug)).status_code == 404
    assert client.get(url.format("no-such-letter")).status_code == 404


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_staff_may_download_a_draft_which_no_cache_keeps(curator_client, draft_letter, url):
    factories.SignatureFactory(letter=draft_letter, published_name="Draft signatory")

    response = curator_client.get(url.format(draft_letter.slug))

    assert response.status_code == 200
    assert "Draft signatory" in body(response)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_downloads_revalidate_with_an_etag_until_the_data_changes(
    client, letter, url, django_capture_on_commit_callbacks
):
    first = client.get(url.format(letter.slug))
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"

    assert client.get(url.format(letter.slug), headers={"If-None-Match": etag}).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        factories.SignatureFactory(letter=letter)
    assert client.get(url.format(letter.slug), headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_downloads_are_get_only(client, letter, url):
    assert client.head(url.format(letter.slug)).status_code == 200
    assert client.post(url.format(letter.slug)).status_code == 405


@pytest.fixture
def varied_letter(letter):
    """The `letter` fixture plus text the downloads must carry exactly: formula-like
    cells, non-ASCII names, a slug holding the URL placeholder's letters, a signature
    without sources and one with an empty first-listed date, over several chunks."""
    factories.PersonSignatureFactory(
        letter=letter,
        person=factories.PersonFactory(name="Zoë Ŝtraße", slug="slug-SLUG-slug"),
        published_name="=Zoë, “quoted” & <tagged>",
        role="+44 line\nbreak",
        country="CI",
        first_listed="",
        note='A "public" caveat',
    )
    signed_here = datetime.datetime(2026, 3, 3, 23, 30, tzinfo=datetime.UTC)
    factories.SignatureFactory(
        letter=letter,
        published_name="Barnardo's",
        signed_on_site_at=signed_here,
        verified_domain="barnardos.org.uk",
    )
    factories.PersonSignatureFactory(
        letter=letter,
        published_name="<b>Jane</b> Doe",
        role="Press officer, BARNARDO'S",
        signed_on_site_at=signed_here,
        claimed_organisation=factories.OrganisationFactory(name="Barnardo's"),
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2026-04-01",
        withdrawal_reason='=HYPERLINK("https://evil.example") <script>x</script>',
    )
    factories.PersonSignatureFactory(
        letter=letter,
        signed_on_site_at=signed_here,
        verification_method="@phoned the press office",
    )
    factories.create_signatures(letter, 4)
    return letter


def model_records(letter) -> list[dict]:
    """The records as the API builds them, from model instances."""
    signatures = (
        downloads.public_signatures(letter, None)
        .select_related("organisation", "person")
        .prefetch_related("sources")
        .order_by("list_rank")
    )
    records = []
    for signature in signatures:
        record = signature_record(signature, "http://testserver")
        record["source_urls"].sort()
        records.append(record)
    return records


def test_download_records_equal_the_api_records_built_from_models(varied_letter, monkeypatch):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 3)
    signatures = downloads.public_signatures(varied_letter, None)

    chunks = list(downloads.download_records(signatures, "http://testserver"))

    assert [len(chunk) for chunk in chunks] == [3, 3, 3, 2]
    records = [record for chunk in chunks for record in chunk]
    assert records == model_records(varied_letter)
    assert [list(record) for record in records] == [list(r) for r in model_records(varied_letter)]


def test_signer_urls_built_once_per_download_equal_get_absolute_url(varied_letter):
    signatures = downloads.public_signatures(varied_letter, None).select_related(
        "organisation", "person"
    )
    expected = {s.pk: "http://testserver" + s.signer.get_absolute_url() for s in signatures}

    (records,) = downloads.download_records(signatures, "http://testserver")

    assert {record["id"]: record["canonical_url"] for record in records} == expected
    assert "http://testserver/people/slug-SLUG-slug/" in expected.values()


def test_csv_download_is_exactly_the_rows_of_the_api_records(client, varied_letter, monkeypatch):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 4)
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(downloads.CSV_COLUMNS)
    writer.writerows(downloads.csv_row(record) for record in model_records(varied_letter))

    text = body(client.get(CSV_URL.format(varied_letter.slug)))

    assert text == expected.getvalue()
    assert "'=Zoë, “quoted” & <tagged>" in text


def test_json_download_is_exactly_the_api_records_one_per_line(client, varied_letter, monkeypatch):
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 4)
    expected = ",\n".join(
        json.dumps(record, ensure_ascii=False) for record in model_records(varied_letter)
    )

    text = body(client.get(JSON_URL.format(varied_letter.slug)))

    assert text.endswith(', "signatures": [' + expected + "]}\n")
    assert json.loads(text)["signatures"][3]["first_listed"] is None
