"""Rate limits for anything the public can write, counted in the database.

The count and the new hit are written in one transaction that holds a lock for each key
(SQLite: the write lock every transaction takes with transaction_mode IMMEDIATE;
PostgreSQL: an advisory lock), so fifty simultaneous requests cannot all see an empty
window and all pass.
"""

import hashlib
from datetime import datetime, timedelta

from django.db import connections, transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from letters.models import RateLimitHit

from .verification import SHARED_MAIL_DOMAINS

# (hits allowed, per seconds): one a minute, and five in five minutes.
Limits = tuple[tuple[int, int], ...]
PUBLIC_WRITE_LIMITS: Limits = ((1, 60), (5, 300))

# Sign-ups and withdrawals from one email domain on one letter, whatever the addresses
# they come from: a staff of ten may sign within minutes, a flood from one domain across
# many addresses stops there.
EMAIL_DOMAIN_LIMITS: Limits = ((10, 600), (30, 86_400))
# The per-domain limit is for a domain that one organisation (or one spammer) controls:
# mail providers that many unrelated people share get far more room.
SHARED_MAIL_DOMAIN_LIMITS: Limits = ((200, 600), (2_000, 86_400))


_UNIT_SECONDS = (86_400, 3_600, 60, 1)


def describe(limits: Limits) -> str:
    """Limits in words, for the pages that state them: '1 a minute and 5 in 5 minutes'."""
    phrases = []
    for allowed, seconds in limits:
        size = next(size for size in _UNIT_SECONDS if seconds % size == 0)
        phrases.append(_per_period(allowed, seconds // size, size))
    return get_text_list(phrases, gettext("and"))


def _per_period(allowed: int, count: int, unit_seconds: int) -> str:
    """'5 a minute', '5 in 10 minutes': each unit in words, so each can be translated."""
    values = {"allowed": allowed, "count": count}
    if unit_seconds == 86_400:
        if count == 1:
            return gettext("%(allowed)s a day") % values
        return (
            ngettext("%(allowed)s in %(count)s day", "%(allowed)s in %(count)s days", count)
            % values
        )
    if unit_seconds == 3_600:
        if count == 1:
            return gettext("%(allowed)s an hour") % values
        return (
            ngettext("%(allowed)s in %(count)s hour", "%(allowed)s in %(count)s hours", count)
            % values
        )
    if unit_seconds == 60:
        if count == 1:
            return gettext("%(allowed)s a minute") % values
        return (
            ngettext("%(allowed)s in %(count)s minute", "%(allowed)s in %(count)s minutes", count)
            % values
        )
    if count == 1:
        return gettext("%(allowed)s a second") % values
    return (
        ngettext("%(allowed)s in %(count)s second", "%(allowed)s in %(count)s seconds", count)
        % values
    )


def email_domain_limits(domain: str) -> Limits:
    return SHARED_MAIL_DOMAIN_LIMITS if domain in SHARED_MAIL_DOMAINS else EMAIL_DOMAIN_LIMITS


def allow(key: str, limits: Limits = PUBLIC_WRITE_LIMITS, using: str = "default") -> bool:
    """Record a hit for `key` and return True, or return False if any limit is reached."""
    return allow_all({key: limits}, using)


def allow_all(limits_by_key: dict[str, Limits], using: str = "default") -> bool:
    """Record a hit for every key and return True, or record nothing and return False if
    any key has reached any of its limits (a refused request never counts)."""
    with transaction.atomic(using=using):
        for key in sorted(limits_by_key):  # always in one order: no two waits cross
            lock(key, using)
        now = timezone.now()
        for key, limits in limits_by_key.items():
            if _is_limited(key, limits, now, using):
                return False
        for key, limits in limits_by_key.items():
            longest = max(seconds for _, seconds in limits)
            RateLimitHit.objects.using(using).create(key=key, created_at=now)
            # Old hits of this key are of no further use.
            RateLimitHit.objects.using(using).filter(
                key=key, created_at__lte=now - timedelta(seconds=longest)
            ).delete()
    return True


def _is_limited(key: str, limits: Limits, now: datetime, using: str) -> bool:
    longest = max(seconds for _, seconds in limits)
    recent = list(
        RateLimitHit.objects.using(using)
        .filter(key=key, created_at__gt=now - timedelta(seconds=longest))
        .values_list("created_at", flat=True)
    )
    return any(
        sum(1 for hit in recent if hit > now - timedelta(seconds=seconds)) >= allowed
        for allowed, seconds in limits
    )


def lock(key: str, using: str = "default") -> None:
    """Serialise transactions on `key` until the current transaction ends.

    SQLite needs nothing: with transaction_mode IMMEDIATE every transaction holds the
    database's write lock from its first statement.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
