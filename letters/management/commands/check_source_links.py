"""Check that every source still answers, and list the dead ones for curators.

One request at a time, and a pause between two requests to the same host, so that no
site is hammered: hosts are visited in turn, so the pause is rarely waited for. HEAD is
tried first (no body to download); a server that refuses HEAD is asked again with GET.
Redirects are followed, and the status of the final page is kept.
"""

import time
from collections import defaultdict, deque
from itertools import chain, zip_longest
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import OpenerDirector, Request, build_opener

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils import timezone

from letters.models import Source

USER_AGENT = "OpenLetterTracker-LinkCheck/1.0 (checks that cited sources still answer)"
# Answers meaning "not HEAD, please": try once more with GET.
_HEAD_REFUSED = {400, 403, 405, 501}
_ERROR_LENGTH = Source._meta.get_field("link_error").max_length


def is_dead(status: int | None) -> bool:
    return status is None or status >= 400


class Command(BaseCommand):
    help = "Check every source URL and record its status; print the dead links."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only-dead", action="store_true", help="Recheck only links found dead last time."
        )
        parser.add_argument("--limit", type=int, help="Check at most this many sources.")
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="Seconds to wait for each answer."
        )
        parser.add_argument(
            "--delay",
            type=float,
            default=1.0,
            help="Seconds between two requests to the same host.",
        )

    def handle(
        self,
        *args: Any,
        only_dead: bool,
        limit: int | None,
        timeout: float,
        delay: float,
        **options: Any,
    ) -> None:
        if timeout <= 0 or delay < 0 or (limit is not None and limit < 1):
            raise CommandError("--timeout must be positive, --delay not negative, --limit ≥ 1.")
        sources = Source.objects.order_by("link_checked_at", "pk")
        if only_dead:
            sources = sources.filter(link_checked_at__isnull=False).filter(
                Q(link_status__isnull=True) | Q(link_status__gte=400)
            )
        if limit:
            sources = sources[:limit]
        opener = build_opener()
        last_request_at: dict[str, float] = {}
        dead = []
        checked = 0
        for source in _taking_hosts_in_turn(list(sources)):
            host = urlsplit(source.url).hostname or ""
            wait = last_request_at.get(host, -delay) + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            status, error = check(opener, source.url, timeout)
            last_request_at[host] = time.monotonic()
            Source.objects.filter(pk=source.pk).update(
                link_checked_at=timezone.now(), link_status=status, link_error=error
            )
            checked += 1
            if is_dead(status):
                dead.append((source, status, error))
        self.stdout.write(f"Checked {checked} source link(s); {len(dead)} dead.")
        for source, status, error in dead:
            self.stdout.write(f"DEAD {status or '—'} {source.url} ({error or 'HTTP error'})")


def _taking_hosts_in_turn(sources: list[Source]) -> list[Source]:
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
