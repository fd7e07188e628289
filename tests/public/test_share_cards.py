"""A letter's share card (its og:image): a 1200×630 PNG with the title and the listed and
reported counts, drawn once per content and drawn again when the title or counts change."""

import io
import re

import pytest
from PIL import Image

from letters.public import share_cards
from tests import factories


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Letter to a platform", slug="letter-to-a-platform")
    factories.ReportedCountFactory(letter=letter, signatories_text="129", signatories_value=129)
    factories.create_signatures(letter, 3)
    return letter


@pytest.fixture
def drawn(monkeypatch):
    """The contents of every card actually drawn (not served from the cache)."""
    calls = []
    render = share_cards.render_card

    def counting(content):
        calls.append(content)
        return render(content)

    monkeypatch.setattr(share_cards, "render_card", counting)
    return calls


def card_path(client, letter) -> str:
    html = client.get(letter.get_absolute_url()).content.decode()
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    return url.removeprefix("http://testserver").replace("&amp;", "&")


def test_the_card_is_a_1200_by_630_png(client, letter):
    response = client.get(card_path(client, letter))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (1200, 630)


def test_the_card_shows_the_title_and_both_counts(letter):
    letter.refresh_from_db()
    content = share_cards.card_content(letter)

    assert content.title == "Letter to a platform"
    assert content.listed == "3 signatories listed here"
    assert content.reported == "129 reported"
    assert content.subtitle == "6 February 2020 · against E2EE rollout"


def test_different_titles_draw_different_pictures(letter):
    content = share_cards.card_content(letter)
    other = share_cards.CardContent(**{**content.__dict__, "title": "Another letter"})

    assert share_cards.render_card(content) != share_cards.render_card(other)


def test_the_card_is_drawn_once_and_again_when_the_counts_change(client, letter, drawn):
    first = card_path(client, letter)
    client.get(first)
    client.get(first)
    assert len(drawn) == 1

    factories.create_signatures(letter, 2, name="Later")
    second = card_path(client, letter)

    assert second != first
    client.get(second)
    assert len(drawn) == 2
    assert drawn[-1].listed == "5 signatories listed here"


def test_a_reported_count_changes_the_card(client, letter):
    first = card_path(client, letter)
    factories.ReportedCountFactory(letter=letter, signatories_text="140", signatories_value=140)

    assert card_path(client, letter) != first


def test_a_long_title_is_cut_to_fit_with_an_ellipsis():
    lines, _ = share_cards._title_lines("Encryption " * 80, 1056)

    assert len(lines) == share_cards.TITLE_MAX_LINES
    assert lines[-1].endswith("…")


def test_a_word_wider_than_the_card_is_broken(db):
    font = share_cards._font("bold", 64)
    lines = share_cards._wrap("x" * 200, font, 500)

    assert "".join(lines) == "x" * 200
    assert all(font.getlength(line) <= 500 for line in lines)


def test_a_versioned_card_is_cached_for_good_and_revalidates_with_its_etag(client, letter):
    path = card_path(client, letter)

    response = client.get(path)
    assert "immutable" in response["Cache-Control"]
    again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304

    unversioned = client.get(path.split("?")[0])
    assert "max-age=0" in unversioned["Cache-Control"]


def test_a_drafts_card_is_not_found(client, draft_letter):
    assert client.get(f"/letters/{draft_letter.slug}/card.png").status_code == 404


def test_only_get_and_head_are_allowed(client, letter):
    assert client.post(f"/letters/{letter.slug}/card.png").status_code == 405
