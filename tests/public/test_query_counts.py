"""Every public page runs a fixed number of queries, however much data it shows.

Each test measures a page, adds many more rows of what the page lists, and measures again.
"""

import pytest

from letters.models import SignatureStatus
from tests import factories
from tests.helpers import count_queries

HX = {"HX-Request": "true"}


def add_letter_content(letter, count: int) -> None:
    """Facts of every kind on a letter, `count` of each."""
    for _ in range(count):
        factories.ReportedCountFactory(letter=letter)
        factories.AddresseeFactory(letter=letter, person=factories.PersonFactory())
        factories.OrganiserFactory(
            letter=letter,
            organisation=factories.OrganisationFactory(),
            source=factories.SourceFactory(),
        )
        factories.EndorsementFactory(letter=letter)
        factories.EndorsementFactory(
            letter=letter, person=None, organisation=factories.OrganisationFactory()
        )
        factories.QuoteFactory(letter=letter)
        factories.ResponseFactory(letter=letter)
        letter.documents.add(factories.SourceFactory())
        letter.coverage.add(factories.SourceFactory())
        factories.LetterFactory(in_response_to=letter)


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Busy letter", slug="busy-letter")
    letter.in_response_to = factories.LetterFactory()
    letter.asks_source = factories.SourceFactory()
    letter.save()
    add_letter_content(letter, 2)
    factories.create_signatures(letter, 10)
    factories.create_signatures(letter, 3, name="Hidden", status=SignatureStatus.PENDING)
    return letter


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {}),
        ("", HX),
        ("?q=signatory", {}),
        ("?q=signatory", HX),
        ("?q=known+as", {}),
        ("?page=2", {}),
        ("?page=2", HX),
        ("?kind=individual&country=France", {}),
    ],
    ids=[
        "page",
        "fragment",
        "search",
        "search fragment",
        "alias search",
        "page 2",
        "page 2 fragment",
        "filters",
    ],
)
def test_letter_page_queries_do_not_grow_with_signatures(client, letter, query, headers):
    url = letter.get_absolute_url() + query
    with_10 = count_queries(client, url, headers)

    factories.create_signatures(letter, 490)
    with_500 = count_queries(client, url, headers)

    assert with_500 == with_10


def test_letter_page_queries_do_not_grow_with_the_letters_facts(client, letter):
    url = letter.get_absolute_url()
    before = count_queries(client, url)

    add_letter_content(letter, 8)
    after = count_queries(client, url)

    assert after == before


def test_letter_page_queries_do_not_grow_with_addressed_organisations(client, letter):
    url = letter.get_absolute_url()
    factories.AddresseeFactory(letter=letter, organisation=factories.OrganisationFactory())
    with_1 = count_queries(client, url)

    factories.AddresseeFactory.create_batch(
        4, letter=letter, organisation=factories.OrganisationFactory()
    )
    with_5 = count_queries(client, url)

    assert with_5 == with_1


def add_letters(count: int) -> None:
    for letter in factories.LetterFactory.create_batch(count):
        factories.ReportedCountFactory.create_batch(2, letter=letter)
        factories.AddresseeFactory.create_batch(2, letter=letter)
        factories.create_signatures(letter, 3)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
@pytest.mark.parametrize("query", ["", "?q=open+letter", "?stance=against"])
def test_home_queries_do_not_grow_with_letters(client, db, query, headers):
    add_letters(2)
    with_2 = count_queries(client, "/" + query, headers)

    add_letters(18)
    with_20 = count_queries(client, "/" + query, headers)

    assert with_20 == with_2


def sign_letters(signer, count: int) -> None:
    """`count` letters signed, endorsed, organised, quoted on and addressed by one signer."""
    if signer._meta.model_name == "organisation":
        as_signer, quoted = {"organisation": signer, "person": None}, None
    else:
        as_signer, quoted = {"organisation": None, "person": signer}, signer
    for letter in factories.LetterFactory.create_batch(count):
        factories.SignatureFactory(letter=letter, **as_signer)
        factories.EndorsementFactory(letter=letter, **as_signer)
        factories.OrganiserFactory(letter=letter, **as_signer)
        factories.AddresseeFactory(letter=letter, **as_signer)
        factories.QuoteFactory(letter=letter, person=quoted)


@pytest.mark.parametrize("signer_factory", [factories.OrganisationFactory, factories.PersonFactory])
def test_signer_page_queries_do_not_grow_with_letters(client, db, signer_factory):
    signer = signer_factory()
    sign_letters(signer, 2)
    with_2 = count_queries(client, signer.get_absolute_url())

    sign_letters(signer, 18)
    with_20 = count_queries(client, signer.get_absolute_url())

    assert with_20 == with_2


def add_signers(count: int) -> None:
    """`count` organisations and `count` people, each with an alias containing "match",
    each signing two letters."""
    letter = factories.LetterFactory()
    for _ in range(count):
        organisation = factories.OrganisationFactory()
        factories.OrganisationAliasFactory(organisation=organisation, name=f"Match {organisation}")
        person = factories.PersonFactory()
        factories.PersonAliasFactory(person=person, name=f"Match {person}")
        for signed in (letter, factories.LetterFactory()):
            factories.SignatureFactory(letter=signed, organisation=organisation)
            factories.PersonSignatureFactory(letter=signed, person=person)


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
@pytest.mark.parametrize(
    "url",
    [
        "/organisations/",
        "/organisations/?q=match",
        "/people/",
        "/people/?q=match",
        "/search/?q=match",
    ],
)
def test_index_queries_do_not_grow_with_signers(client, db, url, headers):
    add_signers(2)
    with_2 = count_queries(client, url, headers)

    add_signers(18)
    with_20 = count_queries(client, url, headers)

    assert with_20 == with_2


@pytest.mark.parametrize(
    "query",
    ["", "?page=2&page_size=5", "?country=France", "?kind=individual&country=France"],
)
def test_api_signature_list_queries_do_not_grow_with_signatures(
    client, letter, query, django_assert_num_queries
):
    url = f"/api/v1/letters/{letter.slug}/signatures/{query}"
    with_10 = count_queries(client, url)

    factories.create_signatures(letter, 490)

    with django_assert_num_queries(with_10):
        client.get(url)


@pytest.mark.parametrize(
    "url", ["/api/v1/letters/", "/api/v1/organisations/", "/api/v1/people/", "/api/v1/sources/"]
)
def test_api_lists_queries_do_not_grow_with_rows(client, db, url):
    add_letters(2)
    add_signers(2)
    with_2 = count_queries(client, url)

    add_letters(10)
    add_signers(10)
    with_more = count_queries(client, url)

    assert with_more == with_2


def test_api_detail_queries_do_not_grow_with_the_letters_facts(client, letter):
    url = f"/api/v1/letters/{letter.slug}/"
    before = count_queries(client, url)

    add_letter_content(letter, 8)

    assert count_queries(client, url) == before


def test_api_endorsement_list_queries_do_not_grow(client, letter):
    before = count_queries(client, "/api/v1/endorsements/")

    add_letter_content(letter, 8)

    assert count_queries(client, "/api/v1/endorsements/") == before


def date_signatures(letter, count: int, day: str) -> None:
    from letters.models import Signature

    signatures = factories.create_signatures(letter, count)
    Signature.objects.filter(pk__in=[s.pk for s in signatures]).update(first_listed=day)


@pytest.mark.parametrize("query", ["", "?as_of=2020-02-07", "?as_of=not-a-date", "?page=2"])
def test_timeline_queries_do_not_grow_with_signatures_or_dates(client, letter, query):
    from letters.models import Signature

    date_signatures(letter, 5, "2020-02-06")
    withdrawn = factories.create_signatures(letter, 2)
    Signature.objects.filter(pk__in=[s.pk for s in withdrawn]).update(
        status=SignatureStatus.WITHDRAWN, first_listed="2020-02-06", withdrawn_on="2020-03-01"
    )
    url = f"/letters/{letter.slug}/timeline/{query}"
    small = count_queries(client, url)

    for day in range(1, 29):
        date_signatures(letter, 3, f"2020-05-{day:02}")
    date_signatures(letter, 200, "2020-02-06")
    large = count_queries(client, url)

    assert large == small


def test_statuses_page_queries_are_fixed(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        client.get("/statuses/")


def test_compare_and_topic_pages_queries_do_not_grow_with_signatures(client, db):
    from letters.models import Topic

    a, b = factories.LetterFactory.create_batch(2)
    topic = Topic.objects.create(slug="counted", name="Counted")
    topic.letters.add(a, b)
    urls = [f"/compare/?a={a.slug}&b={b.slug}", "/topics/counted/", "/topics/"]
    for letter in (a, b):
        factories.create_signatures(letter, 3)
    before = [count_queries(client, url) for url in urls]

    for letter in (a, b):
        factories.create_signatures(letter, 100)

    assert [count_queries(client, url) for url in urls] == before
