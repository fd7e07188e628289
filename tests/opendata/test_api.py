"""The read-only JSON API: public data only, filters, pagination, errors, methods."""

import pytest

from letters.models import SignatureStatus, Topic
from letters.opendata import params
from tests import factories


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def names(response) -> list[str]:
    return [row["published_name"] for row in results(response)]


@pytest.fixture
def letter(published_letter):
    """Public signatures of each kind, status, country and date, and two private ones."""

    def sign(name, person=False, **fields):
        if person:
            signer = {"organisation": None, "person": factories.PersonFactory(name=name)}
        else:
            signer = {"organisation": factories.OrganisationFactory(name=name)}
        return factories.SignatureFactory(
            letter=published_letter, published_name=name, **signer, **fields
        )

    sign("UK charity", country="GB", first_listed="2020-02-06", status="confirmed")
    sign("French charity", country="FR", first_listed="2020-01")
    sign("UK professor", person=True, country="GB", first_listed="2019-12-31")
    sign("Withdrawn NGO", status="withdrawn", withdrawn_on="2020-03-01", first_listed="2020")
    sign("Pending NGO", status=SignatureStatus.PENDING, country="GB")
    sign("Rejected NGO", status=SignatureStatus.REJECTED)
    return published_letter


def signatures_url(letter, query: str = "") -> str:
    return f"/api/v1/letters/{letter.slug}/signatures/{query}"


def test_a_letters_signatures_are_its_public_ones_in_list_order(client, letter):
    response = client.get(signatures_url(letter))

    assert names(response) == ["UK charity", "French charity", "UK professor", "Withdrawn NGO"]
    body = response.json()
    assert body["count"] == 4
    assert body["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["licence"]["methodology"] == "http://testserver/methodology/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=confirmed", ["UK charity"]),
        ("?status=withdrawn", ["Withdrawn NGO"]),
        ("?country=GB", ["UK charity", "UK professor"]),
        # A name, as links made before countries were codes give it, is read as its code.
        ("?country=United%20Kingdom", ["UK charity", "UK professor"]),
        ("?kind=individual", ["UK professor"]),
        ("?kind=organisation&country=United+Kingdom", ["UK charity"]),
        ("?first_listed_after=2020-01-01", ["UK charity", "French charity", "Withdrawn NGO"]),
        ("?first_listed_after=2020-02-01", ["UK charity"]),
        ("?first_listed_before=2019-12-31", ["UK professor"]),
        (
            "?status=confirmed&country=United%20Kingdom&kind=organisation"
            "&first_listed_after=2020-01-01",
            ["UK charity"],
        ),
        ("?country=Narnia", []),
    ],
)
def test_signatures_filter(client, letter, query, expected):
    response = client.get(signatures_url(letter, query))

    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_a_year_counts_from_its_first_day(client, letter):
    assert "Withdrawn NGO" in names(
        client.get(signatures_url(letter, "?first_listed_after=2020-01-01"))
    )
    assert "Withdrawn NGO" not in names(
        client.get(signatures_url(letter, "?first_listed_after=2020-01-02"))
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?status=pending", "status must be one of: reported, confirmed, disputed, withdrawn."),
        ("?kind=robot", "kind must be one of: organisation, individual."),
        ("?first_listed_after=2020-13-01", "first_listed_after must be a date written as"),
        ("?first_listed_before=soon", "first_listed_before must be a date written as"),
        ("?page=0", "page must be a whole number of at least 1."),
        ("?page=two", "page must be a whole number of at least 1."),
        ("?page_size=-5", "page_size must be a whole number of at least 1."),
        ("?country=%00", "country must be text of at most 200 characters."),
        ("?staus=confirmed", "Unknown parameter 'staus'"),
    ],
)
def test_invalid_filters_are_a_400_saying_what_is_wrong(client, letter, query, message):
    response = client.get(signatures_url(letter, query))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["status"] == 400
    assert message in response.json()["error"]["message"]


def test_unfiltered_pages_follow_list_places(client, published_letter):
    factories.create_signatures(published_letter, 7)

    first = client.get(signatures_url(published_letter, "?page_size=3")).json()
    last = client.get(signatures_url(published_letter, "?page_size=3&page=3")).json()

    assert [row["position"] for row in first["results"]] == [1, 2, 3]
    assert first["next"].endswith("?page_size=3&page=2")
    assert first["previous"] is None
    assert [row["published_name"] for row in last["results"]] == ["Signatory 0007"]
    assert last["next"] is None
    assert last["previous"].endswith("?page_size=3&page=2")
    assert last["count"] == 7


def test_filtered_pages_have_their_own_count_and_links(client, published_letter):
    factories.create_signatures(published_letter, 9)  # countries: France every third

    page = client.get(signatures_url(published_letter, "?country=France&page_size=2")).json()

    assert page["count"] == 3
    assert [row["published_name"] for row in page["results"]] == [
        "Signatory 0003",
        "Signatory 0006",
    ]
    assert "country=France" in page["next"] and "page=2" in page["next"]


def test_page_size_is_capped(client, published_letter):
    factories.create_signatures(published_letter, params.MAX_PAGE_SIZE + 1)

    page = client.get(signatures_url(published_letter, "?page_size=100000")).json()

    assert page["page_size"] == params.MAX_PAGE_SIZE
    assert len(page["results"]) == params.MAX_PAGE_SIZE


def test_a_page_past_the_last_is_a_404_naming_the_last(client, letter):
    response = client.get(signatures_url(letter, "?page=5"))

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Page 5 does not exist; the last page is 1."


def test_the_first_page_of_an_empty_list_is_empty_not_missing(client, published_letter):
    assert client.get(signatures_url(published_letter)).json()["results"] == []


def test_drafts_and_unknown_slugs_are_json_404s(client, draft_letter):
    factories.SignatureFactory(letter=draft_letter)
    for url in (
        f"/api/v1/letters/{draft_letter.slug}/",
        signatures_url(draft_letter),
        "/api/v1/letters/no-such-letter/",
        "/api/v1/organisations/no-such-organisation/",
        "/api/v1/people/no-such-person/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["status"] == 404


def test_private_records_are_not_in_the_api(client, letter, draft_letter):
    pending = letter.signatures.get(published_name="Pending NGO")
    draft_source = factories.SourceFactory(url="https://draft.example.org/letter")
    draft_letter.documents.add(draft_source)
    draft_signature = factories.SignatureFactory(letter=draft_letter, published_name="Draft Org")
    hidden_endorsement = factories.EndorsementFactory(letter=draft_letter)

    assert client.get(f"/api/v1/signatures/{pending.pk}/").status_code == 404
    assert client.get(f"/api/v1/signatures/{draft_signature.pk}/").status_code == 404
    assert client.get(f"/api/v1/sources/{draft_source.pk}/").status_code == 404
    assert client.get(f"/api/v1/endorsements/{hidden_endorsement.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{pending.organisation.slug}/").status_code == 404
    organisations = [row["name"] for row in results(client.get("/api/v1/organisations/"))]
    assert "Pending NGO" not in organisations and "Draft Org" not in organisations
    assert "UK charity" in organisations
    sources = [row["url"] for row in results(client.get("/api/v1/sources/"))]
    assert draft_source.url not in sources
    assert [row["slug"] for row in results(client.get("/api/v1/letters/"))] == [letter.slug]


def test_no_staff_notes_emails_or_addresses_anywhere(client, letter):
    letter.staff_notes = "SECRET staff note"
    letter.save()
    factories.SignupRequestFactory(letter=letter, email="secret-signer@example.org")
    factories.CorrectionRequestFactory(letter=letter, email="secret-reporter@example.org")

    for url in (
        "/api/v1/letters/",
        f"/api/v1/letters/{letter.slug}/",
        signatures_url(letter),
        "/api/v1/organisations/",
        "/api/v1/people/",
    ):
        content = client.get(url).content.decode()
        assert "SECRET" not in content and "secret-" not in content and "192.0.2" not in content


def test_letters_filter_by_topic_side_and_date(client, db):
    topic = Topic.objects.create(slug="encryption", name="Encryption")
    old = factories.LetterFactory(title="Old", date="2019-10", side="for")
    new = factories.LetterFactory(title="New", date="2020-02-06", side="against")
    undated = factories.LetterFactory(title="Undated", date=None)
    new.topics.add(topic)

    def slugs(query):
        return [row["slug"] for row in results(client.get("/api/v1/letters/" + query))]

    assert slugs("?topic=encryption") == [new.slug]
    assert slugs("?side=for") == [old.slug]
    assert slugs("?date_after=2019-10-01") == [new.slug, old.slug]
    assert slugs("?date_after=2019-10-02") == [new.slug]
    assert slugs("?date_before=2019-12-31") == [old.slug]
    assert undated.slug in slugs("")
    assert client.get("/api/v1/letters/?topic=not a slug").status_code == 400
    assert client.get("/api/v1/letters/?date_after=2020").status_code == 400


def test_letter_detail_describes_the_letter_with_links(client, letter):
    data = client.get(f"/api/v1/letters/{letter.slug}/").json()["data"]

    assert data["public_count"] == 4
    assert data["signatures_url"] == f"http://testserver{signatures_url(letter)}"
    assert data["csv_url"].endswith(f"/letters/{letter.slug}/signatories.csv")
    assert "staff_notes" not in data


def test_a_signer_detail_lists_only_public_signatures(client, letter, draft_letter):
    organisation = letter.signatures.get(published_name="UK charity").organisation
    factories.SignatureFactory(letter=draft_letter, organisation=organisation)

    data = client.get(f"/api/v1/organisations/{organisation.slug}/").json()["data"]

    assert [s["letter"] for s in data["signatures"]] == [letter.slug]


def test_endorsements_filter_by_letter_and_stance(client, letter):
    supporting = factories.EndorsementFactory(letter=letter)
    factories.EndorsementFactory(letter=letter, stance="opposes")
    factories.EndorsementFactory()  # another letter

    rows = results(client.get(f"/api/v1/endorsements/?letter={letter.slug}&stance=supports"))

    assert [row["id"] for row in rows] == [supporting.pk]
    assert client.get("/api/v1/endorsements/?stance=maybe").status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, letter, method):
    response = getattr(client, method)("/api/v1/letters/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "read-only" in response.json()["error"]["message"]


def test_a_post_without_csrf_token_is_still_a_405(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/api/v1/letters/")

    assert response.status_code == 405


def test_answers_allow_any_origin_and_name_the_licence(client, letter):
    for url in ("/api/v1/letters/", "/api/v1/letters/nope/", "/api/v1/letters/?side=x"):
        response = client.get(url)
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def test_head_and_revalidation(client, letter):
    assert client.head("/api/v1/letters/").status_code == 200
    etag = client.get("/api/v1/letters/")["ETag"]

    assert client.get("/api/v1/letters/", headers={"If-None-Match": etag}).status_code == 304


def test_api_text_is_json_escaped_not_html(client, published_letter):
    factories.SignatureFactory(
        letter=published_letter, published_name='<script>alert("x")</script>'
    )

    response = client.get(signatures_url(published_letter))

    assert response["Content-Type"] == "application/json"
    assert names(response) == ['<script>alert("x")</script>']
