"""Public pages: cached in the shared cache, revalidated with ETags, invalidated on change.

Every public page is the same for everyone (no per-user content, no cookie), so a page
is keyed by its URL, whether it is the htmx fragment or the full page, and a *content
version*. Any change to what the public can see stores a new random version once the
transaction commits: every cached page and every ETag handed out before becomes stale
at once, in all server workers, without listing which pages a change touched.

The version changes only after commit, so a request served while a change is still
uncommitted can never store the old content under the new version.
"""

import hashlib
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from .lib.http import HtmxHttpRequest

VERSION_KEY = "public-content-version"

# The request headers a public page's answer depends on (see `wants_fragment`).
HTMX_VARY = ("HX-Request", "HX-History-Restore-Request")


def wants_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx swap gets the list fragment; a history restore or boost gets the page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def public_content_changed(using: str = "default") -> None:
    """Invalidate every public page once the current transaction commits."""
    transaction.on_commit(_new_version, using=using)


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def etag_for(request: HttpRequest, variant: str = "") -> str:
    """The ETag of a public answer: its URL (and variant, page or fragment) under the
    current content version, so that any public change makes every ETag stale."""
    fingerprint = f"{content_version()}|{variant}|{request.get_full_path()}"
    return '"' + hashlib.sha256(fingerprint.encode()).hexdigest()[:32] + '"'


_P = ParamSpec("_P")


def cached_public_page(
    view: Callable[Concatenate[HtmxHttpRequest, _P], HttpResponse],
) -> Callable[Concatenate[HtmxHttpRequest, _P], HttpResponse]:
    """Serve a public GET view from the shared cache, with an ETag and Cache-Control.

    The ETag is derived from the content version, so a revalidation (If-None-Match)
    is answered 304 without rendering anything. Browsers revalidate on every view
    (max-age=0); shared caches such as a CDN may keep the page PAGE_CACHE_SECONDS.
    """

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: _P.args, **kwargs: _P.kwargs) -> HttpResponse:
        etag = etag_for(request, "fragment" if wants_fragment(request) else "page")
        seconds = settings.PAGE_CACHE_SECONDS

        response = get_conditional_response(request, etag=etag)
        if response is None and seconds:
            response = cache.get(f"page:{etag}")
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if seconds:
                cache.set(f"page:{etag}", response, seconds)
        response["ETag"] = etag
        patch_vary_headers(response, HTMX_VARY)
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=seconds, must_revalidate=True
        )
        return response

    return wrapper
