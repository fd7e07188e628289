"""The embedded shared cache (tracker/cache.py): Django's file cache, culled once every
CULL_EVERY writes of a process instead of listing the whole cache at every write."""

import itertools

import pytest

from tracker import cache as file_cache
from tracker.cache import FileCache


@pytest.fixture
def small_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(file_cache, "CULL_EVERY", 10)
    monkeypatch.setattr(FileCache, "_writes", itertools.count())
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}})


def test_the_cache_is_listed_once_every_so_many_writes(small_cache, monkeypatch):
    listings = []
    list_files = FileCache._list_cache_files
    monkeypatch.setattr(
        FileCache, "_list_cache_files", lambda self: listings.append(1) or list_files(self)
    )

    for number in range(100):
        small_cache.set(f"key-{number}", number)

    assert len(listings) == 10
    assert small_cache.get("key-99") == 99


def test_a_full_cache_is_still_culled(small_cache, tmp_path):
    for number in range(1000):
        small_cache.set(f"key-{number}", number)

    entries = len(list(tmp_path.glob("*.djcache")))
    # At most MAX_ENTRIES, plus the writes between two looks at its size.
    assert entries <= 50 + 10
    assert small_cache.get("key-999") == 999
