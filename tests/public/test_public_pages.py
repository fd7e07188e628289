"""The public pages: what they show, what they never show, and their htmx fragments."""

import pytest
from django.template.loader import render_to_string

from letters.models import Letter, SignatureStatus
from tests import factories

HX = {"HX-Request": "true"}


def shown_names(response) -> list[str]:
    """The published names on the letter page's current page of signatories, in order."""
    return [row["published_name"] for row in response.context["page"]]


@pytest.fixture
def letter(db, five_rights, sofia) -> Letter:
    """A published letter with a signatory in every state and a fact of every kind."""
    letter = factories.LetterFactory(
        title="Letter to a platform",
        slug="letter-to-a-platform",
        summary="Charities ask a platform to keep child safety tools.",
        asks="Keep scanning for known abuse\nPublish a risk assessment",
        stance="against E2EE rollout",
    )
    factories.ReportedCountFactory(letter=letter, signatories_text="128", signatories_value=128)
    factories.ReportedCountFactory(letter=letter, signatories_text="129", signatories_value=129)
    factories.AddresseeFactory(letter=letter, name="Mark Zuckerberg", role="CEO")
    factories.OrganiserFactory(letter=letter, name="NSPCC", role="led the letter")

    nspcc = factories.OrganisationFactory(name="NSPCC", slug="nspcc", country="GB")
    factories.SignatureFactory(
        letter=letter,
        organisation=nspcc,
        status=SignatureStatus.CONFIRMED,
        country="GB",
        position=1,
    )
    factories.SignatureFactory(
        letter=letter,
        organisation=five_rights,
        published_name="5Rights",
        country="IE",
        country_is_inferred=True,
        position=2,
    )
    factories.PersonSignatureFactory(letter=letter, person=sofia, country="ES", position=3)
    factories.SignatureFactory(
        letter=letter,
        organisation=factories.OrganisationFactory(name="Disputed Trust"),
        status=SignatureStatus.DISPUTED,
        position=4,
    )
    factories.SignatureFactory(
        letter=letter,
        organisation=factories.OrganisationFactory(name="Withdrawn Society"),
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2021-03-03",
        position=5,
    )
    for status in (SignatureStatus.PENDING, SignatureStatus.REJECTED):
        factories.SignatureFactory(
            letter=letter,
            organisation=factories.OrganisationFactory(name=f"{status.label} Group"),
            status=status,
        )

    patel = factories.PersonFactory(name="Priti Patel", slug="priti-patel")
    factories.EndorsementFactory(
        letter=letter,
        person=patel,
        quote="I fully support this letter.",
        source=factories.SourceFactory(
            url="https://www.gov.uk/speech", outlet="gov.uk", date="2020-02-07"
        ),
    )
    factories.QuoteFactory(letter=letter, text="Children deserve protection.", person=patel)
    factories.ResponseFactory(letter=letter, responder="Facebook (spokesperson)", quote="No.")
    letter.coverage.add(
        factories.SourceFactory(
            url="https://news.example.org/charities-letter",
            headline="Charities letter to platform",
            headline_is_rebuilt=True,
        )
    )
    return letter


# ---------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------


def test_home_lists_published_letters_with_listed_and_reported_counts(client, letter, draft_letter):
    response = client.get("/")

    content = response.content.decode()
    assert response.status_code == 200
    assert letter.title in content
    assert "3 listed here" in content
    assert "128–129 reported (sources differ)" in content
    assert "To Mark Zuckerberg" in content
    assert draft_letter.title not in content
    assert list(response.context["page"]) == [letter]


@pytest.mark.parametrize(
    ("stance", "titles"),
    [
        ("for", ["Supporting letter"]),
        ("against", ["Opposing letter"]),
        ("", ["Opposing letter", "Supporting letter"]),
    ],
)
def test_home_filters_letters_by_stance(client, db, stance, titles):
    factories.LetterFactory(title="Opposing letter", side="against", date="2021")
    factories.LetterFactory(title="Supporting letter", side="for", date="2020")

    response = client.get("/", {"stance": stance})

    assert sorted(letter.title for letter in response.context["page"]) == titles


@pytest.mark.parametrize("query", ["platform", "LETTER TO A", "plätform"])
def test_home_searches_titles(client, letter, query):
    factories.LetterFactory(title="Something else entirely")

    response = client.get("/", {"q": query})

    assert list(response.context["page"]) == [letter]
    assert "1 letter found" in response.content.decode()


def test_home_marks_a_descriptive_title_and_explains_the_mark_once(client, db):
    factories.LetterFactory(title="Letter from 60 charities", title_is_descriptive=True)
    factories.LetterFactory(title="Letter from 70 charities", title_is_descriptive=True)

    content = client.get("/").content.decode()

    assert 'Letter from 60 charities</a> <span class="marker">our title</span></h2>' in content
    assert content.count("The letter has no title of its own: the title describes it.") == 1


# ---------------------------------------------------------------------------
# A letter
# ---------------------------------------------------------------------------


def test_letter_page_shows_the_letter_and_its_sourced_facts(client, letter):
    response = client.get(letter.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    for fact in [
        "<h1>Letter to a platform</h1>",
        "6 February 2020",
        "Charities ask a platform to keep child safety tools.",
        "<li>Keep scanning for known abuse</li>",
        "Mark Zuckerberg, CEO",
        "NSPCC — led the letter",
        "against E2EE rollout",
        "128 signatories",
        "129 signatories",
        "Priti Patel</a>, Home Secretary",
        "I fully support this letter.",
        'href="https://www.gov.uk/speech"',
        "Children deserve protection.",
        "Facebook (spokesperson)",
        "Charities letter to platform",
    ]:
        assert fact in content


def test_letter_page_shows_listed_and_reported_counts_side_by_side(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert "<strong>3 listed here</strong> · 128–129 reported (sources differ)" in content


def test_letter_page_lists_public_signatories_in_published_order(client, letter):
    response = client.get(letter.get_absolute_url())

    assert shown_names(response) == [
        "NSPCC",
        "5Rights",
        "Sofía Núñez",
        "Disputed Trust",
        "Withdrawn Society",
    ]
    assert "5 signatories shown" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "group"}, {"q": "pending"}, {"kind": "organisation"}, {"page": "2"}],
)
@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_pending_and_rejected_signatures_never_appear(client, letter, params, headers):
    response = client.get(letter.get_absolute_url(), params, headers=headers)

    content = response.content.decode()
    assert "Pending moderation Group" not in content
    assert "Rejected Group" not in content
    assert not {"pending", "rejected"} & {row["status"] for row in response.context["page"]}


def test_withdrawn_and_disputed_signatures_say_so(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert '<span class="badge badge-withdrawn">withdrawn on 3 March 2021</span>' in content
    assert '<span class="badge badge-disputed">disputed</span>' in content
    assert '<span class="badge badge-confirmed">confirmed</span>' in content


def test_inferred_country_is_marked_as_inferred(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert 'Ireland <span class="caveat">(inferred)</span>' in content
    assert 'Spain <span class="caveat">' not in content


def test_signatory_published_under_another_name_shows_the_canonical_name(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    assert '<span class="canonical">(5Rights Foundation)</span>' in content


@pytest.mark.parametrize("descriptive", [True, False])
def test_descriptive_title_is_flagged_on_the_letter_page(client, db, descriptive):
    letter = factories.LetterFactory(title_is_descriptive=descriptive)

    content = client.get(letter.get_absolute_url()).content.decode()

    assert ("Descriptive title: ours, not the letter's own." in content) is descriptive


def test_rebuilt_headline_is_flagged(client, letter):
    letter.coverage.add(factories.SourceFactory(headline="Read on the page"))

    content = client.get(letter.get_absolute_url()).content.decode()

    assert content.count("(headline rebuilt from the URL)") == 1
    assert 'Charities letter to platform</a> <span class="caveat">(headline rebuilt' in content


def test_draft_letter_is_not_found(client, draft_letter):
    assert client.get(draft_letter.get_absolute_url()).status_code == 404
    assert client.get(draft_letter.get_absolute_url(), headers=HX).status_code == 404


def test_a_draft_letter_being_answered_is_not_named(client, letter, draft_letter):
    letter.in_response_to = draft_letter
    letter.save()
    factories.LetterFactory(title="Secret reply", in_response_to=letter, visibility="draft")

    content = client.get(letter.get_absolute_url()).content.decode()

    assert "a letter not yet published here" in content
    assert draft_letter.title not in content
    assert "Secret reply" not in content


def test_a_published_answer_is_linked_both_ways(client, letter):
    reply = factories.LetterFactory(title="Reply from academics", in_response_to=letter)

    assert reply.get_absolute_url() in client.get(letter.get_absolute_url()).content.decode()
    assert letter.get_absolute_url() in client.get(reply.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("nspcc", ["NSPCC"]),
        ("5rights", ["5Rights"]),  # the published name
        ("foundation", ["5Rights"]),  # the canonical name only
        ("5 RIGHTS", ["5Rights"]),  # an alias only
        ("sofia nunez", ["Sofía Núñez"]),
        ("ÑÚ", ["Sofía Núñez"]),
        ("withdrawn", ["Withdrawn Society"]),
        ("nobody at all", []),
    ],
)
def test_signatories_are_searched_by_published_canonical_and_alias_names(
    client, letter, query, names
):
    response = client.get(letter.get_absolute_url(), {"q": query})

    assert shown_names(response) == names
    assert f"{len(names)} signator" in response.content.decode()


def test_a_search_with_no_match_says_so(client, letter):
    content = client.get(letter.get_absolute_url(), {"q": "nobody at all"}).content.decode()

    assert "No signatory matches “nobody at all”." in content


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"kind": "individual"}, ["Sofía Núñez"]),
        ({"kind": "organisation"}, ["NSPCC", "5Rights", "Disputed Trust", "Withdrawn Society"]),
        ({"country": "ES"}, ["Sofía Núñez"]),
        ({"country": "IE"}, ["5Rights"]),
        ({"country": "GB", "kind": "organisation"}, ["NSPCC"]),
        ({"country": "GB", "kind": "individual"}, []),
        ({"q": "5", "kind": "organisation", "country": "IE"}, ["5Rights"]),
        # Links made when countries were names still filter.
        ({"country": "United Kingdom", "kind": "organisation"}, ["NSPCC"]),
    ],
)
def test_signatories_are_filtered_by_kind_and_country(client, letter, params, names):
    response = client.get(letter.get_absolute_url(), params)

    assert shown_names(response) == names


def test_country_filter_offers_only_countries_of_public_signatories(client, letter):
    factories.SignatureFactory(letter=letter, country="NO", status=SignatureStatus.PENDING)

    response = client.get(letter.get_absolute_url())

    assert list(response.context["countries"]) == [
        ("IE", "Ireland"),
        ("ES", "Spain"),
        ("GB", "United Kingdom"),
    ]
    assert "Norway" not in response.content.decode()
    assert '<option value="GB">United Kingdom</option>' in response.content.decode()


def test_signatories_are_paginated(client, letter, settings):
    settings.LETTER_SIGNATORIES_PER_PAGE = 2

    response = client.get(letter.get_absolute_url(), {"page": 2})

    content = response.content.decode()
    assert shown_names(response) == ["Sofía Núñez", "Disputed Trust"]
    assert '<ol class="signatories" start="3">' in content
    assert "Page 2 of 3" in content
    assert 'href="?page=1"' in content
    assert 'href="?page=3"' in content


def test_pagination_keeps_the_search(client, letter, settings):
    settings.LETTER_SIGNATORIES_PER_PAGE = 1

    response = client.get(letter.get_absolute_url(), {"kind": "organisation", "page": 2})

    assert shown_names(response) == ["5Rights"]
    assert 'href="?kind=organisation&amp;page=3"' in response.content.decode()


# ---------------------------------------------------------------------------
# htmx
# ---------------------------------------------------------------------------


def test_htmx_request_gets_only_the_signatory_list(client, letter):
    response = client.get(letter.get_absolute_url(), {"q": "nspcc"}, headers=HX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert content.lstrip().startswith('<div id="signatory-list">')
    assert "NSPCC" in content
    assert "I fully support this letter." not in content
    assert shown_names(response) == ["NSPCC"]


@pytest.mark.parametrize(
    "headers",
    [
        {**HX, "HX-History-Restore-Request": "true"},
        {**HX, "HX-Boosted": "true"},
        {},
    ],
    ids=["history restore", "boosted", "plain"],
)
def test_full_page_comes_back_unless_htmx_asks_for_the_fragment(client, letter, headers):
    response = client.get(letter.get_absolute_url(), headers=headers)

    content = response.content.decode()
    assert "<html" in content
    assert 'id="signatory-list"' in content


@pytest.mark.parametrize(
    ("url", "fragment_id"),
    [
        ("/", "letter-list"),
        ("/letters/letter-to-a-platform/", "signatory-list"),
        ("/organisations/", "results"),
        ("/people/", "results"),
        ("/search/?q=rights", "results"),
    ],
)
def test_pages_with_fragments_vary_on_htmx_headers(client, letter, url, fragment_id):
    page = client.get(url)
    fragment = client.get(url, headers=HX)

    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.content.decode()
    assert "<html" not in fragment.content.decode()
    assert f'id="{fragment_id}"' in fragment.content.decode()
    for response in (page, fragment):
        vary = {header.strip().lower() for header in response["Vary"].split(",")}
        assert {"hx-request", "hx-history-restore-request"} <= vary


def test_home_fragment_is_filtered_too(client, letter):
    factories.LetterFactory(title="A supportive letter", side="for")

    response = client.get("/", {"stance": "for"}, headers=HX)

    content = response.content.decode()
    assert "A supportive letter" in content
    assert letter.title not in content


@pytest.mark.parametrize(
    ("url", "found", "not_found"),
    [
        ("/organisations/?q=5+rights", "5Rights Foundation", "NSPCC"),
        ("/people/?q=nunez", "Sofía Núñez", "Priti Patel"),
        ("/search/?q=5+rights", "5Rights Foundation", "NSPCC"),
    ],
)
def test_index_fragments_are_searched(client, letter, url, found, not_found):
    content = client.get(url, headers=HX).content.decode()

    assert found in content
    assert not_found not in content


# ---------------------------------------------------------------------------
# Organisations
# ---------------------------------------------------------------------------


def test_organisation_index_lists_public_organisations_with_letters_signed(client, letter):
    nspcc = letter.signatures.get(published_name="NSPCC").organisation
    factories.SignatureFactory(letter=factories.LetterFactory(), organisation=nspcc)
    factories.SignatureFactory(
        letter=factories.LetterFactory(), organisation=nspcc, status=SignatureStatus.PENDING
    )
    draft = factories.LetterFactory(visibility="draft")
    factories.SignatureFactory(letter=draft, organisation=nspcc)

    response = client.get("/organisations/")

    content = response.content.decode()
    assert response.status_code == 200
    assert [o.name for o in response.context["page"]] == [
        "5Rights Foundation",
        "Disputed Trust",
        "NSPCC",
        "Withdrawn Society",
    ]
    assert "signed 2 letters" in content
    assert "signed 1 letter<" in content


@pytest.mark.parametrize("query", ["5 rights", "5RIGHTS", "foundation"])
def test_organisation_index_is_searched_by_name_and_alias(client, letter, query):
    response = client.get("/organisations/", {"q": query})

    assert [o.name for o in response.context["page"]] == ["5Rights Foundation"]


def test_organisation_page_lists_each_letter_signed_with_name_and_stance(
    client, letter, five_rights
):
    other = factories.LetterFactory(
        title="Letter for privacy", side="for", stance="for E2EE", date="2021"
    )
    factories.SignatureFactory(letter=other, organisation=five_rights, published_name="5 Rights")
    hidden = factories.LetterFactory(title="Not yet signed")
    factories.SignatureFactory(
        letter=hidden, organisation=five_rights, status=SignatureStatus.PENDING
    )
    factories.SignatureFactory(
        letter=factories.LetterFactory(title="Still a draft", visibility="draft"),
        organisation=five_rights,
    )

    response = client.get(five_rights.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>5Rights Foundation</h1>" in content
    assert "Also published as: <q>5 Rights</q>" in content
    rows = content.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "Letter for privacy" in rows[0]
    assert "<td>5 Rights</td>" in rows[0]
    assert '<span class="stance stance-for">for E2EE</span>' in rows[0]
    assert "Letter to a platform" in rows[1]
    assert "<td>5Rights</td>" in rows[1]
    assert '<span class="stance stance-against">against E2EE rollout</span>' in rows[1]
    assert "Not yet signed" not in content
    assert "Still a draft" not in content


def test_organisation_page_shows_a_withdrawal(client, letter):
    withdrawn = letter.signatures.get(published_name="Withdrawn Society").organisation

    content = client.get(withdrawn.get_absolute_url()).content.decode()

    assert "Withdrawn on 3 March 2021" in content


def test_organisation_page_lists_endorsements_and_letters_organised(client, letter):
    nspcc = letter.signatures.get(published_name="NSPCC").organisation
    letter.organisers.update(organisation=nspcc)
    factories.EndorsementFactory(
        letter=factories.LetterFactory(title="Another letter"),
        person=None,
        organisation=nspcc,
        office="",
        jurisdiction="",
        quote="We back this.",
    )

    content = client.get(nspcc.get_absolute_url()).content.decode()

    assert "Letters organised" in content
    assert "Letter to a platform</a> — led the letter" in content
    assert "Supports <a" in content
    assert "We back this." in content


@pytest.mark.parametrize(
    "status", [SignatureStatus.PENDING, SignatureStatus.REJECTED, "on a draft"]
)
def test_organisation_known_only_privately_has_no_page(client, letter, draft_letter, status):
    secret = factories.OrganisationFactory(name="Secret Signer", slug="secret-signer")
    if status == "on a draft":
        factories.SignatureFactory(letter=draft_letter, organisation=secret)
    else:
        factories.SignatureFactory(letter=letter, organisation=secret, status=status)

    assert client.get(secret.get_absolute_url()).status_code == 404
    for url in ["/organisations/", "/organisations/?q=secret", "/search/?q=secret"]:
        assert "Secret Signer" not in client.get(url).content.decode()


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def test_person_index_lists_public_people(client, letter):
    factories.PersonSignatureFactory(
        letter=letter, person=factories.PersonFactory(name="Pending Person"), status="pending"
    )

    response = client.get("/people/")

    assert response.status_code == 200
    assert [p.name for p in response.context["page"]] == ["Priti Patel", "Sofía Núñez"]
    assert "2 people" in response.content.decode()


def test_person_page_lists_endorsements_with_quotes_and_sources(client, letter):
    patel = letter.endorsements.get().person

    response = client.get(patel.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Priti Patel</h1>" in content
    assert f'Supports <a href="{letter.get_absolute_url()}">Letter to a platform</a>' in content
    assert "as Home Secretary (United Kingdom)" in content
    assert "<blockquote><p>I fully support this letter.</p></blockquote>" in content
    assert '<a class="source" href="https://www.gov.uk/speech"' in content
    assert "gov.uk, 7 February 2020</a>" in content
    assert "Children deserve protection." in content
    assert "No letter signed, as far as our sources show." in content


def test_person_page_lists_letters_signed(client, letter, sofia):
    content = client.get(sofia.get_absolute_url()).content.decode()

    assert "Letter to a platform" in content
    assert "<td>Sofía Núñez</td>" in content


def test_person_page_hides_endorsements_of_draft_letters(client, letter, draft_letter):
    patel = letter.endorsements.get().person
    factories.EndorsementFactory(letter=draft_letter, person=patel, quote="Draft praise.")
    factories.QuoteFactory(letter=draft_letter, person=patel, text="Draft quote.")

    content = client.get(patel.get_absolute_url()).content.decode()

    assert "Draft praise." not in content
    assert "Draft quote." not in content
    assert draft_letter.title not in content


def test_person_known_only_from_a_draft_letter_has_no_page(client, draft_letter):
    endorser = factories.EndorsementFactory(letter=draft_letter).person

    assert client.get(endorser.get_absolute_url()).status_code == 404
    assert endorser.name not in client.get("/people/").content.decode()


# ---------------------------------------------------------------------------
# Site-wide search
# ---------------------------------------------------------------------------


def test_search_page_opens_empty(client, db):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Nothing found" not in response.content.decode()


def test_search_finds_an_organisation_by_alias_with_the_letters_it_signed(client, letter):
    response = client.get("/search/", {"q": "5 rights"})

    content = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/organisations/5rights-foundation/">5Rights Foundation</a>' in content
    assert '<a href="/letters/letter-to-a-platform/">Letter to a platform</a>' in content
    assert "(as “5Rights”)" in content


def test_search_finds_people_accent_insensitively(client, letter):
    content = client.get("/search/", {"q": "SOFIA"}).content.decode()

    assert '<a href="/people/sofia-nunez/">Sofía Núñez</a>' in content


def test_search_says_when_nothing_is_found(client, letter):
    content = client.get("/search/", {"q": "zzz"}).content.decode()

    assert "Nothing found for “zzz”." in content


def test_search_shows_only_public_signatures(client, letter, five_rights, draft_letter):
    factories.SignatureFactory(letter=draft_letter, organisation=five_rights)
    factories.SignatureFactory(
        letter=factories.LetterFactory(title="Pending letter"),
        organisation=five_rights,
        status=SignatureStatus.PENDING,
    )

    content = client.get("/search/", {"q": "5rights"}).content.decode()

    assert draft_letter.title not in content
    assert "Pending letter" not in content
    assert "Letter to a platform" in content


def test_search_links_to_the_full_list_when_there_are_more(client, db, settings):
    settings.INDEX_PAGE_SIZE = 2
    letter = factories.LetterFactory()
    for n in range(3):
        factories.SignatureFactory(
            letter=letter, organisation=factories.OrganisationFactory(name=f"Charity {n}")
        )

    response = client.get("/search/", {"q": "charity"})

    assert len(response.context["organisations"]) == 2
    assert 'href="/organisations/?q=charity"' in response.content.decode()


def test_a_filter_select_escapes_its_options_and_marks_the_one_chosen():
    html = render_to_string(
        "_filter_select.html",
        {
            "id": "f",
            "name": "f",
            "label": "Label",
            "any": "Any",
            "choices": [("a&b", '<script>"x"</script>'), ("GB", "United Kingdom")],
            "selected": "a&b",
        },
    )

    assert (
        '<option value="a&amp;b" selected>&lt;script&gt;&quot;x&quot;&lt;/script&gt;</option>'
        '<option value="GB">United Kingdom</option>'
    ) in html


@pytest.mark.parametrize("query", ["", "?q=signed+here"])
def test_a_row_read_by_its_compiled_query_converts_values_as_the_orm_does(client, db, query):
    """The list's rows come from SQL compiled once (letters/public/signatory_rows.py):
    the database's booleans and datetimes arrive as the ORM would give them, on the full
    list and on a filtered one."""
    from datetime import UTC, datetime

    letter = factories.LetterFactory(slug="signed-on-site")
    signature = factories.SignatureFactory(
        letter=letter,
        published_name="Signed Here",
        country="FR",
        country_is_inferred=True,
        signed_on_site_at=datetime(2026, 3, 3, 12, 0, tzinfo=UTC),
        verified_domain="example.org",
    )
    other = factories.SignatureFactory(letter=letter, published_name="From A Source")
    for headers in ({}, HX):
        html = client.get(letter.get_absolute_url() + query, headers=headers).content.decode()
        assert signature.site_provenance.startswith("Signed on this site on 3 March 2026")
        assert signature.site_provenance in html
        assert html.count("(inferred)") == 1
        assert f'id="signature-{signature.pk}"' in html
        assert (f'id="signature-{other.pk}"' in html) == (not query)
