"""The site in French under /fr/, in English at the addresses it always had: French
strings, <html lang>, the language switcher and hreflang alternates, localised dates, and
a page cache that never serves one language for the other."""

import re

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from letters.models import LetterRedirect
from tests import factories
from tests.signing.helpers import new_ip

HX = {"HX-Request": "true"}


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def alternates(page: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', page))


def switcher(page: str) -> list[tuple[str, str, str]]:
    """The language switcher's links: (href, hreflang, text), the current one marked *."""
    nav = re.search(r'<nav class="language-switcher".*?</nav>', page, re.S)
    assert nav, "no language switcher"
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+"([^>]*)>([^<]+)</a>', nav[0])
    return [
        (href, code, text + ("*" if "aria-current" in rest else ""))
        for href, code, rest, text in links
    ]


# English addresses do not change; French ones start with /fr/


def test_english_addresses_are_the_ones_the_site_always_had():
    assert reverse("home") == "/"
    assert reverse("letter_detail", args=["a-letter"]) == "/letters/a-letter/"
    assert reverse("sign_letter", args=["a-letter"]) == "/letters/a-letter/sign/"
    assert reverse("methodology") == "/methodology/"


def test_french_pages_are_under_fr_and_what_machines_read_keeps_one_address():
    with translation.override("fr"):
        assert reverse("home") == "/fr/"
        assert reverse("letter_detail", args=["a-letter"]) == "/fr/letters/a-letter/"
        assert reverse("signup_confirm", args=["token"]) == "/fr/signups/confirm/token/"
        assert reverse("api_letter_list") == "/api/v1/letters/"
        assert reverse("letter_signatories_csv", args=["a-letter"]) == (
            "/letters/a-letter/signatories.csv"
        )
        assert reverse("letters_feed") == "/feeds/letters/"
        assert reverse("sitemap") == "/sitemap.xml"
        assert reverse("admin:index") == "/admin/"


def test_machine_addresses_have_no_french_copy(client, published_letter):
    assert client.get("/fr/api/v1/letters/").status_code == 404
    assert client.get(f"/fr/letters/{published_letter.slug}/signatories.csv").status_code == 404
    assert client.get("/api/v1/letters/").status_code == 200


# French pages render French strings


def test_the_french_home_page_is_in_french(client, published_letter):
    page = html(client.get("/fr/"))

    assert '<html lang="fr">' in page
    assert "<h1>Lettres ouvertes</h1>" in page
    assert "Rechercher des lettres" in page
    assert "Méthodologie et licence" in page
    assert "1 lettre" in page
    assert "Open letters</h1>" not in page


def test_the_english_home_page_is_unchanged(client, published_letter):
    page = html(client.get("/"))

    assert '<html lang="en">' in page
    assert "<h1>Open letters</h1>" in page
    assert "1 letter" in page


def test_the_french_letter_page_is_in_french_with_french_dates(client, hosted):
    factories.SignatureFactory(letter=hosted)
    hosted.refresh_from_db()

    page = html(client.get(f"/fr/letters/{hosted.slug}/"))

    assert '<html lang="fr">' in page
    assert '<h2 id="signatories-heading">Signataires</h2>' in page
    assert "Réutiliser les données de cette lettre" in page
    assert "Signer cette lettre" in page
    assert 'href="/fr/letters/hosted-letter/sign/"' in page
    # The reading time: a French month name, day before month.
    with translation.override("fr"):
        today = date_format(timezone.now(), "j F Y")
    assert today in page
    assert re.search(r"\b\d+ répertoriés? ici", page)


def test_the_french_signatory_list_is_in_french(client, published_letter):
    """The list's rows are written in Python (signatory_items.py): its words too."""
    factories.SignatureFactory(
        letter=published_letter,
        country="FR",
        country_is_inferred=True,
        status="withdrawn",
        withdrawn_on="2021-05-03",
        withdrawal_reason="Changed its mind.",
    )

    for headers in ({}, HX):
        page = html(client.get(f"/fr/letters/{published_letter.slug}/", headers=headers))

        assert 'France <span class="caveat">(déduit)</span>' in page
        assert ">retirée le 3 mai 2021</span>" in page
        assert "Motif indiqué\u00a0: Changed its mind." in page
        assert "Signaler une erreur ou demander un retrait<span" in page
        assert 'href="/fr/statuses/#status-withdrawn"' in page
        assert 'href="/fr/letters/letter-to-a-platform/corrections/new/?signature=' in page


def test_the_french_sign_page_is_in_french(client, hosted):
    page = html(client.get(f"/fr/letters/{hosted.slug}/sign/"))

    assert "<h1>Signer «\u00a0Hosted letter\u00a0»</h1>" in page
    assert "Continuer" in page
    assert "Signed" not in page


def test_the_french_methodology_page_is_in_french(client, db):
    page = html(client.get("/fr/methodology/"))

    assert "<h1>Méthodologie et licence</h1>" in page
    assert "D'où viennent les données" in page or "D&#x27;où viennent les données" in page
    assert "Where the data comes from" not in page


def test_an_htmx_fragment_of_a_french_page_is_in_french(client, published_letter):
    response = client.get("/fr/", {"q": "platform"}, headers=HX)

    fragment = html(response)
    assert "<html" not in fragment
    assert "1 lettre trouvée" in fragment


def test_a_french_address_that_does_not_exist_answers_a_french_404(client, db):
    response = client.get("/fr/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Nous ne trouvons pas cette page" in page


def test_the_500_page_follows_the_language_it_is_rendered_in():
    with translation.override("fr"):
        page = render_to_string("500.html")

    assert '<html lang="fr">' in page
    assert "Une erreur est survenue de notre côté" in page


def test_a_sign_up_from_the_french_page_gets_a_french_email_with_a_french_link(
    client, hosted, settings
):
    settings.SIGNUP_MIN_SECONDS = 0
    mail.outbox.clear()

    client.post(f"/fr/letters/{hosted.slug}/sign/", factories.sign_form(), REMOTE_ADDR=new_ip())

    (message,) = mail.outbox
    assert message.body.startswith("Bonjour,")
    assert "Pour confirmer, ouvrez ce lien" in message.body
    assert re.search(r"https?://[^/\s]+/fr/signups/confirm/[^/\s]+/", message.body)


def test_an_old_letter_address_redirects_in_french_too(client, published_letter):
    LetterRedirect.objects.create(old_slug="old-title", letter=published_letter)

    english = client.get("/letters/old-title/")
    french = client.get("/fr/letters/old-title/")

    assert (english.status_code, english["Location"]) == (301, "/letters/letter-to-a-platform/")
    assert (french.status_code, french["Location"]) == (301, "/fr/letters/letter-to-a-platform/")


# The switcher and the alternates for search engines


@pytest.mark.parametrize("prefix", ["", "/fr"])
def test_every_page_links_to_itself_in_each_language(client, published_letter, prefix):
    page = html(client.get(f"{prefix}/letters/{published_letter.slug}/"))

    assert alternates(page) == {
        "en": "http://testserver/letters/letter-to-a-platform/",
        "fr": "http://testserver/fr/letters/letter-to-a-platform/",
        "x-default": "http://testserver/letters/letter-to-a-platform/",
    }
    current = "English" if not prefix else "Français"
    assert switcher(page) == [
        ("/letters/letter-to-a-platform/", "en", "English" + ("*" if current == "English" else "")),
        (
            "/fr/letters/letter-to-a-platform/",
            "fr",
            "Français" + ("*" if current == "Français" else ""),
        ),
    ]


def test_the_switcher_leaves_the_query_out(client, published_letter):
    page = html(client.get("/search/", {"q": "<b>platform</b>"}))

    assert switcher(page)[1][0] == "/fr/search/"
    assert alternates(page)["fr"] == "http://testserver/fr/search/"


def test_a_page_in_one_language_only_has_no_switcher(client, published_letter):
    widget = html(client.get(f"/letters/{published_letter.slug}/widget/"))
    not_found = client.get("/no-such-page/").content.decode()

    for page in (widget, not_found):
        assert "language-switcher" not in page
        assert 'hreflang="fr"' not in page


# The page cache stays keyed by the URL


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300


def test_the_cache_never_serves_one_language_for_the_other(client, published_letter, page_cache_on):
    url = f"/letters/{published_letter.slug}/"

    first_french = html(client.get("/fr" + url))
    english = html(client.get(url))
    french = html(client.get("/fr" + url))
    english_again = html(client.get(url))

    assert '<html lang="fr">' in first_french and french == first_french
    assert '<html lang="en">' in english and english_again == english


def test_browser_language_and_cookie_do_not_change_an_english_address(
    client, published_letter, page_cache_on
):
    client.cookies["django_language"] = "fr"

    first = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    cached = client.get("/", headers={"Accept-Language": "fr"})

    assert '<html lang="en">' in html(first) and html(cached) == html(first)
    assert first["Content-Language"] == "en"


# Figures and drawings in French


def test_chart_coordinates_keep_a_decimal_point_in_french(client, published_letter):
    for first_listed in ("2020-02-06", "2020-02-07", "2020-02-09"):
        factories.SignatureFactory(letter=published_letter, first_listed=first_listed)

    page = html(client.get(f"/fr/letters/{published_letter.slug}/"))

    bars = re.findall(r'<rect class="chart-bar" ([^>]+)>', page)
    assert bars, "no chart on the page"
    assert all("," not in attributes for attributes in bars), bars


# Search engines


def test_the_sitemap_lists_each_page_in_both_languages_with_its_alternates(
    client, published_letter
):
    index = client.get("/sitemap.xml").content.decode()
    letters = client.get("/sitemap-letters.xml").content.decode()

    assert "http://testserver/sitemap-letters.xml" in index
    assert "<loc>http://testserver/letters/letter-to-a-platform/</loc>" in letters
    assert "<loc>http://testserver/fr/letters/letter-to-a-platform/</loc>" in letters
    for language, path in [
        ("en", "/letters/letter-to-a-platform/"),
        ("fr", "/fr/letters/letter-to-a-platform/"),
        ("x-default", "/letters/letter-to-a-platform/"),
    ]:
        link = f'<xhtml:link rel="alternate" hreflang="{language}" href="http://testserver{path}"/>'
        assert link in letters


def test_robots_txt_keeps_crawlers_off_the_french_forms_too(client, db):
    lines = client.get("/robots.txt").content.decode().splitlines()

    for path in ["/fr/letters/*/sign/", "/fr/letters/*/corrections/new/", "/fr/signups/"]:
        assert f"Disallow: {path}" in lines
