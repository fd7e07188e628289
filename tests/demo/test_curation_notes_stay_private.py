"""Curators' notes (`curation_note` in ../shared/data, staff notes in the database) never
reach the public: no page, fragment, feed, download or API answer of the demo carries
one, while the admin shows them to curators."""

import html
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from demo.fixture_builder.builder import curation_notes, read_letters
from letters.models import Letter, Organisation, Person, Source, Topic

# Long enough to be the note's own words, short enough to catch a note cut short.
FRAGMENT_LENGTH = 30


@pytest.fixture(scope="module")
def notes() -> list[str]:
    found = curation_notes(read_letters(Path(settings.SHARED_DATA_DIR) / "letters"))
    assert len(found) >= 5  # the data holds some: this test would prove nothing otherwise
    return found


def public_urls() -> list[str]:
    """Every public page, download, feed and API answer of the demo data."""
    urls = [
        "/",
        "/?q=digitalrightswatch",
        "/organisations/",
        "/people/",
        "/search/?q=icmec",
        "/methodology/",
        "/statuses/",
        "/topics/",
        "/feeds/letters/",
        "/sitemap.xml",
        "/api/v1/letters/?page_size=200",
        "/api/v1/organisations/?page_size=200",
        "/api/v1/people/?page_size=200",
        "/api/v1/endorsements/?page_size=200",
        "/api/v1/sources/?page_size=200",
    ]
    urls += [topic.get_absolute_url() for topic in Topic.objects.all()]
    urls += [signer.get_absolute_url() for signer in Organisation.objects.public()]
    urls += [signer.get_absolute_url() for signer in Person.objects.public()]
    urls += [
        f"/api/v1/sources/{pk}/" for pk in Source.objects.public().values_list("pk", flat=True)
    ]
    for slug in Letter.objects.published().values_list("slug", flat=True):
        letter = f"/letters/{slug}/"
        urls += [
            letter,
            letter + "print/",
            letter + "timeline/",
            letter + "corrections/",
            letter + "widget/",
            letter + "signatories.csv",
            letter + "signatories.json",
            letter + "feed/",
            letter + "cite.txt",
            f"/api/v1/letters/{slug}/",
            f"/api/v1/letters/{slug}/signatures/?page_size=200",
        ]
    return urls


def readable(response) -> str:
    """The answer as a reader sees it: entities and JSON escapes undone."""
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    if response["Content-Type"].startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return html.unescape(body)


def test_no_public_answer_carries_a_curators_note(client, demo_data, notes):
    fragments = {note[:FRAGMENT_LENGTH] for note in notes}
    leaks = []
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        text = readable(response)
        leaks += [(url, fragment) for fragment in fragments if fragment in text]
    assert leaks == []


def test_staff_see_the_notes_in_the_admin(admin_client, demo_data, notes):
    letter = Letter.objects.exclude(staff_notes="").first()
    source = Source.objects.exclude(staff_notes="").get()

    letter_form = admin_client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    source_form = admin_client.get(reverse("admin:letters_source_change", args=[source.pk]))

    assert html.escape(letter.staff_notes) in letter_form.content.decode()
    assert html.escape(source.staff_notes) in source_form.content.decode()
    assert {letter.staff_notes, source.staff_notes} <= set(notes)
