"""Check that sources still answer, for curators to find the dead links.

One request at a time, and a pause between two requests to the same host, so that no
site is hammered: hosts are visited in turn, so the pause is rarely waited for. HEAD is
tried first (no body to download); a server that refuses HEAD is asked again with GET.
Redirects are followed, and the status of the final page is kept.

The work runs as a job (letters/curation/tasks.py): weekly from the schedule, from the
source admin's action, or in the foreground with `manage.py check_source_links`.
"""

import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain, zip_longest
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import OpenerDirector, Request, build_opener

from django.db.models import Q, QuerySet

from letters.models import Source

USER_AGENT = "OpenLetterTracker-LinkCheck/1.0 (checks that cited sources still answer)"
# Answers meaning "not HEAD, please": try once more with GET.
_HEAD_REFUSED = {400, 403, 405, 501}
_ERROR_LENGTH = Source._meta.get_field("link_error").max_length

DEAD = Q(link_checked_at__isnull=False) & (Q(link_status__isnull=True) | Q(link_status__gte=400))


def is_dead(status: int | None) -> bool:
    return status is None or status >= 400


def still_to_check(
    since: datetime, *, only_dead: bool = False, ids: Iterable[int] | None = None
) -> QuerySet[Source]:
    """The sources a check started at `since` has not checked yet, least recently
    checked first: what a resumed check carries on with."""
    sources = Source.objects.order_by("link_checked_at", "pk")
    if only_dead:
        sources = sources.filter(DEAD)
    if ids is not None:
        sources = sources.filter(pk__in=list(ids))
    return sources.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=since))


Checked = tuple[Source, int | None, str]


def check_in_turn(sources: list[Source], timeout: float, delay: float) -> Iterator[Checked]:
    """Check each source, hosts in turn, waiting `delay` seconds between two requests to
    one host; yields (source, status, error) as each answers."""
    opener = build_opener()
    last_request_at: dict[str, float] = {}
    for source in taking_hosts_in_turn(sources):
        host = urlsplit(source.url).hostname or ""
        wait = last_request_at.get(host, -delay) + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        status, error = check(opener, source.url, timeout)
        last_request_at[host] = time.monotonic()
        yield source, status, error


def taking_hosts_in_turn(sources: list[Source]) -> list[Source]:
    """One source of each host, then the next of each, and so on."""
    by_host: dict[str, deque[Source]] = defaultdict(deque)
    for source in sources:
        by_host[urlsplit(source.url).hostname or ""].append(source)
    rounds = zip_longest(*by_host.values())
    return [source for source in chain.from_iterable(rounds) if source is not None]


def check(opener: OpenerDirector, url: str, timeout: float) -> tuple[int | None, str]:
    """(final HTTP status or None, why it failed or '')."""
    status, error = _request(opener, url, "HEAD", timeout)
    if status in _HEAD_REFUSED:
        status, error = _request(opener, url, "GET", timeout)
    return status, error


def _request(
    opener: OpenerDirector, url: str, method: str, timeout: float
) -> tuple[int | None, str]:
    request = Request(url, method=method, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"[:_ERROR_LENGTH]
    except (URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"[:_ERROR_LENGTH]
