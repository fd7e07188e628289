"""A shared cache that stops answering (Redis down, a full disk) costs speed, not pages:
public pages and share cards render uncached and a curator's change is saved."""

import pytest
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import ConnectionError as RedisConnectionError

from letters.models import SignatureStatus
from letters.public.share_cards import card_url
from tests import factories


class DownCache(LocMemCache):
    """A cache whose every operation fails as RedisCache's do when Redis is down."""

    def _down(self, *args: object, **kwargs: object) -> None:
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = delete = get_many = set_many = delete_many = has_key = _down  # type: ignore[assignment]


@pytest.fixture
def cache_down(settings):
    settings.PAGE_CACHE_SECONDS = 60
    # Django drops its cache objects when CACHES changes (setting_changed).
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.DownCache"}}


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(title="Letter while the cache is down", slug="cache-down")
    factories.SignatureFactory(letter=letter, published_name="Listed Before The Outage")
    return letter


def test_public_pages_answer_uncached_while_the_cache_is_down(client, letter, cache_down):
    for url in (letter.get_absolute_url(), "/", "/search/?q=listed", card_url(letter)):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(letter.get_absolute_url())
    assert "Listed Before The Outage" in page.content.decode()
    # Two renders, no copy served: each shows the data as it is.
    assert page.headers.get("ETag") != client.get(letter.get_absolute_url()).headers.get("ETag")


def test_a_change_is_saved_and_shown_while_the_cache_is_down(client, letter, cache_down):
    signature = letter.signatures.get()
    signature.status = SignatureStatus.DISPUTED
    signature.save()  # its on_commit invalidation meets the dead cache
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.DISPUTED
    assert "disputed" in client.get(letter.get_absolute_url()).content.decode().lower()
