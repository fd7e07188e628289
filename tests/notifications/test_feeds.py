"""The Atom feeds of what changed about an organisation, a person or a letter: public
facts only, hostile text as plain text, never HTML."""

from datetime import UTC, datetime
from xml.etree import ElementTree

from django.urls import reverse
from freezegun import freeze_time

from letters.models import SignatureStatus
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def feed_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [
        (
            entry.findtext(f"{ATOM}title"),
            entry.find(f"{ATOM}summary"),
            entry.find(f"{ATOM}link").get("href"),
        )
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_an_organisations_feed_lists_letters_signed_and_endorsements_newest_first(client, db):
    organisation = factories.OrganisationFactory(name="Barnardo's", slug="barnardos")
    hostile = factories.LetterFactory(title=f"Letter {HOSTILE}", slug="hostile")
    with freeze_time(datetime(2026, 1, 1, tzinfo=UTC)):
        factories.SignatureFactory(organisation=organisation, letter=hostile, role=HOSTILE)
    with freeze_time(datetime(2026, 2, 1, tzinfo=UTC)):
        factories.EndorsementFactory(
            organisation=organisation, person=None, letter=hostile, quote=HOSTILE
        )
    factories.SignatureFactory(organisation=organisation, status=SignatureStatus.PENDING)
    draft = factories.LetterFactory(title="Draft", visibility="draft")
    factories.SignatureFactory(organisation=organisation, letter=draft)

    response = client.get(reverse("organisation_changes_feed", args=["barnardos"]))
    entries = feed_entries(response)

    assert [title for title, _, _ in entries] == [
        f"Endorsed “Letter {HOSTILE}”",
        f"Signed “Letter {HOSTILE}”",
    ]
    for _, summary, link in entries:
        assert summary.get("type") == "text"
        assert HOSTILE in summary.text
        assert link.endswith("/letters/hostile/")
    # Escaped in the XML itself: no markup a reader could run.
    assert b"<script>" not in response.content
    assert b'type="html"' not in response.content


def test_a_persons_and_a_letters_feeds(client, db, sofia):
    letter = factories.LetterFactory(title="A letter", slug="a-letter")
    factories.SignatureFactory(person=sofia, organisation=None, letter=letter)
    factories.EndorsementFactory(person=factories.PersonFactory(name="Minister"), letter=letter)

    person_titles = [t for t, _, _ in feed_entries(client.get(f"/people/{sofia.slug}/feed/"))]
    assert person_titles == ["Signed “A letter”"]

    letter_feed = feed_entries(client.get(reverse("letter_changes_feed", args=["a-letter"])))
    assert sorted(t for t, _, _ in letter_feed) == ["Endorsed by Minister", "Signed by Sofía Núñez"]


def test_pages_link_to_their_follow_form_and_feed(client, db, sofia):
    letter = factories.LetterFactory(slug="a-letter")
    factories.SignatureFactory(person=sofia, organisation=None, letter=letter)

    for page, follow_url, feed_url in [
        (letter.get_absolute_url(), "/letters/a-letter/follow/", "/letters/a-letter/changes/feed/"),
        (sofia.get_absolute_url(), f"/people/{sofia.slug}/follow/", f"/people/{sofia.slug}/feed/"),
    ]:
        html = client.get(page).content.decode()
        assert f'href="{follow_url}"' in html and f'href="{feed_url}"' in html
