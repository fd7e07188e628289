"""Public pages answer odd, hostile or mistyped input calmly."""

import pytest

from letters.models import SignatureStatus
from tests import factories

HX = {"HX-Request": "true"}
XSS = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "url", ["/letters/no-such-letter/", "/organisations/nobody/", "/people/nobody/"]
)
def test_unknown_slugs_are_not_found(client, db, url):
    assert client.get(url).status_code == 404


@pytest.fixture
def paginated(db, settings):
    """Three pages of signatories on one letter, and three pages of each index."""
    settings.LETTER_SIGNATORIES_PER_PAGE = 4
    settings.INDEX_PAGE_SIZE = 2
    letter = factories.LetterFactory(slug="long-letter")
    factories.create_signatures(letter, 12)  # 6 organisations and 6 people
    factories.LetterFactory.create_batch(5)
    return letter


PAGINATED_URLS = ["/letters/long-letter/", "/", "/organisations/", "/people/"]


@pytest.mark.parametrize("url", PAGINATED_URLS)
@pytest.mark.parametrize("page", ["abc", "0", "-1", "", "1.5", "2abc", "１"])
def test_malformed_page_numbers_give_the_first_page(client, paginated, url, page):
    response = client.get(url, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "Page 1 of 3" in response.content.decode()


@pytest.mark.parametrize("url", PAGINATED_URLS)
@pytest.mark.parametrize("page", ["4", "99999", "9" * 30])
def test_page_numbers_past_the_end_give_the_last_page(client, paginated, url, page):
    response = client.get(url, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == 3
    assert "Page 3 of 3" in response.content.decode()


def test_page_number_past_the_end_of_a_search_gives_its_last_page(client, paginated):
    response = client.get("/letters/long-letter/", {"q": "0001", "page": "7"})

    assert response.status_code == 200
    assert [row["published_name"] for row in response.context["page"]] == ["Signatory 0001"]


@pytest.fixture
def wildcard_names(published_letter):
    for name in ["100% Digital", "snake_case Society", "Plain Name", "Percent Trust"]:
        organisation = factories.OrganisationFactory(name=name)
        factories.SignatureFactory(letter=published_letter, organisation=organisation)
    return published_letter


@pytest.mark.parametrize(("query", "name"), [("%", "100% Digital"), ("_", "snake_case Society")])
def test_like_wildcards_are_searched_for_literally(client, wildcard_names, query, name):
    letter_page = client.get(wildcard_names.get_absolute_url(), {"q": query})
    organisations = client.get("/organisations/", {"q": query})
    search = client.get("/search/", {"q": query})

    assert [row["published_name"] for row in letter_page.context["page"]] == [name]
    assert [o.name for o in organisations.context["page"]] == [name]
    assert [o.name for o in search.context["organisations"]] == [name]


QUERY_URLS = ["/", "/letters/letter-to-a-platform/", "/organisations/", "/people/", "/search/"]


@pytest.mark.parametrize("url", QUERY_URLS)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_a_very_long_query_is_answered(client, published_letter, url, headers):
    response = client.get(url, {"q": "a" * 10_000}, headers=headers)

    assert response.status_code == 200
    assert "a" * 201 not in response.content.decode()


@pytest.mark.parametrize("url", QUERY_URLS)
@pytest.mark.parametrize("query", ["'; DROP TABLE letters_letter; --", "\\", "\u202e", "🙂", "ß"])
def test_strange_queries_are_answered(client, published_letter, url, query):
    assert client.get(url, {"q": query}).status_code == 200


@pytest.mark.parametrize(
    ("url", "param"),
    [*((url, "q") for url in QUERY_URLS), ("/letters/letter-to-a-platform/", "country")],
)
def test_a_nul_character_in_a_search_is_answered(client, published_letter, url, param):
    assert client.get(url, {param: "ab\x00c"}).status_code == 200


def test_unknown_signatory_kind_is_ignored(client, published_letter, sofia):
    factories.SignatureFactory(letter=published_letter)
    factories.PersonSignatureFactory(letter=published_letter, person=sofia)

    response = client.get(published_letter.get_absolute_url(), {"kind": "robot"})

    assert response.status_code == 200
    assert len(response.context["page"]) == 2


def test_unknown_country_matches_nobody(client, published_letter):
    factories.SignatureFactory(letter=published_letter, country="FR")

    response = client.get(published_letter.get_absolute_url(), {"country": "Atlantis"})

    assert response.status_code == 200
    assert len(response.context["page"]) == 0


@pytest.mark.parametrize("stance", ["sideways", "FOR", " for"])
def test_unknown_stance_is_ignored(client, db, stance):
    factories.LetterFactory(side="for")
    factories.LetterFactory(side="against")

    response = client.get("/", {"stance": stance})

    assert response.status_code == 200
    assert len(response.context["page"]) == 2


@pytest.fixture
def hostile_signatory(published_letter):
    organisation = factories.OrganisationFactory(name=XSS, slug="hostile")
    factories.OrganisationAliasFactory(organisation=organisation, name=f"{XSS} alias")
    factories.SignatureFactory(
        letter=published_letter,
        organisation=organisation,
        published_name=XSS,
        role=XSS,
        note=XSS,
        country="FR",
    )
    return organisation


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/letters/letter-to-a-platform/", {}),
        ("/letters/letter-to-a-platform/", HX),
        ("/letters/letter-to-a-platform/?q=script", HX),
        ("/organisations/", {}),
        ("/organisations/?q=script", HX),
        ("/organisations/hostile/", {}),
        ("/search/?q=script", {}),
        ("/search/?q=script", HX),
    ],
)
def test_a_hostile_signatory_name_is_escaped(client, hostile_signatory, url, headers):
    content = client.get(url, headers=headers).content.decode()

    assert XSS not in content
    assert "&lt;script&gt;" in content


@pytest.mark.parametrize("headers", [{}, HX])
def test_every_value_of_a_signatory_row_is_escaped(client, published_letter, headers):
    """The list's rows are written in Python (signatory_items.py), not by the template's
    autoescaping: each value a row shows, quotes and ampersands included."""
    hostile = f"{XSS} & 'single' \"double\""
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;single&#x27; &quot;double&quot;"
    source = factories.SourceFactory(
        url="https://news.example.org/?a=1&b=<2>",
        outlet=hostile,
        archived_url='https://archive.example.org/?a=1&b="2"',
    )
    factories.SignatureFactory(
        letter=published_letter,
        organisation=factories.OrganisationFactory(name=f"{hostile} (canonical)", slug="hostile"),
        published_name=hostile,
        role=hostile,
        note=hostile,
        country="FR",
        status=SignatureStatus.WITHDRAWN,
        withdrawal_reason=hostile,
        sources=[source],
    )

    content = client.get(published_letter.get_absolute_url(), headers=headers).content.decode()
    start = content.index('<li id="signature-')
    row = content[start : content.index("</li>", start)]

    assert "<script>" not in row and "'single'" not in row and '"double"' not in row
    assert f'<a href="/organisations/hostile/">{escaped}</a>' in row
    assert f'<span class="canonical">({escaped} (canonical))</span>' in row
    assert f'<span class="role">— {escaped}</span>' in row
    assert f'<span class="withdrawal-reason">Reason given: {escaped}</span>' in row
    assert f'<span class="note">{escaped}</span>' in row
    assert 'href="https://news.example.org/?a=1&amp;b=&lt;2&gt;"' in row
    assert 'href="https://archive.example.org/?a=1&amp;b=&quot;2&quot;"' in row
    assert f'<span class="visually-hidden"> of {escaped}</span>' in row
    assert f'<span class="visually-hidden">: {escaped}</span>' in row


@pytest.mark.parametrize("url", QUERY_URLS)
def test_a_hostile_query_is_escaped(client, published_letter, url):
    response = client.get(url, {"q": XSS})

    assert XSS not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/letters/letter-to-a-platform/",
        "/organisations/",
        "/organisations/5rights-foundation/",
        "/people/",
        "/people/sofia-nunez/",
        "/search/",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_public_pages_refuse_writes(client, published_letter, five_rights, sofia, url, method):
    factories.SignatureFactory(letter=published_letter, organisation=five_rights)
    factories.PersonSignatureFactory(letter=published_letter, person=sofia)

    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert published_letter.signatures.count() == 2


@pytest.mark.parametrize("query", ["quiet", "pending", "Quiet Pending"])
def test_pending_signatory_cannot_be_found_by_guessing_a_query(client, published_letter, query):
    factories.SignatureFactory(
        letter=published_letter, published_name="Quiet Pending", status=SignatureStatus.PENDING
    )

    response = client.get(published_letter.get_absolute_url(), {"q": query}, headers=HX)

    assert list(response.context["page"]) == []
    assert "0 signatories match" in response.content.decode()
