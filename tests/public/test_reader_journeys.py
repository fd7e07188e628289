"""The readers' journeys that failed (issue 14, section 4), on the demo data: the home
search finds letters by organiser, addressee, signatory and text and points to "Has it
signed?"; search results say each letter's date, stance and the signature's status;
organisation and person pages list the letters addressed to them and what happened next;
the home cards mark our titles once and give one stance label."""

import html as html_module
import re

import pytest

from letters.models import Letter, Organisation, Signature
from tests import factories
from tests.helpers import NSPCC_SLUG


def found_letters(client, query: str) -> list[str]:
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    return [result.letter.slug for result in response.context["results"]]


def test_nspcc_finds_the_letter_it_organised_and_every_letter_it_signed(client, demo_data):
    nspcc = Organisation.objects.get(slug="nspcc")
    signed = set(
        Signature.objects.public().filter(organisation=nspcc).values_list("letter__slug", flat=True)
    )

    found = found_letters(client, "nspcc")

    assert NSPCC_SLUG in found
    assert signed and signed <= set(found)


def test_the_full_name_of_an_organiser_finds_its_letter(client, demo_data):
    found = found_letters(client, "National Society for the Prevention of Cruelty")
    assert NSPCC_SLUG in found


def test_an_addressee_finds_the_letters_addressed_to_them(client, demo_data):
    addressed = set(
        Letter.objects.published()
        .filter(addressees__person__slug="mark-zuckerberg")
        .values_list("slug", flat=True)
    )

    assert len(addressed) >= 5
    assert addressed <= set(found_letters(client, "zuckerberg"))


def test_a_signatory_finds_its_letters_and_the_card_links_to_it_in_the_list(client, demo_data):
    response = client.get("/", {"q": "Barnardos"})
    html = response.content.decode()
    barnardos = Signature.objects.public().filter(organisation__slug="barnardos")

    results = {r.letter.slug: r for r in response.context["results"]}
    for signature in barnardos.select_related("letter"):
        assert results[signature.letter.slug].matching_signatories == 1
        link = f'href="{signature.letter.get_absolute_url()}?q=Barnardos#signatory-list"'
        assert link in html
    assert "1 signatory matches “Barnardos”" in html


def test_the_home_search_points_to_has_it_signed(client, demo_data):
    html = client.get("/", {"q": "Save the Children"}).content.decode()
    assert (
        '<a href="/search/?q=Save%20the%20Children">Has “Save the Children” signed anything?</a>'
        in html
    )
    assert '<label for="letter-q">Search letters</label>' in html
    assert "By title, text, organiser, addressee or signatory" in html


def test_the_htmx_search_swaps_the_list_with_its_hint(client, demo_data):
    response = client.get("/", {"q": "nspcc"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="letter-list"' in html and "Has “nspcc” signed anything?" in html


def test_a_two_letter_query_does_not_search_every_signatory(client, db):
    letter = factories.LetterFactory(title="About privacy")
    factories.SignatureFactory(letter=letter, organisation__name="Xq Collective")
    assert found_letters(client, "xq") == []
    assert found_letters(client, "xq collective") == [letter.slug]


def test_withdrawn_signatories_are_found_but_pending_ones_are_not(client, published_letter):
    factories.SignatureFactory(
        letter=published_letter, organisation__name="Pending Society", status="pending"
    )
    assert found_letters(client, "pending society") == []


def test_a_draft_letter_is_never_found(client, draft_letter):
    factories.SignatureFactory(letter=draft_letter, organisation__name="Hidden Society")
    assert found_letters(client, "hidden society") == []
    assert found_letters(client, "unpublished") == []


# ---------------------------------------------------------------------------
# Has it signed?
# ---------------------------------------------------------------------------


def test_search_results_give_each_letters_date_stance_and_the_signatures_status(client, demo_data):
    html = client.get("/search/", {"q": "Barnardos"}).content.decode()
    nspcc = Letter.objects.get(slug=NSPCC_SLUG)

    item = html_module.unescape(
        re.search(rf'<li><a href="{nspcc.get_absolute_url()}">.*?</li>', html, re.S).group(0)
    )
    assert nspcc.title in item
    assert '<time datetime="2020-02-06">6 February 2020</time>' in item
    assert f'<span class="stance stance-against">{nspcc.stance}</span>' in item
    assert '<span class="badge badge-reported">reported</span>' in item
    assert "Signed 3 letters:" in html


def test_has_it_signed_finds_typographic_and_hyphenated_names(client, db):
    letter = factories.LetterFactory()
    for name in ("Save-the-Children UK", "“Save the Children” Fund", "SAVE THE CHILDREN"):
        factories.SignatureFactory(letter=letter, organisation__name=name)

    response = client.get("/search/", {"q": "save the children"})

    assert len(response.context["organisations"]) == 3


def test_an_addressed_organisation_says_which_letters_were_addressed_to_it(client, demo_data):
    html = client.get("/search/", {"q": "Facebook"}).content.decode()
    assert "Addressed by 3 letters:" in html
    assert "No letter signed, as far as our sources show." in html


# ---------------------------------------------------------------------------
# Organisation and person pages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/organisations/facebook/", "/people/mark-zuckerberg/"])
def test_facebook_and_zuckerberg_pages_list_the_letters_addressed_and_the_responses(
    client, demo_data, path
):
    html = html_module.unescape(client.get(path).content.decode())

    section = re.search(r'<section aria-labelledby="addressed-heading">.*?</section>', html, re.S)
    assert section, "no letters addressed"
    nspcc = Letter.objects.get(slug=NSPCC_SLUG)
    assert nspcc.title in section.group(0)
    for response in nspcc.responses.all():
        assert response.responder in section.group(0)
    assert "We believe people have the right to have a private conversation online" in html
    assert html.index("addressed-heading") < html.index("Letters signed")


def test_a_letter_without_responses_says_none_is_recorded(client, published_letter):
    organisation = factories.OrganisationFactory(name="Platform Co", slug="platform-co")
    factories.AddresseeFactory(letter=published_letter, name="Platform", organisation=organisation)

    html = client.get("/organisations/platform-co/").content.decode()

    assert "Letters addressed to Platform Co" in html
    assert "(addressed to Platform)" in html
    assert "No response recorded." in html


def test_a_draft_addressed_to_someone_stays_off_their_page(client, draft_letter, published_letter):
    organisation = factories.OrganisationFactory(name="Platform Co", slug="platform-co")
    factories.AddresseeFactory(letter=draft_letter, name="Platform Co", organisation=organisation)
    factories.AddresseeFactory(
        letter=published_letter, name="Platform Co", organisation=organisation
    )

    html = client.get("/organisations/platform-co/").content.decode()

    assert published_letter.title in html and draft_letter.title not in html


# ---------------------------------------------------------------------------
# Home cards
# ---------------------------------------------------------------------------


def test_home_cards_mark_our_titles_once_and_give_one_stance_label(client, demo_data):
    html = client.get("/").content.decode()
    descriptive = Letter.objects.published().filter(title_is_descriptive=True).count()

    assert descriptive >= 5
    assert "Descriptive title (ours" not in html
    assert html.count('<span class="marker">our title</span>') == descriptive + 1  # + legend
    assert html.count("The letter has no title of its own") == 1
    assert re.search(r'<span class="stance stance-for">for E2EE</span>', html)
    assert not re.search(r">\s*For\s*</span>\s*for E2EE", html)
