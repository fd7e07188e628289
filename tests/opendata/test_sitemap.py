"""sitemap.xml and robots.txt: public pages in, drafts, the admin and the forms out."""

from xml.etree import ElementTree

from letters.models import Topic
from tests import factories

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def loc_elements(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.iter(f"{NS}loc")]


def locations(client) -> set[str]:
    """Every URL of every page of every sitemap the index names."""
    urls = set()
    for sitemap_url in loc_elements(client, "/sitemap.xml"):
        urls.update(loc_elements(client, sitemap_url))
    return urls


def test_the_sitemap_lists_public_pages_and_no_drafts(client, published_letter, draft_letter):
    signer = factories.SignatureFactory(letter=published_letter).organisation
    hidden = factories.SignatureFactory(letter=draft_letter).organisation
    person = factories.PersonSignatureFactory(letter=published_letter).person
    topic = Topic.objects.create(slug="debate", name="Debate")
    topic.letters.add(published_letter)
    Topic.objects.create(slug="empty", name="Empty")

    urls = locations(client)

    assert {"/", "/organisations/", "/people/", "/topics/", "/methodology/"} <= urls
    assert published_letter.get_absolute_url() in urls
    assert signer.get_absolute_url() in urls and person.get_absolute_url() in urls
    assert "/topics/debate/" in urls
    assert draft_letter.get_absolute_url() not in urls
    assert hidden.get_absolute_url() not in urls
    assert "/topics/empty/" not in urls
    assert not any(url.startswith("/admin") for url in urls)


def test_robots_txt_keeps_crawlers_off_the_admin_and_forms_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for path in ["/admin/", "/letters/*/sign/", "/letters/*/corrections/new/", "/signups/"]:
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


def test_the_sitemap_index_pages_large_sections(client, published_letter, monkeypatch):
    monkeypatch.setattr("letters.opendata.sitemaps.OrganisationSitemap.limit", 2)
    signers = [factories.SignatureFactory(letter=published_letter).organisation for _ in range(5)]

    sitemaps = loc_elements(client, "/sitemap.xml")

    pages = [url for url in sitemaps if url.startswith("/sitemap-organisations.xml")]
    assert len(pages) == 5  # 5 organisations in English and French, 2 addresses a page
    assert {signer.get_absolute_url() for signer in signers} <= locations(client)
    assert client.get("/sitemap-organisations.xml?p=6").status_code == 404
    assert client.get("/sitemap-nonsense.xml").status_code == 404


def test_the_sitemap_lists_exactly_the_topics_the_topic_list_shows(
    client, published_letter, draft_letter
):
    debate = Topic.objects.create(slug="debate", name="Debate")
    debate.letters.add(published_letter, draft_letter)
    drafts_only = Topic.objects.create(slug="drafts-only", name="Drafts only")
    drafts_only.letters.add(draft_letter)
    Topic.objects.create(slug="empty", name="Empty")

    listed = client.get("/topics/").context["topics"]
    in_sitemap = {url for url in locations(client) if url.startswith("/topics/")} - {"/topics/"}

    assert [(topic.slug, topic.letter_count) for topic in listed] == [("debate", 1)]
    assert in_sitemap == {"/topics/debate/"}
    assert client.get("/topics/drafts-only/").status_code == 404
