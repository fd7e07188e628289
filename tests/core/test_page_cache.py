"""Public pages are cached in the shared cache, revalidated with ETags and invalidated
once a change commits. Which changes touch which pages: test_page_scopes.py; how bursts
of changes are coalesced: test_page_cache_coalescing.py."""

import pytest
from django.core.cache import cache

from letters import page_cache as page_cache_module
from letters import page_scopes
from letters.models import Signature, SignatureStatus
from letters.page_cache import SITE, record_changes, versions
from tests import factories

HX = {"HX-Request": "true"}


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Cached letter", slug="cached-letter")
    factories.SignatureFactory(letter=letter, published_name="First Signatory")
    return letter


def version(scope: str) -> str:
    return versions([scope])[scope]


def test_a_repeated_page_view_is_served_from_the_cache_without_queries(
    client, letter, page_cache, django_assert_num_queries
):
    first = client.get(letter.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(letter.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content


def test_a_head_request_is_answered_from_the_same_cached_page(
    client, letter, page_cache, django_assert_num_queries
):
    page = client.get(letter.get_absolute_url())
    with django_assert_num_queries(0):
        head = client.head(letter.get_absolute_url())
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == page["ETag"]
    assert head["Content-Type"] == page["Content-Type"]


class CountingCache:
    """The shared cache, counting the reads made through it (each a round trip to Redis)."""

    def __init__(self, cache) -> None:
        self.cache = cache
        self.reads = 0

    def get(self, *args, **kwargs):
        self.reads += 1
        return self.cache.get(*args, **kwargs)

    def get_many(self, *args, **kwargs):
        self.reads += 1
        return self.cache.get_many(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_a_cached_page_or_a_revalidation_reads_the_shared_cache_once(
    client, letter, page_cache, monkeypatch
):
    url = letter.get_absolute_url()
    etag = client.get(url)["ETag"]
    counting = CountingCache(cache)
    monkeypatch.setattr(page_cache_module, "cache", counting)

    assert client.get(url).status_code == 200
    assert counting.reads == 1
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert counting.reads == 2


def test_a_cached_page_that_depended_on_more_scopes_reads_their_versions_too(
    client, letter, page_cache, monkeypatch, django_capture_on_commit_callbacks
):
    # An organisation's page adds the scopes of the letters it appears on as it renders.
    url = letter.signatures.get().organisation.get_absolute_url()
    first = client.get(url)
    counting = CountingCache(cache)
    monkeypatch.setattr(page_cache_module, "cache", counting)

    assert client.get(url).content == first.content
    assert counting.reads == 2
    with django_capture_on_commit_callbacks(execute=True):
        letter.title = "Renamed letter"
        letter.save()
    assert b"Renamed letter" in client.get(url).content


def test_the_fragment_and_the_page_are_cached_apart(client, letter, page_cache):
    page = client.get(letter.get_absolute_url())
    fragment = client.get(letter.get_absolute_url(), headers=HX)
    assert b"<html" in page.content
    assert b"<html" not in fragment.content
    assert b'id="signatory-list"' in fragment.content
    restored = client.get(
        letter.get_absolute_url(), headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in restored.content


def test_each_host_gets_its_own_copy(client, letter, page_cache, settings):
    """A page names its own address (canonical link, citations)."""
    settings.ALLOWED_HOSTS = ["tracker.example.org", "mirror.example.net"]
    client.get(letter.get_absolute_url(), HTTP_HOST="tracker.example.org")
    mirror = client.get(letter.get_absolute_url(), HTTP_HOST="mirror.example.net")
    assert b"tracker.example.org" not in mirror.content
    assert b"http://mirror.example.net/letters/cached-letter/" in mirror.content


@pytest.mark.parametrize("path", ["/", "/organisations/", "/people/", "/search/?q=first"])
def test_every_public_index_is_cached(client, letter, page_cache, path, django_assert_num_queries):
    client.get(path)
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_a_committed_change_to_a_signature_shows_at_once(
    client, letter, page_cache, django_capture_on_commit_callbacks
):
    client.get(letter.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        factories.SignatureFactory(letter=letter, published_name="Newly Added Signatory")
    assert b"Newly Added Signatory" in client.get(letter.get_absolute_url()).content


def test_a_pending_sign_up_changes_no_version(
    letter, page_cache, django_capture_on_commit_callbacks
):
    scopes = [page_scopes.letter(letter.slug), page_scopes.INDEXES]
    before = versions(scopes)
    with django_capture_on_commit_callbacks(execute=True):
        factories.SignatureFactory(
            letter=letter,
            organisation=None,
            person=factories.PersonFactory(),
            status=SignatureStatus.PENDING,
            sources=[],  # a sign-up cites no source
        )
    assert versions(scopes) == before


def test_the_version_changes_only_when_the_change_commits(
    letter, django_capture_on_commit_callbacks
):
    scope = page_scopes.letter(letter.slug)
    before = version(scope)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        factories.SignatureFactory(letter=letter)
        assert version(scope) == before
    assert callbacks  # the new version waits for the commit
    for callback in callbacks:
        callback()
    assert version(scope) != before


def test_a_change_committed_while_a_page_renders_shows_on_the_next_view(
    client, letter, page_cache, monkeypatch
):
    """Versions are read before the data: a page that read its list just before another
    connection's change committed is stored under the version before that change."""
    from letters.public import views

    read_rows = views.signatory_rows
    late = {}

    def rows_then_a_concurrent_change(signatures):
        rows = read_rows(signatures)
        if not late:  # as if another worker's change committed now
            late["signature"] = factories.SignatureFactory(
                letter=letter, published_name="Committed Meanwhile"
            )
            record_changes([page_scopes.letter(letter.slug)])
        return rows

    monkeypatch.setattr(views, "signatory_rows", rows_then_a_concurrent_change)
    first = client.get(letter.get_absolute_url(), headers=HX)
    assert b"Committed Meanwhile" not in first.content

    assert b"Committed Meanwhile" in client.get(letter.get_absolute_url(), headers=HX).content


def test_a_revalidation_with_the_current_etag_gets_304_without_queries(
    client, letter, django_assert_num_queries
):
    response = client.get(letter.get_absolute_url())
    etag = response["ETag"]
    with django_assert_num_queries(0):
        revalidated = client.get(letter.get_absolute_url(), headers={"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == etag
    assert "HX-Request" in revalidated["Vary"]


def test_the_etag_differs_for_the_fragment_the_url_and_after_a_change(
    client, letter, django_capture_on_commit_callbacks
):
    url = letter.get_absolute_url()
    page = client.get(url)["ETag"]
    assert client.get(url, headers=HX)["ETag"] != page
    assert client.get(url, {"q": "first"})["ETag"] != page
    with django_capture_on_commit_callbacks(execute=True):
        factories.SignatureFactory(letter=letter)
    changed = client.get(url, headers={"If-None-Match": page})
    assert changed.status_code == 200
    assert changed["ETag"] != page


def test_public_pages_say_how_they_may_be_cached(client, letter, settings):
    settings.PAGE_CACHE_SECONDS = 120
    response = client.get(letter.get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=0", "must-revalidate", "s-maxage=120"} <= cache_control
    vary = {part.strip() for part in response["Vary"].split(",")}
    assert {"HX-Request", "HX-History-Restore-Request"} <= vary


def test_not_found_pages_are_not_cached(client, db, page_cache):
    assert client.get("/letters/no-such-letter/").status_code == 404
    assert not [key for key in cache._cache if "page:" in key]


def test_a_lost_version_is_replaced_by_one_all_readers_share(letter):
    scope = page_scopes.letter(letter.slug)
    version(scope)
    cache.clear()
    assert version(scope) == version(scope)


def test_a_lost_version_makes_cached_pages_stale_rather_than_reused(client, letter, page_cache):
    url = letter.get_absolute_url()
    etag = client.get(url)["ETag"]
    cache.delete_many([f"page-scope:{SITE}:changed", f"page-scope:{SITE}:published"])
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


# One ETag rule (page_cache.etag_for) for pages, API answers and downloads.
PUBLIC_ANSWERS = {
    "page": "/letters/cached-letter/",
    "api": "/api/v1/letters/cached-letter/",
    "download": "/letters/cached-letter/signatories.csv",
}


@pytest.mark.parametrize("url", PUBLIC_ANSWERS.values(), ids=PUBLIC_ANSWERS.keys())
def test_an_etag_holds_until_a_public_change_commits(
    client, letter, url, django_capture_on_commit_callbacks
):
    signer = factories.PersonFactory(name="Not Yet Public")
    first = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == first

    with django_capture_on_commit_callbacks(execute=True):
        factories.PersonSignatureFactory(
            letter=letter, person=signer, status=SignatureStatus.PENDING, sources=[]
        )
    assert client.get(url)["ETag"] == first
    assert client.get(url, headers={"If-None-Match": first}).status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        factories.SignatureFactory(letter=letter, published_name="Second Signatory")
    changed = client.get(url, headers={"If-None-Match": first})
    assert changed.status_code == 200
    assert changed["ETag"] != first
    assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304


def test_an_etag_only_revalidates_the_url_it_came_from(client, letter):
    etags = {kind: client.get(url)["ETag"] for kind, url in PUBLIC_ANSWERS.items()}

    assert len(set(etags.values())) == len(PUBLIC_ANSWERS)
    for kind, url in PUBLIC_ANSWERS.items():
        for other, etag in etags.items():
            expected = 304 if other == kind else 200
            assert client.get(url, headers={"If-None-Match": etag}).status_code == expected


def test_a_bulk_status_change_of_public_signatures_changes_their_letter(
    letter, django_capture_on_commit_callbacks
):
    scope = page_scopes.letter(letter.slug)
    before = version(scope)
    with django_capture_on_commit_callbacks(execute=True):
        Signature.objects.filter(letter=letter).update(status=SignatureStatus.DISPUTED)
    assert version(scope) != before
