"""Atom feeds of new letters and of a letter's newest public signatories."""

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.http import http_date

from letters.opendata.feeds import FEED_ITEMS
from tests import factories
from tests.helpers import count_queries

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_the_letters_feed_lists_published_letters_newest_first(client, db):
    factories.LetterFactory(title="Older", date="2019-10-04")
    factories.LetterFactory(title="Newer", date="2021-08")
    factories.LetterFactory(title="Draft", visibility="draft")

    assert entries(client.get("/feeds/letters/")) == ["Newer", "Older"]


def test_the_signatories_feed_is_newest_entry_first_public_only_and_capped(client, db):
    letter = factories.LetterFactory()
    start = timezone.now() - timedelta(days=100)
    for n in range(FEED_ITEMS + 5):
        factories.SignatureFactory(
            letter=letter, published_name=f"Signer {n:03}", entered_at=start + timedelta(hours=n)
        )
    factories.SignatureFactory(letter=letter, published_name="Pending", status="pending")

    titles = entries(client.get(f"/letters/{letter.slug}/feed/"))

    assert len(titles) == FEED_ITEMS
    assert titles[0] == f"Signer {FEED_ITEMS + 4:03}"
    assert "Pending" not in titles and "Signer 000" not in titles


def test_feed_text_is_escaped_as_xml(client, db):
    letter = factories.LetterFactory(title="A <b> & C")
    factories.SignatureFactory(letter=letter, published_name="<script>alert(1)</script>")

    assert entries(client.get("/feeds/letters/")) == ["A <b> & C"]
    assert entries(client.get(f"/letters/{letter.slug}/feed/")) == ["<script>alert(1)</script>"]
    assert b"<script>" not in client.get(f"/letters/{letter.slug}/feed/").content


def test_feeds_of_drafts_and_unknown_letters_are_404(client, draft_letter):
    assert client.get(f"/letters/{draft_letter.slug}/feed/").status_code == 404
    assert client.get("/letters/no-such-letter/feed/").status_code == 404


def test_pages_point_to_their_feeds(client, published_letter):
    home = client.get("/").content.decode()
    page = client.get(published_letter.get_absolute_url()).content.decode()

    link = '<link rel="alternate" type="application/atom+xml"'
    assert f'{link} title="Open Letter Tracker: letters" href="/feeds/letters/">' in home
    assert f'href="/letters/{published_letter.slug}/feed/"' in page
    assert page.count(link) == 2


def test_signatories_feed_queries_do_not_grow_with_signatures(client, published_letter):
    factories.create_signatures(published_letter, 3)
    url = f"/letters/{published_letter.slug}/feed/"
    before = count_queries(client, url)

    factories.create_signatures(published_letter, 120)

    assert count_queries(client, url) == before
    assert count_queries(client, "/feeds/letters/") <= 3


def test_summaries_are_plain_text_never_html(client, db):
    """Feed readers render a type="html" summary as markup: a signer's "<script>" name
    or a curator's "<b>" must reach them as the characters typed."""
    letter = factories.LetterFactory(summary="Asks for <b>E2EE</b> & more.")
    factories.SignatureFactory(
        letter=letter,
        published_name="<script>alert(1)</script>",
        role='<img src=x onerror="alert(1)">',
    )

    for url in ("/feeds/letters/", f"/letters/{letter.slug}/feed/"):
        response = client.get(url)
        summaries = ElementTree.fromstring(response.content).iter(f"{ATOM}summary")
        summary = next(summaries)
        assert summary.get("type") == "text"
        assert b'type="html"' not in response.content
    letters_summary = ElementTree.fromstring(client.get("/feeds/letters/").content)
    assert "Asks for <b>E2EE</b> & more." in next(letters_summary.iter(f"{ATOM}summary")).text
    signatures = ElementTree.fromstring(client.get(f"/letters/{letter.slug}/feed/").content)
    assert next(signatures.iter(f"{ATOM}summary")).text.startswith('<img src=x onerror="alert(1)">')


def test_a_feed_with_no_entries_is_dated_when_its_subject_was_recorded_not_now(client, db):
    # Dated "now", an empty feed would change its Last-Modified and <updated> every second.
    letter = factories.LetterFactory()
    recorded = datetime(2020, 2, 6, 9, 30, tzinfo=UTC)
    letter.history.update(history_date=recorded)

    for url in (
        f"/letters/{letter.slug}/feed/",
        f"/letters/{letter.slug}/changes/feed/",
    ):
        response = client.get(url)
        assert entries(response) == [], url
        assert response["Last-Modified"] == http_date(recorded.timestamp()), url
        updated = ElementTree.fromstring(response.content).findtext(f"{ATOM}updated")
        assert updated == recorded.isoformat(), url
