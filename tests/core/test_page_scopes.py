"""A change makes stale only the pages that show what it changed (letters/page_scopes.py):
its letter's pages, the pages of the signers it names, and the indexes; every other
letter's pages stay in the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from letters import page_scopes
from letters.curation.merging import merge_organisations
from letters.models import Organisation, Signature, SignatureStatus, Topic
from letters.page_cache import versions
from tests import factories


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    # Coalescing has its own tests; here every committed change shows at once.
    settings.PAGE_CACHE_COALESCE_SECONDS = 0


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as a committed transaction: its on-commit work runs."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return run


@pytest.fixture
def two_letters(db):
    """Two letters with a signer each, and one signer on both."""
    written = factories.LetterFactory(title="Letter being written", slug="written")
    quiet = factories.LetterFactory(title="Quiet letter", slug="quiet")
    shared = factories.OrganisationFactory(name="Shared Org", slug="shared-org")
    only_written = factories.OrganisationFactory(name="Written Org", slug="written-org")
    only_quiet = factories.OrganisationFactory(name="Quiet Org", slug="quiet-org")
    for letter, organisation in [
        (written, shared),
        (written, only_written),
        (quiet, shared),
        (quiet, only_quiet),
    ]:
        factories.SignatureFactory(letter=letter, organisation=organisation)
    return written, quiet


# The quiet letter's answers: pages (from the page cache), the API and a download (by ETag).
QUIET_PAGES = [
    "/letters/quiet/",
    "/letters/quiet/print/",
    "/letters/quiet/timeline/",
    "/letters/quiet/badge.svg",
    "/letters/quiet/feed/",
    "/organisations/quiet-org/",
]
QUIET_ANSWERS = [
    *QUIET_PAGES,
    "/api/v1/letters/quiet/signatures/",
    "/letters/quiet/signatories.csv",
]


def from_cache(client, url: str, **headers) -> bool:
    """Whether `url` was answered 200 from the page cache (no query at all)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return not queries.captured_queries


def warm(client, urls) -> dict[str, str]:
    """Request each URL once; their ETags."""
    etags = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        etags[url] = response["ETag"]
    return etags


def assert_untouched(client, etags: dict[str, str]) -> None:
    """Each answer is still current: its ETag revalidates, its page comes from the cache."""
    for url, etag in etags.items():
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        if url in QUIET_PAGES:
            assert from_cache(client, url), url


def test_a_new_signature_leaves_every_other_letters_pages_in_the_cache(client, two_letters, commit):
    written, _ = two_letters
    quiet = warm(client, QUIET_ANSWERS)
    warm(client, ["/letters/written/"])
    assert client.get("/letters/quiet/", headers={"HX-Request": "true"}).status_code == 200

    commit(lambda: factories.SignatureFactory(letter=written, published_name="Newcomer"))

    assert_untouched(client, quiet)
    assert from_cache(client, "/letters/quiet/", **{"HX-Request": "true"})
    assert "Newcomer" in client.get("/letters/written/").content.decode()


def test_a_new_signature_refreshes_the_pages_of_its_letters_signers_and_the_indexes(
    client, two_letters, commit
):
    written, _ = two_letters
    warm(client, ["/organisations/written-org/", "/organisations/shared-org/", "/"])

    newcomer = factories.OrganisationFactory(name="Newcomer Org")
    commit(lambda: factories.SignatureFactory(letter=written, organisation=newcomer))

    # Its co-signers now include the newcomer: pages of the letter's signers.
    assert "Newcomer Org" in client.get("/organisations/written-org/").content.decode()
    assert "Newcomer Org" in client.get("/organisations/shared-org/").content.decode()
    assert not from_cache(client, "/")


def test_a_status_change_refreshes_its_letter_and_not_the_others(client, two_letters, commit):
    written, _ = two_letters
    quiet = warm(client, QUIET_ANSWERS)
    warm(client, ["/letters/written/"])
    signature = Signature.objects.filter(letter=written).first()

    def dispute() -> None:
        signature.status = SignatureStatus.DISPUTED
        signature.save()

    commit(dispute)

    assert "badge-disputed" in client.get("/letters/written/").content.decode()
    assert_untouched(client, quiet)


SIGNER_INDEXES = ["/organisations/", "/people/"]


def test_a_status_change_between_public_statuses_leaves_the_signer_indexes_alone(
    client, two_letters, commit
):
    """Who is public, and how many letters each signed, stay the same: the organisation
    and people indexes stay in the cache while the letter and the other indexes refresh."""
    written, _ = two_letters
    signer_indexes = warm(client, SIGNER_INDEXES)
    warm(client, ["/"])
    signature = Signature.objects.filter(letter=written, organisation__slug="written-org").get()

    def dispute() -> None:
        signature.status = SignatureStatus.DISPUTED
        signature.save()

    commit(dispute)

    assert "badge-disputed" in client.get("/letters/written/").content.decode()
    assert not from_cache(client, "/")
    assert_untouched(client, signer_indexes)
    for url in SIGNER_INDEXES:
        assert from_cache(client, url), url


@pytest.mark.parametrize("status", [SignatureStatus.PENDING, SignatureStatus.REJECTED])
def test_a_signature_leaving_the_public_list_refreshes_the_organisation_index(
    client, two_letters, commit, status
):
    written, _ = two_letters
    warm(client, SIGNER_INDEXES)
    signature = Signature.objects.filter(letter=written, organisation__slug="written-org").get()

    def take_off() -> None:
        signature.status = status
        signature.save()

    commit(take_off)

    # Its only public signature gone, the organisation leaves the index.
    assert not from_cache(client, "/organisations/")
    assert "Written Org" not in client.get("/organisations/").content.decode()


def test_a_signature_moved_to_another_signer_refreshes_the_organisation_index(
    client, two_letters, commit
):
    written, _ = two_letters
    warm(client, SIGNER_INDEXES)
    newcomer = factories.OrganisationFactory(name="Newcomer Org", slug="newcomer-org")
    signature = Signature.objects.filter(letter=written, organisation__slug="written-org").get()

    def move() -> None:
        signature.organisation = newcomer
        signature.save()

    commit(move)

    index = client.get("/organisations/").content.decode()
    assert "Newcomer Org" in index
    assert "Written Org" not in index


def test_bulk_moderation_refreshes_only_the_letters_moderated(client, two_letters, commit):
    written, quiet = two_letters
    pending = factories.SignatureFactory(
        letter=written, published_name="Awaiting Moderation", status=SignatureStatus.PENDING
    )
    spam = factories.SignatureFactory(letter=quiet, status=SignatureStatus.PENDING)
    untouched = warm(client, QUIET_ANSWERS)
    written_etag = warm(client, ["/letters/written/"])

    commit(lambda: Signature.objects.filter(pk=spam.pk).update(status=SignatureStatus.REJECTED))
    assert_untouched(client, {**untouched, **written_etag})  # nothing public changed

    commit(lambda: Signature.objects.filter(pk=pending.pk).update(status=SignatureStatus.CONFIRMED))
    assert "Awaiting Moderation" in client.get("/letters/written/").content.decode()
    assert_untouched(client, untouched)


def test_an_import_refreshes_only_its_letter(client, two_letters, commit):
    written, _ = two_letters
    quiet = warm(client, QUIET_ANSWERS)
    imported = factories.OrganisationFactory(name="Imported Org")

    commit(
        lambda: Signature.objects.bulk_create(
            # An import writes its rows with their source (nothing public without one).
            [
                Signature(
                    letter=written,
                    organisation=imported,
                    published_name="Imported Org",
                    sourced=True,
                )
            ]
        )
    )

    assert "Imported Org" in client.get("/letters/written/").content.decode()
    assert_untouched(client, quiet)


def test_renaming_an_organisation_refreshes_the_letters_that_name_it(client, two_letters, commit):
    warm(client, ["/letters/written/", "/letters/quiet/", "/organisations/written-org/"])
    organisation = Organisation.objects.get(slug="written-org")

    def rename() -> None:
        organisation.name = "Renamed Org"
        organisation.save()

    commit(rename)

    # The list shows the canonical name beside the published one.
    assert "Renamed Org" in client.get("/letters/written/").content.decode()
    assert "Renamed Org" in client.get("/organisations/written-org/").content.decode()
    assert from_cache(client, "/letters/quiet/")


def test_a_new_alias_makes_the_letters_search_find_it(client, two_letters, commit):
    url = "/letters/written/?q=alias+only"
    assert "No signatory matches" in client.get(url).content.decode()

    organisation = Organisation.objects.get(slug="written-org")
    commit(lambda: factories.OrganisationAliasFactory(organisation=organisation, name="Alias Only"))

    assert "1 signatory matches" in client.get(url).content.decode()
    assert not from_cache(client, "/organisations/written-org/")


def test_a_signers_page_follows_the_titles_of_its_letters(client, two_letters, commit):
    written, _ = two_letters
    warm(client, ["/organisations/shared-org/", "/organisations/quiet-org/"])
    api_etag = client.get("/api/v1/organisations/shared-org/")["ETag"]

    def retitle() -> None:
        written.title = "A New Title"
        written.save()

    commit(retitle)

    assert "A New Title" in client.get("/organisations/shared-org/").content.decode()
    api = client.get("/api/v1/organisations/shared-org/", headers={"If-None-Match": api_etag})
    assert api.status_code == 200
    assert "A New Title" in api.content.decode()
    assert from_cache(client, "/organisations/quiet-org/")


def test_a_letters_old_address_is_not_served_after_its_slug_changes(client, two_letters, commit):
    written, _ = two_letters
    warm(client, ["/letters/written/"])

    def move() -> None:
        written.slug = "moved"
        written.save()

    commit(move)

    # The old address now points to the new one (LetterRedirect), never to the old page.
    old = client.get("/letters/written/")
    assert old.status_code == 301
    assert old["Location"].endswith("/letters/moved/")
    assert client.get("/letters/moved/").status_code == 200


def test_an_endorsement_refreshes_its_letter_and_its_endorsers_page(client, two_letters, commit):
    written, _ = two_letters
    endorser = factories.PersonFactory(name="Endorsing Minister", slug="endorsing-minister")
    factories.EndorsementFactory(letter=written, person=endorser, office="Minister")
    warm(client, ["/letters/written/", "/people/endorsing-minister/"])
    quiet = warm(client, QUIET_ANSWERS)

    commit(lambda: factories.EndorsementFactory(letter=written, person=endorser, office="Envoy"))

    assert "Envoy" in client.get("/letters/written/").content.decode()
    assert "Envoy" in client.get("/people/endorsing-minister/").content.decode()
    assert_untouched(client, quiet)


def test_a_letters_topics_refresh_the_topic_pages(client, two_letters, commit):
    written, _ = two_letters
    topic = Topic.objects.create(slug="a-topic", name="A topic", description="About it.")
    assert "A topic" not in client.get("/topics/").content.decode()  # no letter yet
    quiet = warm(client, QUIET_ANSWERS)

    commit(lambda: written.topics.add(topic))

    assert "A topic" in client.get("/topics/").content.decode()
    assert "Letter being written" in client.get(topic.get_absolute_url()).content.decode()
    assert_untouched(client, quiet)


def test_a_source_change_refreshes_every_page(client, two_letters, commit):
    written, _ = two_letters
    source = factories.SourceFactory(outlet="Old Outlet")
    Signature.objects.get(letter=written, organisation__slug="written-org").sources.add(source)
    warm(client, QUIET_ANSWERS)

    def rename() -> None:
        source.outlet = "New Outlet"
        source.save()

    commit(rename)

    assert "New Outlet" in client.get("/letters/written/").content.decode()
    assert not from_cache(client, "/letters/quiet/")


def test_a_merge_refreshes_every_page(client, two_letters, commit):
    warm(client, QUIET_ANSWERS)
    keep = Organisation.objects.get(slug="written-org")
    other = Organisation.objects.get(slug="quiet-org")

    commit(lambda: merge_organisations(keep, [other]))

    assert not from_cache(client, "/letters/quiet/")
    assert client.get("/organisations/quiet-org/").status_code == 301


def test_the_scopes_of_a_letter_change_only_for_public_changes(two_letters, commit):
    written, _ = two_letters
    scopes = [page_scopes.letter("written"), page_scopes.INDEXES]
    before = versions(scopes)

    commit(
        lambda: factories.SignatureFactory(
            letter=written,
            organisation=factories.OrganisationFactory(),
            status=SignatureStatus.PENDING,
        )
    )

    assert versions(scopes) == before


def test_a_large_import_refreshes_every_page_with_one_change(two_letters, commit, settings):
    """Naming each of thousands of signers would write thousands of cache entries."""
    from django.core.cache import cache

    from letters.page_scopes import MAX_SIGNERS_NAMED

    written, _ = two_letters
    organisations = [
        factories.OrganisationFactory(name=f"Imported {n}") for n in range(MAX_SIGNERS_NAMED + 1)
    ]
    before = versions([page_scopes.SITE])
    keys_before = len(cache._cache)

    commit(
        lambda: Signature.objects.bulk_create(
            Signature(letter=written, organisation=organisation, published_name=organisation.name)
            for organisation in organisations
        )
    )

    assert versions([page_scopes.SITE]) != before
    assert len(cache._cache) <= keys_before + 2  # the site's two entries, no more
