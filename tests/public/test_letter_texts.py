"""The letter in its own words: the original and its translations, each with its language,
its source and whether it is the original, on the letter page (with a language switcher
that works without JavaScript), on a hosted letter's sign page, in the search, the API and
the JSON download, and edited in the admin."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from letters.models import Letter, LetterText, Source
from letters.opendata.openapi import openapi_schema
from tests import factories
from tests.curation.test_admin import form_of, letter_change_url
from tests.opendata.test_openapi import response_validator

ORIGINAL = "Nous, soussignés, demandons le chiffrement de bout en bout pour tous."
TRANSLATION = "We, the undersigned, ask for end-to-end encryption for everyone."


@pytest.fixture
def letter(published_letter):
    source = factories.SourceFactory(url="https://example.org/lettre", outlet="Example")
    factories.LetterTextFactory(
        letter=published_letter,
        language="fr",
        is_original=True,
        title="Lettre ouverte",
        body=f"{ORIGINAL}\n\nSecond paragraphe.",
        source=source,
    )
    factories.LetterTextFactory(
        letter=published_letter,
        language="en",
        is_original=False,
        translated_by="the organisers",
        title="Open letter",
        body=TRANSLATION,
        source=factories.SourceFactory(url="https://example.org/letter"),
    )
    return published_letter


def text_section(html: str) -> str:
    match = re.search(r'<section id="letter-text".*?</section>', html, re.S)
    assert match, "no letter text on the page"
    return match.group(0)


def test_the_letter_page_shows_the_original_first_marked_with_its_language(client, letter):
    section = text_section(client.get(letter.get_absolute_url()).content.decode())

    assert '<div class="letter-text-body" lang="fr" dir="ltr">' in section
    assert "<h3>Lettre ouverte</h3>" in section
    assert f"<p>{ORIGINAL}</p>" in section and "<p>Second paragraphe.</p>" in section
    assert TRANSLATION not in section
    assert "French: the original text. Source:" in section
    assert 'href="https://example.org/lettre"' in section


def test_the_switcher_links_every_language_and_marks_the_one_shown(client, letter):
    section = text_section(client.get(letter.get_absolute_url()).content.decode())

    assert re.search(
        r'<a id="letter-text-fr" href="\?text=fr#letter-text" hreflang="fr" lang="fr" '
        r'aria-current="true">français</a> <span class="text-kind">original</span>',
        section,
    )
    assert re.search(
        r'<a id="letter-text-en" href="\?text=en#letter-text" hreflang="en" lang="en">English</a> '
        r'<span class="text-kind">translation</span>',
        section,
    )


def test_following_a_language_link_shows_that_translation_with_who_made_it(client, letter):
    section = text_section(client.get(letter.get_absolute_url() + "?text=en").content.decode())

    assert '<div class="letter-text-body" lang="en" dir="ltr">' in section
    assert TRANSLATION in section and ORIGINAL not in section
    assert "English: a translation by the organisers. Source:" in section
    assert 'aria-current="true">English</a>' in section


@pytest.mark.parametrize("asked", ["xx", "", "<script>", "fr" * 200])
def test_an_unknown_language_shows_the_original(client, letter, asked):
    response = client.get(letter.get_absolute_url(), {"text": asked})

    assert response.status_code == 200
    assert ORIGINAL in text_section(response.content.decode())


def test_a_right_to_left_text_says_so(client, published_letter):
    factories.LetterTextFactory(letter=published_letter, language="ar", body="نص الرسالة")

    section = text_section(client.get(published_letter.get_absolute_url()).content.decode())

    assert '<div class="letter-text-body" lang="ar" dir="rtl">' in section


def test_a_letter_with_one_text_has_no_switcher(client, published_letter):
    factories.LetterTextFactory(letter=published_letter)

    section = text_section(client.get(published_letter.get_absolute_url()).content.decode())

    assert "text-languages" not in section


def test_a_letter_without_text_shows_no_empty_section(client, published_letter):
    html = client.get(published_letter.get_absolute_url()).content.decode()
    assert 'id="letter-text"' not in html


def test_text_is_escaped(client, published_letter):
    factories.LetterTextFactory(
        letter=published_letter, title="<b>Bold</b>", body="<script>alert(1)</script>"
    )

    section = text_section(client.get(published_letter.get_absolute_url()).content.decode())

    assert "<script>alert" not in section and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "&lt;b&gt;Bold&lt;/b&gt;" in section


# ---------------------------------------------------------------------------
# Sources: a tracked letter's text cites one; a hosted letter's is published here
# ---------------------------------------------------------------------------


def test_a_text_without_a_source_on_a_tracked_letter_is_refused_and_never_shown(
    client, published_letter
):
    text = LetterText(letter=published_letter, language="de", body="Ohne Quelle.")
    with pytest.raises(ValidationError, match="Cite where this text is published"):
        text.full_clean()
    text.save()  # as the shell could: still not public

    html = client.get(published_letter.get_absolute_url()).content.decode()
    assert "Ohne Quelle" not in html
    assert not Letter.objects.published().matching("ohne quelle").exists()
    api = client.get(f"/api/v1/letters/{published_letter.slug}/").json()
    assert api["data"]["texts"] == []


def test_a_hosted_letters_own_text_needs_no_source_and_shows_on_its_sign_page(client, hosted):
    text = LetterText(letter=hosted, language="en", is_original=True, body="Sign with us.")
    text.full_clean()
    text.save()

    for url in (hosted.get_absolute_url(), reverse("sign_letter", args=[hosted.slug])):
        section = text_section(client.get(url).content.decode())
        assert "Sign with us." in section
        assert "Source: published on this site." in section


def test_the_demo_letters_sign_page_shows_its_text_in_english_and_french(client, demo_data):
    sign = reverse("sign_letter", args=["demo-hosted-letter"])

    english = text_section(client.get(sign).content.decode())
    french = text_section(client.get(sign, {"text": "fr"}).content.decode())

    assert "What you are signing" in english
    assert "It is not a real open letter" in english
    assert '<div class="letter-text-body" lang="fr" dir="ltr">' in french
    assert "Ce n’est pas une vraie lettre ouverte" in french
    assert "French: a translation by Open Letter Tracker (for this demonstration)." in french


def test_a_texts_source_is_a_public_source(letter):
    assert Source.objects.public().filter(url="https://example.org/lettre").exists()


# ---------------------------------------------------------------------------
# Search, API and download
# ---------------------------------------------------------------------------


def test_the_home_search_finds_a_letter_by_its_text_in_any_language(client, letter):
    for query in ("soussignes", "end-to-end encryption for everyone", "LETTRE OUVERTE"):
        response = client.get("/", {"q": query})
        assert [r.letter for r in response.context["results"]] == [letter], query


def test_editing_a_text_updates_what_the_search_finds(letter):
    text = letter.texts.get(language="en")
    text.body = "A wholly different request."
    text.save()
    assert Letter.objects.matching("wholly different").exists()
    assert not Letter.objects.matching("for everyone").exists()
    text.delete()
    assert not Letter.objects.matching("wholly different").exists()


def test_the_api_gives_every_text_with_its_language_and_source(client, letter):
    data = client.get(f"/api/v1/letters/{letter.slug}/").json()["data"]

    assert [(t["language"], t["is_original"]) for t in data["texts"]] == [
        ("fr", True),
        ("en", False),
    ]
    english = data["texts"][1]
    assert english["language_name"] == "English"
    assert english["translated_by"] == "the organisers"
    assert english["body"] == TRANSLATION
    assert english["source"]["url"] == "https://example.org/letter"


def test_the_json_download_carries_the_texts(client, letter):
    response = client.get(f"/letters/{letter.slug}/signatories.json")
    data = json.loads(b"".join(response.streaming_content))

    assert [t["title"] for t in data["letter"]["texts"]] == ["Lettre ouverte", "Open letter"]


def test_a_hosted_letters_text_has_a_null_source_in_the_api_as_documented(client, demo_data):
    path = "/api/v1/letters/{slug}/"
    body = client.get("/api/v1/letters/demo-hosted-letter/").json()

    texts = body["data"]["texts"]
    assert [(t["language"], t["source"]) for t in texts] == [("en", None), ("fr", None)]
    errors = response_validator(openapi_schema(), path, "200").iter_errors(body)
    assert [error.message for error in errors] == []


# ---------------------------------------------------------------------------
# Admin
# ---------------------------------------------------------------------------


def test_a_curator_adds_a_translation_from_the_letter_form(curator_client, letter):
    source = factories.SourceFactory(url="https://example.de/brief")
    form = form_of(curator_client.get(letter_change_url(letter)), "letter_form")
    data = {
        **form.fields,
        "texts-TOTAL_FORMS": ["3"],
        "texts-2-language": ["de"],
        "texts-2-translated_by": ["Digitale Gesellschaft"],
        "texts-2-title": ["Offener Brief"],
        "texts-2-body": ["Wir, die Unterzeichnenden, fordern Verschlüsselung."],
        "texts-2-source": [str(source.pk)],
    }

    response = curator_client.post(letter_change_url(letter), data)

    assert response.status_code == 302, response.context["errors"]
    german = letter.texts.get(language="de")
    assert (german.is_original, german.source) == (False, source)
    assert Letter.objects.matching("unterzeichnenden").get() == letter


def test_the_letter_form_refuses_a_second_original_or_a_text_without_source(curator_client, letter):
    form = form_of(curator_client.get(letter_change_url(letter)), "letter_form")
    data = {
        **form.fields,
        "texts-TOTAL_FORMS": ["3"],
        "texts-2-language": ["de"],
        "texts-2-is_original": ["on"],
        "texts-2-body": ["Zweites Original ohne Quelle."],
    }

    response = curator_client.post(letter_change_url(letter), data)

    assert response.status_code == 200
    (formset,) = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "texts"
    ]
    assert "Cite where this text is published" in str(formset.errors)
    assert formset.non_form_errors() == [
        "A letter has one original text; the others are translations."
    ]
    assert not letter.texts.filter(language="de").exists()


def test_the_original_can_move_to_another_text_in_one_save(curator_client, letter):
    form = form_of(curator_client.get(letter_change_url(letter)), "letter_form")
    texts = {form.fields[f"texts-{n}-language"][0]: n for n in range(2)}
    data = {**form.fields}
    data.pop(f"texts-{texts['fr']}-is_original")
    data[f"texts-{texts['en']}-is_original"] = ["on"]
    data[f"texts-{texts['en']}-translated_by"] = [""]

    response = curator_client.post(letter_change_url(letter), data)

    assert response.status_code == 302, response.context["errors"]
    assert letter.texts.get(is_original=True).language == "en"
