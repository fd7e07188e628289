"""The badge and the widget other sites may embed, and the snippets on the letter page."""

from xml.etree import ElementTree

from django.template import Context, Template

from letters.models import Letter
from tests import factories
from tests.helpers import csp_directives, inline_code

SVG = "{http://www.w3.org/2000/svg}"


def test_the_badge_is_an_accessible_svg_with_the_listed_count(client, published_letter):
    factories.create_signatures(published_letter, 3)
    factories.create_signatures(published_letter, 2, name="Hidden", status="pending")

    response = client.get(f"/letters/{published_letter.slug}/badge.svg")

    assert response["Content-Type"] == "image/svg+xml"
    svg = ElementTree.fromstring(response.content)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "badge-title"
    title = svg.find(f"{SVG}title")
    assert title.get("id") == "badge-title"
    assert title.text == "Letter to a platform: 3 listed signatories on Open Letter Tracker"
    assert "3 listed signatories" in [text.text for text in svg.iter(f"{SVG}text")]


def test_the_badge_is_cacheable(client, published_letter):
    response = client.get(f"/letters/{published_letter.slug}/badge.svg")

    assert "public" in response["Cache-Control"]
    again = client.get(
        f"/letters/{published_letter.slug}/badge.svg", headers={"If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304


def test_badge_and_widget_escape_the_title(client, db):
    letter = factories.LetterFactory(title='"Quotes" & <tags>', slug="quotes")

    badge = client.get("/letters/quotes/badge.svg")
    widget = client.get("/letters/quotes/widget/").content.decode()

    assert ElementTree.fromstring(badge.content).find(f"{SVG}title").text.startswith(letter.title)
    assert "<tags>" not in widget and "&lt;tags&gt;" in widget


def test_the_widget_shows_title_date_count_and_opens_the_page_outside_the_frame(client, db):
    letter = factories.LetterFactory(title="Widget letter", date="2020-02-06")
    factories.create_signatures(letter, 2)

    response = client.get(f"/letters/{letter.slug}/widget/")
    html = response.content.decode()

    assert "Widget letter" in html and "6 February 2020" in html
    assert "<strong>2</strong> listed signatories" in html
    assert f'href="http://testserver{letter.get_absolute_url()}" target="_top"' in html
    assert "/static/css/widget.css" in html
    assert "<script" not in html and inline_code(response) == []


def test_badge_and_widget_may_be_framed_and_the_letter_page_may_not(client, published_letter):
    for url in [
        f"/letters/{published_letter.slug}/badge.svg",
        f"/letters/{published_letter.slug}/widget/",
    ]:
        response = client.get(url)
        assert csp_directives(response)["frame-ancestors"] == ["*"]
        assert "X-Frame-Options" not in response.headers

    page = client.get(published_letter.get_absolute_url())
    assert page.headers["X-Frame-Options"] == "DENY"


def test_embeds_of_drafts_are_404(client, draft_letter):
    assert client.get(f"/letters/{draft_letter.slug}/badge.svg").status_code == 404
    assert client.get(f"/letters/{draft_letter.slug}/widget/").status_code == 404


def test_the_letter_page_offers_copyable_snippets(client, db):
    letter = factories.LetterFactory(title='Say "no" <now>', slug="say-no")

    html = client.get(letter.get_absolute_url()).content.decode()

    # Shown as code: the markup is escaped once for the page, the title twice.
    assert (
        "&lt;iframe src=&quot;http://testserver/letters/say-no/widget/&quot; "
        "title=&quot;Say &amp;quot;no&amp;quot; &amp;lt;now&amp;gt; on Open Letter Tracker&quot;"
    ) in html
    assert "&lt;img src=&quot;http://testserver/letters/say-no/badge.svg&quot;" in html
    assert '<label for="embed-widget">' in html and '<label for="embed-badge">' in html


def test_the_widget_shows_the_reported_count_beside_the_listed_one(client, db):
    letter = factories.LetterFactory(slug="reported")
    factories.create_signatures(letter, 2)
    for text, value in [("128", 128), ("129", 129)]:
        factories.ReportedCountFactory(
            letter=letter, signatories_text=text, signatories_value=value
        )

    html = client.get("/letters/reported/widget/").content.decode()

    assert "<strong>2</strong> listed signatories" in html
    assert "128–129 reported (sources differ)" in html


def test_the_snippet_tag_asks_the_database_nothing(rf, published_letter, django_assert_num_queries):
    factories.create_signatures(published_letter, 2)
    letter = Letter.objects.get(pk=published_letter.pk)
    template = Template(
        "{% load embed_tags %}"
        "{% letter_embed_code letter 'badge' %}\n{% letter_embed_code letter 'widget' %}"
    )
    context = Context({"letter": letter, "request": rf.get("/")})

    with django_assert_num_queries(0):
        badge, widget = template.render(context).splitlines()

    assert "badge.svg" in badge and "2 listed signatories" in badge
    assert "http://testserver/letters/letter-to-a-platform/widget/" in widget
