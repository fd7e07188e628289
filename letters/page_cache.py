"""Public answers: cached in the shared cache, revalidated with ETags, invalidated by scope.

**Scopes.** A change touches some pages and not others: a new signature on one letter
changes that letter's pages, the pages of the signers it lists and the indexes that show
its counts, and nothing else. So every public answer depends on named scopes
(letters/page_scopes.py: a letter, a signer, the indexes) and on `SITE`, which every
answer depends on; a change says, once it has committed, which scopes it touched
(letters/signals.py). An answer is fresh while each of its scopes keeps the version it
had when the answer was rendered.

**Versions, at most one per window.** Each scope has two entries in Django's cache,
shared by every worker and every machine (files, or Redis with REDIS_URL): `changed`, a
fresh token written after each change commits, and `published`, the token readers use as
the scope's version, with the time it was published. A reader that finds `changed`
ahead of `published` publishes it at once if the last publication is
PAGE_CACHE_COALESCE_SECONDS old, and otherwise keeps the published version until then.
So the first change after a quiet spell shows at once, a burst of changes produces at
most one new version per window, and the last change of a burst shows at the end of its
window without any further change (the first reader after it publishes it). Tokens are
compared for equality only, so two writers racing, or a cache that loses an entry, can
cost an extra render, never a lost change.

**Declare before reading.** A version is read before the data it covers, and a change's
token is written only after the change commits: a page rendered while a change is
uncommitted is stored under the version before it, never under the version after it. A
view's scopes come from its URL (`cached_public_page(scope, ...)`); what it finds while
rendering (the letters an organisation appears on) it adds with `depends_on()` before
reading them. The versions of every scope an answer used make its ETag (`etag_for`), so
the pages, the API and the downloads revalidate by one rule.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from functools import partial, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from redis.exceptions import RedisError

from .lib.http import HtmxHttpRequest

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# What every public answer depends on: changes nobody traces to narrower scopes.
SITE = "site"

# The request headers a public page's answer depends on (see `wants_fragment`).
HTMX_VARY = ("HX-Request", "HX-History-Restore-Request")

# With the page cache off, what an answer depended on is still kept this long, so that
# its ETag can be revalidated without rendering it.
DEPENDENCIES_SECONDS = 24 * 60 * 60


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx swap gets the list fragment; a history restore or boost gets the page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


# ---------------------------------------------------------------------------
# The shared cache, when it fails
# ---------------------------------------------------------------------------

# A Redis that is down or times out (RedisCache raises), or a cache directory that cannot
# be written (OSError).
CACHE_ERRORS = (RedisError, OSError)


def tolerant(operation: Callable[[], _T], default: _T) -> _T:
    """`operation()` on the shared cache, or `default` when the cache fails: the site
    keeps answering, uncached, rather than failing every public page with it."""
    try:
        return operation()
    except CACHE_ERRORS:
        logger.warning("The page cache is unavailable; answering uncached", exc_info=True)
        return default


# ---------------------------------------------------------------------------
# Changes and versions
# ---------------------------------------------------------------------------


def _changed_key(scope: str) -> str:
    return f"page-scope:{scope}:changed"


def _published_key(scope: str) -> str:
    return f"page-scope:{scope}:published"


def _token() -> str:
    return uuid.uuid4().hex


def _now() -> float:
    return time.time()


def changed(scopes: Iterable[str], using: str = "default") -> None:
    """These scopes change once the current transaction commits (at once outside one)."""
    scopes = frozenset(scopes)
    if scopes:
        transaction.on_commit(partial(record_changes, scopes), using=using)


def public_content_changed(using: str = "default") -> None:
    """Something public changed and the caller cannot say what: every page."""
    changed([SITE], using)


def record_changes(scopes: Iterable[str]) -> None:
    """Mark these scopes changed now; only ever called once the change has committed.

    With the cache down the change is logged and lost to the cache, not to the data: the
    pages it held are gone with it, or expire within PAGE_CACHE_SECONDS."""
    tokens = {_changed_key(scope): _token() for scope in scopes}
    tolerant(lambda: cache.set_many(tokens, timeout=None), None)


def _version_keys(scopes: Iterable[str]) -> list[str]:
    return [key for scope in scopes for key in (_changed_key(scope), _published_key(scope))]


class CacheRead:
    """What one read of the shared cache asked for and found: with Redis, each read is a
    round trip, so a cached page reads its stored answer and its scopes' versions at once
    (`revalidated_or_rendered`) instead of one after the other."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.asked = frozenset(keys)
        self.found: dict[str, Any] | None = tolerant(lambda: cache.get_many(self.asked), None)


def versions(scopes: Iterable[str], read: CacheRead | None = None) -> dict[str, str]:
    """The version of `SITE` and of each scope now, publishing any change whose window
    has passed. Whatever `read` holds is not read again."""
    wanted = list(dict.fromkeys([SITE, *scopes]))
    keys = _version_keys(wanted)
    found: dict[str, Any] = {}
    if read is not None and read.found is not None:
        found = {key: value for key, value in read.found.items() if key in keys}
        keys = [key for key in keys if key not in read.asked]
    if keys:
        more = tolerant(lambda: cache.get_many(keys), None)
        if more is None:
            # Versions nobody else holds: nothing stored matches them, nothing is served
            # stale.
            return {scope: _token() for scope in wanted}
        found.update(more)
    now = _now()
    window = settings.PAGE_CACHE_COALESCE_SECONDS
    result: dict[str, str] = {}
    to_publish: dict[str, tuple[str, float]] = {}
    for scope in wanted:
        latest: str | None = found.get(_changed_key(scope))
        published: tuple[str, float] | None = found.get(_published_key(scope))
        known = latest is not None
        if latest is None:
            # No change known since the cache was emptied: a first token, the same for all
            # (whichever reader adds it first).
            token = _token()
            key = _changed_key(scope)
            tolerant(partial(cache.add, key, token, timeout=None), False)
            latest = str(tolerant(partial(cache.get, key, token), token))
        if published is None:
            # With no change known, there is no window to wait for: the next change
            # shows at once. With one, its window starts now.
            published = (latest, now if known else 0.0)
            to_publish[_published_key(scope)] = published
        elif published[0] != latest and now - published[1] >= window:
            published = (latest, now)
            to_publish[_published_key(scope)] = published
        result[scope] = published[0]
    if to_publish:
        tolerant(lambda: cache.set_many(to_publish, timeout=None), None)
    return result


class Dependencies:
    """The scopes an answer depends on, each with its version from before the answer
    read anything that scope covers.

    `known` are versions this request has already read, before reading any data: they
    are used as they are rather than read again.
    """

    def __init__(
        self,
        scopes: Iterable[str] = (),
        known: dict[str, str] | None = None,
        read: CacheRead | None = None,
    ) -> None:
        self.known = known or {}
        self.versions: dict[str, str] = {}
        self.add([SITE, *scopes], read)

    def add(self, scopes: Iterable[str], read: CacheRead | None = None) -> None:
        new = [scope for scope in scopes if scope not in self.versions]
        self.versions.update({scope: self.known[scope] for scope in new if scope in self.known})
        unknown = [scope for scope in new if scope not in self.versions]
        if unknown:
            self.versions.update(versions(unknown, read))

    def etag(self, request: HttpRequest, variant: str = "") -> str:
        """The URL (and variant: page, fragment) under these versions."""
        stamp = "|".join(f"{scope}={version}" for scope, version in sorted(self.versions.items()))
        fingerprint = f"{variant}|{request.get_full_path()}|{stamp}"
        return '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'


def etag_for(request: HttpRequest, scopes: Iterable[str], variant: str = "") -> str:
    """The ETag of a public answer whose scopes are known before it is built (a
    download); the same rule as every cached page and API answer."""
    return Dependencies(scopes).etag(request, variant)


def depends_on(request: HttpRequest, *scopes: str) -> None:
    """While a cached answer renders: it also depends on these scopes. Call it before
    reading the data they cover. Outside a cached answer (a staff preview) it does
    nothing."""
    dependencies: Dependencies | None = getattr(request, "page_dependencies", None)
    if dependencies is not None:
        dependencies.add(scopes)


# ---------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------


def _entry_key(request: HttpRequest, variant: str) -> str:
    # The absolute URL: a page names its own address (canonical link, citations).
    address = f"{variant}|{request.build_absolute_uri()}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def revalidated_or_rendered(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    scopes: Iterable[str],
    variant: str = "",
    keep: bool = True,
) -> HttpResponse:
    """The answer to a public GET or HEAD: 304 when the client's ETag is current, the
    stored copy when it is fresh (and `keep` and the page cache are on), else `render()`.

    What each answer depended on is kept either way, so a revalidation is answered
    without rendering even when the page cache is off. Only 200 answers are stored.
    """
    key = _entry_key(request, variant)
    seconds = settings.PAGE_CACHE_SECONDS
    scopes = list(scopes)
    # The stored answer and the versions of the scopes the view declares, in one read:
    # an answer that depended on no other scope is served or revalidated without another.
    read = CacheRead([key, *_version_keys([SITE, *scopes])])
    entry = read.found.get(key) if read.found is not None else None
    now: dict[str, str] = {}
    if entry is not None:
        then, etag, stored = entry
        now = versions(then, read)
        if now == then:
            not_modified = get_conditional_response(request, etag=etag)
            if not_modified is not None:
                not_modified["ETag"] = etag
                return not_modified
            if stored is not None:
                return stored
    dependencies = Dependencies(scopes, known=now, read=read)
    # Where depends_on() finds it while the view renders.
    request.page_dependencies = dependencies  # type: ignore[attr-defined]
    response = render()
    if response.status_code != 200:
        return response
    etag = dependencies.etag(request, variant)
    response["ETag"] = etag
    # A response that sets a cookie is somebody's own: never shared.
    stored = response if (keep and seconds and not response.cookies) else None
    if stored is not None or entry is None or entry[1] != etag:
        kept = (dependencies.versions, etag, stored)
        tolerant(lambda: cache.set(key, kept, seconds or DEPENDENCIES_SECONDS), None)
    return get_conditional_response(request, etag=etag, response=response) or response


_P = ParamSpec("_P")
PublicView = Callable[Concatenate[HtmxHttpRequest, _P], HttpResponse]
# A scope, or how to name it from the view's keyword arguments (e.g. the letter's slug).
Scope = str | Callable[..., str]


def named_scopes(scopes: Iterable[Scope], view_kwargs: dict[str, object]) -> list[str]:
    return [scope if isinstance(scope, str) else scope(**view_kwargs) for scope in scopes]


def cached_public_page(*scopes: Scope) -> Callable[[PublicView[_P]], PublicView[_P]]:
    """Serve a public GET view from the shared cache, with an ETag and Cache-Control.

    `scopes` are what the page depends on besides `SITE`: names, or functions of the
    view's keyword arguments (`page_scopes.letter` gives a letter page its letter's).
    Browsers revalidate on every view (max-age=0); shared caches such as a CDN may keep
    the page PAGE_CACHE_SECONDS.
    """

    def decorator(view: PublicView[_P]) -> PublicView[_P]:
        @wraps(view)
        def wrapper(request: HtmxHttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> HttpResponse:
            named = named_scopes(scopes, kwargs)
            variant = "fragment" if wants_fragment(request) else "page"
            response = revalidated_or_rendered(
                request, partial(view, request, *args, **kwargs), named, variant
            )
            if response.has_header("ETag"):
                seconds = settings.PAGE_CACHE_SECONDS
                patch_vary_headers(response, HTMX_VARY)
                patch_cache_control(
                    response, public=True, max_age=0, s_maxage=seconds, must_revalidate=True
                )
            return response

        return wrapper

    return decorator
