"""What happened next: a letter's responses and outcomes as a dated, sourced timeline."""

from letters.models import OutcomeKind
from tests import factories


def test_outcomes_are_ordered_by_date_with_unknown_dates_last(client, published_letter):
    source = factories.SourceFactory(url="https://example.org/law", outlet="Gazette")
    factories.ResponseFactory(letter=published_letter, responder="Undated", date=None)
    factories.ResponseFactory(
        letter=published_letter,
        responder="Parliament",
        date="2023-10-26",
        kind=OutcomeKind.LEGISLATION,
        quote="",
        summary="The bill became law.",
        source=source,
    )
    factories.ResponseFactory(letter=published_letter, responder="Company", date="2021-08")

    html = client.get(published_letter.get_absolute_url()).content.decode()
    section = html[html.index("What happened next") :]

    assert section.index("Company") < section.index("Parliament") < section.index("Undated")
    assert '<time datetime="2023-10-26">26 October 2023</time>' in section
    assert "date unknown" in section
    assert "Legislation" in section and "The bill became law." in section
    assert 'href="https://example.org/law"' in section


def test_a_letter_without_outcomes_has_no_empty_section(client, published_letter):
    assert (
        "What happened next" not in client.get(published_letter.get_absolute_url()).content.decode()
    )


def test_outcome_text_is_escaped(client, published_letter):
    factories.ResponseFactory(letter=published_letter, quote="<script>x</script>")

    html = client.get(published_letter.get_absolute_url()).content.decode()

    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_curators_can_set_the_kind_in_the_letter_admin(curator_client, published_letter):
    html = curator_client.get(f"/admin/letters/letter/{published_letter.pk}/change/").content
    assert b'name="responses-__prefix__-kind"' in html
