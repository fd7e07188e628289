"""What a shared link shows (Open Graph and Twitter card tags), the canonical URL of
every public page, and the favicon."""

import re

import pytest

from letters.models import SignatureStatus
from tests import factories


def meta(content: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', content)
    assert match, f"no {name} tag"
    return match.group(1)


def canonical(content: str) -> str:
    links = re.findall(r'<link rel="canonical" href="([^"]*)">', content)
    assert len(links) == 1, links
    return links[0]


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(
        title="Letter to a platform",
        slug="letter-to-a-platform",
        summary="Charities ask a platform to keep child safety tools.",
    )
    factories.ReportedCountFactory(letter=letter, signatories_text="128", signatories_value=128)
    factories.ReportedCountFactory(letter=letter, signatories_text="129", signatories_value=129)
    factories.create_signatures(letter, 3)
    factories.create_signatures(letter, 1, name="Confirmed", status=SignatureStatus.CONFIRMED)
    factories.create_signatures(letter, 2, name="Disputed", status=SignatureStatus.DISPUTED)
    factories.create_signatures(letter, 1, name="Pending", status=SignatureStatus.PENDING)
    return letter


def test_a_shared_letter_shows_its_title_summary_and_counts(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()

    expected = (
        "Charities ask a platform to keep child safety tools. 4 signatories listed here, "
        "128–129 reported (sources differ)."
    )
    assert meta(content, "property", "og:title") == "Letter to a platform"
    assert meta(content, "property", "og:description") == expected
    assert meta(content, "name", "description") == expected
    assert meta(content, "name", "twitter:card") == "summary_large_image"
    assert meta(content, "property", "og:image").startswith(
        "http://testserver/letters/letter-to-a-platform/card.png?v="
    )
    assert meta(content, "property", "og:image:alt") == expected
    assert meta(content, "name", "twitter:title") == "Letter to a platform"
    assert meta(content, "name", "twitter:description") == expected
    assert meta(content, "property", "og:type") == "article"
    assert meta(content, "property", "og:site_name") == "Open Letter Tracker"


def test_the_shared_counts_follow_the_list(client, letter):
    factories.create_signatures(letter, 5)
    letter.reported_counts.all().delete()

    content = client.get(letter.get_absolute_url()).content.decode()

    description = meta(content, "property", "og:description")
    assert description.endswith(" 9 signatories listed here.")
    assert "reported" not in description


def test_a_letter_without_summary_or_signatures_still_has_a_description(client, db):
    letter = factories.LetterFactory(summary="", slug="bare")

    content = client.get(letter.get_absolute_url()).content.decode()

    assert meta(content, "property", "og:description") == "0 signatories listed here."


def test_the_nspcc_letter_shares_its_real_counts(client, nspcc_letter):
    content = client.get(nspcc_letter.get_absolute_url()).content.decode()

    description = meta(content, "property", "og:description")
    assert description.startswith("Child-protection charities, think tanks and academics")
    assert description.endswith(" 18 signatories listed here, 128–129 reported (sources differ).")


def test_the_canonical_url_of_a_letter_ignores_its_list_filters(client, letter):
    content = client.get(letter.get_absolute_url(), {"q": "sign", "page": 2}).content.decode()

    assert canonical(content) == "http://testserver/letters/letter-to-a-platform/"
    assert meta(content, "property", "og:url") == canonical(content)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/", "?q=open"),
        ("/organisations/", "?q=rights&page=2"),
        ("/people/", "?q=a"),
        ("/search/", "?q=rights"),
        ("/organisations/nspcc/", ""),
        ("/people/hany-farid/", ""),
    ],
)
def test_every_public_page_has_a_canonical_url_and_share_tags(client, nspcc_letter, path, query):
    content = client.get(path + query).content.decode()

    assert canonical(content) == f"http://testserver{path}"
    assert meta(content, "property", "og:url") == f"http://testserver{path}"
    assert meta(content, "property", "og:title")
    assert meta(content, "property", "og:description")
    assert meta(content, "name", "twitter:card") == "summary"


def test_an_organisation_is_shared_under_its_name(client, nspcc_letter):
    content = client.get("/organisations/nspcc/").content.decode()

    assert meta(content, "property", "og:title") == "NSPCC"
    assert meta(content, "property", "og:description").startswith("What NSPCC signed")


def test_the_printable_list_points_to_the_letter_as_canonical(client, letter):
    content = client.get(letter.get_absolute_url() + "print/").content.decode()

    assert canonical(content) == "http://testserver/letters/letter-to-a-platform/"


def test_every_page_links_the_svg_favicon_which_is_served(client, db):
    content = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)
