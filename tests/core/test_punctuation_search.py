"""Search ignores how a name is punctuated: a messy list of thousands of names, each
written with every kind of apostrophe, quote, dot, hyphen, dash and comma (and case,
accents and spacing), is found by the plain name typed without them, through the search
index on SQLite and PostgreSQL, for signatures, signers and letters alike."""

import random

import pytest

from letters.lib.text import normalise
from letters.models import Letter, Organisation, Signature
from letters.signature_list import search_text
from tests import factories

APOSTROPHES = ["'", "’", "‘", "ʼ", "`", "´", "′", "＇"]
QUOTES = ['"', "“", "”", "„", "«", "»", "‹", "›"]
HYPHENS = ["-", "‐", "‑", "‒", "–", "—", "―", "−"]
DOTS = [".", "·", "．"]
SPACES = [" ", "  ", "\u00a0", "\t"]

# Plain names, and how each may be written: {a} an apostrophe, {q} a quote, {h} a hyphen or
# dash, {d} a dot, {s} a space.
TEMPLATES = {
    "barnardos": "Barnardo{a}s",
    "save the children": "Save{h}the{h}Children",
    "uk safer internet centre": "U{d}K{d}{s}Safer Internet Centre",
    "childrens rights alliance": "Children{a}s Rights{s}Alliance",
    "privacy first": "{q}Privacy First{q}",
    "jean luc picard foundation": "Jean{h}Luc Picard Foundation",
    "muller ludenscheid ev": "Müller{h}Lüdenscheid e{d}V{d}",
    "meta platforms inc": "Meta Platforms, Inc{d}",
    "o brien and sons": "O{s}Brien and Sons",
    "st johns ambulance": "St{d} John{a}s Ambulance",
}
VARIANTS_PER_NAME = 150


def messy(template: str, rng: random.Random) -> str:
    name = template.format(
        a=rng.choice(APOSTROPHES),
        q=rng.choice(QUOTES),
        h=rng.choice(HYPHENS + SPACES[:1]),
        d=rng.choice(DOTS + [""]),
        s=rng.choice(SPACES),
    )
    return name.upper() if rng.random() < 0.2 else name


@pytest.fixture
def messy_list(published_letter):
    """1,500 signatures: each plain name written 150 ways, by as many organisations."""
    rng = random.Random(14)
    names = [
        (plain, messy(template, rng))
        for plain, template in TEMPLATES.items()
        for _ in range(VARIANTS_PER_NAME)
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=name, slug=f"messy-{n}", search_text=search_text([name]))
        for n, (_, name) in enumerate(names)
    )
    # Listed from a source, as an import writes them (nothing public without one).
    Signature.objects.bulk_create(
        Signature(
            letter=published_letter, organisation=organisation, published_name=name, sourced=True
        )
        for organisation, (_, name) in zip(organisations, names, strict=True)
    )
    return names


@pytest.mark.parametrize("plain", TEMPLATES)
def test_every_way_of_writing_a_name_is_found_by_the_plain_name(messy_list, plain):
    expected = {name for wanted, name in messy_list if wanted == plain}

    signatures = Signature.objects.matching(plain).values_list("published_name", flat=True)
    signers = Organisation.objects.matching(plain).values_list("name", flat=True)

    assert set(signatures) == expected
    assert set(signers) == expected
    assert len(list(signatures)) == VARIANTS_PER_NAME


def test_the_messy_names_find_each_other(messy_list):
    """Any way of writing a name, typed as a query, finds every other way."""
    rng = random.Random(7)
    for plain, name in rng.sample(messy_list, 40):
        found = set(Signature.objects.matching(name).values_list("published_name", flat=True))
        assert found >= {other for wanted, other in messy_list if wanted == plain}, name


def test_the_stored_search_text_has_no_punctuation_left(messy_list):
    for text in Signature.objects.values_list("search_text", flat=True):
        assert not set(text) & set("".join(APOSTROPHES + QUOTES + HYPHENS + DOTS) + ",\t\u00a0")
        assert "  " not in text


def test_the_home_search_finds_the_letter_by_any_spelling_of_a_signatory(
    client, messy_list, published_letter
):
    for query in ("Barnardos", "barnardo’s", "Save the Children", "SAVE-THE-CHILDREN"):
        response = client.get("/", {"q": query})
        results = response.context["results"]
        assert [r.letter for r in results] == [published_letter], query
        assert results[0].matching_signatories == VARIANTS_PER_NAME


def test_a_letter_title_is_found_without_its_punctuation(db):
    letter = factories.LetterFactory(title="Open letter: Facebook’s “Privacy-first” proposals")
    for query in ("facebooks privacy first", "Facebook's privacy-first", "FACEBOOKS PRIVACY"):
        assert list(Letter.objects.matching(query)) == [letter], query
    assert normalise(letter.title) in Letter.objects.get(pk=letter.pk).search_text
