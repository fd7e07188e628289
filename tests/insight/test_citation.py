"""Citations of a letter page: plain text and BibTeX, built in letters/citation.py."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from letters.insight.citation import authors, bibtex_citation, escape_bibtex, plain_citation
from letters.models import SignatureStatus
from tests import factories
from tests.helpers import rendering_context

ACCESSED = datetime.date(2026, 11, 29)
URL = "https://tracker.example.org/letters/2020-02-06_nspcc-led-letter-to-zuckerberg/"


def test_the_nspcc_letter_is_cited_as_nspcc_et_al(nspcc_letter):
    text = plain_citation(nspcc_letter, URL, ACCESSED)

    assert text.startswith("NSPCC")
    assert f"(2020) '{nspcc_letter.title}'. Open letter, 6 February 2020. " in text
    assert text.endswith(f"Open Letter Tracker. {URL} (accessed 29 November 2026)")


def test_without_organisers_the_first_signatories_are_the_authors(db):
    letter = factories.LetterFactory(title="T", date="2023-08")
    for name in ["Alpha", "Beta", "Gamma", "Delta"]:
        factories.SignatureFactory(letter=letter, organisation__name=name)

    assert plain_citation(letter, URL, None) == (
        f"Alpha et al. (2023) 'T'. Open letter, August 2023. Open Letter Tracker. {URL}"
    )
    bib = bibtex_citation(letter, URL, None)
    assert "author = {{Alpha} and {Beta} and {Gamma} and others}" in bib
    assert "Accessed" not in bib


def test_the_first_signatories_named_are_the_letters_own_listed_ones_in_list_order(db):
    letter = factories.LetterFactory(title="T", date="2023-08")
    other_letter = factories.LetterFactory()
    factories.SignatureFactory(letter=other_letter, organisation__name="Other letter's")
    factories.SignatureFactory(
        letter=letter, organisation__name="Withdrawn", status=SignatureStatus.WITHDRAWN
    )
    factories.SignatureFactory(letter=letter, organisation__name="Unsourced", sources=[])
    for name in ["Alpha", "Beta"]:
        factories.SignatureFactory(letter=letter, organisation__name=name)

    assert authors(letter) == ["Alpha", "Beta"]
    assert authors(other_letter) == ["Other letter's"]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("R&D 100% {ok} #1 $5 a_b", r"R\&D 100\% \{ok\} \#1 \$5 a\_b"),
        ("back\\slash ~ ^", r"back\textbackslash{}slash \textasciitilde{} \textasciicircum{}"),
    ],
)
def test_bibtex_special_characters_are_escaped(text, escaped):
    assert escape_bibtex(text) == escaped


def test_bibtex_entry_has_every_field(db):
    letter = factories.LetterFactory(title="Stop {this} & 50% of that", date="2021-08-19")
    factories.OrganiserFactory(
        letter=letter,
        organisation=factories.OrganisationFactory(name="Center for Democracy & Technology"),
    )

    bib = bibtex_citation(letter, URL, ACCESSED)

    assert bib.startswith("@misc{center2021stop,\n")
    assert r"title = {{Stop \{this\} \& 50\% of that}}" in bib
    assert r"author = {{Center for Democracy \& Technology}}" in bib
    assert "year = {2021}" in bib
    assert f"howpublished = {{\\url{{{URL}}}}}" in bib
    assert "Accessed 29 November 2026" in bib
    assert bib.count("{") == bib.count("}") + bib.count(r"\}") - bib.count(r"\{")


def test_an_undated_letter_says_so(db):
    letter = factories.LetterFactory(date=None, title="Undated")

    assert "(n.d.) 'Undated'. Open letter, date unknown." in plain_citation(letter, URL, None)


def test_downloads_carry_todays_date_and_are_never_cached(client, published_letter, settings):
    settings.PAGE_CACHE_SECONDS = 300
    today = datetime.date.today()

    text = client.get(f"/letters/{published_letter.slug}/cite.txt")
    bib = client.get(f"/letters/{published_letter.slug}/cite.bib")

    assert text["Content-Type"].startswith("text/plain")
    assert f"(accessed {today.day} " in text.content.decode()
    assert "http://testserver/letters/letter-to-a-platform/" in text.content.decode()
    assert bib["Content-Type"].startswith("application/x-bibtex")
    assert f"urldate = {{{today.isoformat()}}}" in bib.content.decode()
    for response in (text, bib):
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "ETag" not in response


def test_the_letter_page_offers_the_citation_without_a_stale_date(client, nspcc_letter):
    html = client.get(nspcc_letter.get_absolute_url()).content.decode()

    assert "NSPCC" in html and "Open letter, 6 February 2020. Open Letter Tracker." in html
    assert "(accessed" not in html
    assert f'href="/letters/{nspcc_letter.slug}/cite.bib"' in html


def test_citations_of_unknown_or_draft_letters_are_404(client, draft_letter):
    assert client.get(f"/letters/{draft_letter.slug}/cite.bib").status_code == 404
    assert client.get("/letters/nope/cite.txt").status_code == 404


def test_the_letter_pages_citation_comes_from_the_view_and_renders_without_a_query(
    client, db, django_assert_num_queries
):
    letter = factories.LetterFactory(title="Keep kids safe", slug="keep-kids-safe", date="2020")
    factories.OrganiserFactory(letter=letter, name="NSPCC")
    factories.SignatureFactory(letter=letter, organisation__name="Barnardo's")

    response = client.get(letter.get_absolute_url())

    url = "http://testserver/letters/keep-kids-safe/"
    assert response.context["citation"] == {
        "text": plain_citation(letter, url, None),
        "bibtex": bibtex_citation(letter, url, None),
    }
    template = "letters/public/letter_detail.html"
    context = rendering_context(response, template)
    with django_assert_num_queries(0):
        html = render_to_string(template, context)
    assert escape(plain_citation(letter, url, None)) in html
