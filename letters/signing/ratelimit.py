"""Rate limits for anything the public can write, counted in the database.

The count and the new hit are written in one transaction that holds a lock for the key
(SQLite: the write lock every transaction takes with transaction_mode IMMEDIATE;
PostgreSQL: an advisory lock), so fifty simultaneous requests cannot all see an empty
window and all pass.
"""

import hashlib
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from letters.models import RateLimitHit

# (hits allowed, per seconds): one a minute, and five in five minutes.
Limits = tuple[tuple[int, int], ...]
PUBLIC_WRITE_LIMITS: Limits = ((1, 60), (5, 300))


def allow(key: str, limits: Limits = PUBLIC_WRITE_LIMITS, using: str = "default") -> bool:
    """Record a hit for `key` and return True, or return False if any limit is reached."""
    longest = max(seconds for _, seconds in limits)
    with transaction.atomic(using=using):
        lock(key, using)
        now = timezone.now()
        recent = list(
            RateLimitHit.objects.using(using)
            .filter(key=key, created_at__gt=now - timedelta(seconds=longest))
            .values_list("created_at", flat=True)
        )
        for allowed, seconds in limits:
            if sum(1 for hit in recent if hit > now - timedelta(seconds=seconds)) >= allowed:
                return False
        RateLimitHit.objects.using(using).create(key=key, created_at=now)
        # Old hits of this key are of no further use.
        RateLimitHit.objects.using(using).filter(
            key=key, created_at__lte=now - timedelta(seconds=longest)
        ).delete()
    return True


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
