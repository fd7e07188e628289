"""A burst of changes to one letter makes at most one new version of its pages per
PAGE_CACHE_COALESCE_SECONDS; the first change after a quiet spell shows at once, and
the last change of a burst shows at the end of its window with no further change."""

import pytest

from letters import page_cache, page_scopes
from letters.models import Signature, SignatureStatus
from tests import factories

WINDOW = 5.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch, settings):
    settings.PAGE_CACHE_COALESCE_SECONDS = WINDOW
    settings.PAGE_CACHE_SECONDS = 300
    clock = Clock()
    monkeypatch.setattr(page_cache, "_now", clock)
    return clock


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Busy letter", slug="busy")
    factories.SignatureFactory(letter=letter, published_name="Steady Signatory")
    return letter


@pytest.fixture
def rename(letter, django_capture_on_commit_callbacks):
    """Commit a change of the letter's one signature's published name."""
    signature = Signature.objects.get(letter=letter)

    def commit(name: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            signature.published_name = name
            signature.save()

    return commit


def shown(client, letter) -> str:
    return client.get(letter.get_absolute_url()).content.decode()


def test_the_first_change_after_a_quiet_spell_shows_at_once(client, letter, clock, rename):
    assert "Steady Signatory" in shown(client, letter)
    clock.advance(60)

    rename("First Change")

    assert "First Change" in shown(client, letter)


def test_a_change_soon_after_another_waits_for_the_end_of_the_window(client, letter, clock, rename):
    rename("First Change")
    assert "First Change" in shown(client, letter)

    clock.advance(1)
    rename("Second Change")
    assert "First Change" in shown(client, letter)  # the cached page, for now

    clock.advance(WINDOW - 1)
    # No further change: the first view after the window publishes it.
    assert "Second Change" in shown(client, letter)


def test_a_burst_makes_one_new_version_per_window(client, letter, clock, rename):
    scope = page_scopes.letter(letter.slug)
    seen = []
    for step in range(60):  # ten changes a second for six seconds
        rename(f"Name {step}")
        seen.append(page_cache.versions([scope])[scope])
        clock.advance(0.1)
    clock.advance(WINDOW)
    seen.append(page_cache.versions([scope])[scope])

    published = list(dict.fromkeys(seen))
    # At once, at the end of the first window, at the end of the second (the burst
    # ran on into it), and no more.
    assert len(published) == 3
    assert f"Name {59}" in shown(client, letter)


def test_the_page_says_when_its_figures_were_read(client, letter, clock, rename):
    from django.utils import timezone

    response = client.get(letter.get_absolute_url())
    read_at = response.context["rendered_at"]

    assert timezone.now() - read_at < timezone.timedelta(seconds=5)
    assert f'as of <time datetime="{read_at.isoformat()}">' in response.content.decode()


def test_other_letters_keep_their_version_through_a_burst(client, letter, clock, rename):
    other = factories.LetterFactory(slug="other")
    scope = page_scopes.letter(other.slug)
    before = page_cache.versions([scope])[scope]
    for step in range(20):
        rename(f"Name {step}")
        clock.advance(1)
    assert page_cache.versions([scope])[scope] == before


def test_a_publication_lost_by_a_racing_reader_is_made_again(letter, clock, rename):
    """Two readers publishing different tokens at once: the later one may put an older
    token back. The change is then published again at the end of the window, not lost."""
    scope = page_scopes.letter(letter.slug)
    rename("First Change")
    stale = page_cache.versions([scope])[scope]
    rename("Second Change")
    clock.advance(WINDOW)
    fresh = page_cache.versions([scope])[scope]
    assert fresh != stale
    # The slower reader writes back what it read before the second change.
    from django.core.cache import cache

    cache.set(f"page-scope:{scope}:published", (stale, clock.now), timeout=None)
    assert page_cache.versions([scope])[scope] == stale
    clock.advance(WINDOW)
    assert page_cache.versions([scope])[scope] == fresh


def test_a_pending_change_shows_in_the_etag_at_the_end_of_the_window(client, letter, clock, rename):
    url = letter.get_absolute_url()
    rename("First Change")
    etag = client.get(url)["ETag"]
    clock.advance(1)
    rename("Second Change")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    clock.advance(WINDOW)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_with_no_window_every_change_shows_at_once(client, letter, clock, rename, settings):
    settings.PAGE_CACHE_COALESCE_SECONDS = 0
    for name in ["One", "Two", "Three"]:
        rename(name)
        assert name in shown(client, letter)


def test_a_bulk_status_change_is_coalesced_like_any_other(
    letter, clock, rename, django_capture_on_commit_callbacks
):
    scope = page_scopes.letter(letter.slug)
    rename("First Change")
    first = page_cache.versions([scope])[scope]
    with django_capture_on_commit_callbacks(execute=True):
        Signature.objects.filter(letter=letter).update(status=SignatureStatus.DISPUTED)
    assert page_cache.versions([scope])[scope] == first
    clock.advance(WINDOW)
    assert page_cache.versions([scope])[scope] != first
