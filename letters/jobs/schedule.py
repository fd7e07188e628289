"""The periodic work, and the scheduler that queues it (run by `manage.py worker`).

Each periodic task runs once per period, at the start of the period (UTC, periods
counted from Monday 1 January 2024): every minute, every day at 00:00, every seventh
day. A period is claimed with a conditional UPDATE of its `PeriodicTask` row, so the
schedulers of several workers, on several machines, queue each run exactly once between
them; a worker that was down for a while queues the current period once, not every
period it missed. The first time a task is seen, its current period counts as done:
it first runs at the start of the next one.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task

from letters.models import PeriodicTask

from .queue import enqueue

logger = logging.getLogger(__name__)

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task[[], Any]
    every: timedelta


def periodic_tasks() -> list[Periodic]:
    from letters.curation.tasks import check_all_source_links
    from letters.notifications.tasks import forget_subscriptions, send_daily_notifications
    from letters.signing.tasks import anonymise_signups

    from . import tasks

    schedule = [
        # Retries of emails, and jobs a dead worker left behind.
        Periodic("sweep", tasks.sweep, timedelta(minutes=1)),
        Periodic("anonymise-signups", anonymise_signups, timedelta(days=1)),
        Periodic("prune-task-results", tasks.prune_task_results, timedelta(days=1)),
        # Letter contacts' digests and followers' alerts of the day before.
        Periodic("daily-notifications", send_daily_notifications, timedelta(days=1)),
        Periodic("forget-subscriptions", forget_subscriptions, timedelta(days=1)),
    ]
    if settings.LINK_CHECK_EVERY_DAYS > 0:
        every = timedelta(days=settings.LINK_CHECK_EVERY_DAYS)
        schedule.append(Periodic("check-source-links", check_all_source_links, every))
    return schedule


def period_start(now: datetime, every: timedelta) -> datetime:
    return EPOCH + ((now - EPOCH) // every) * every


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Queue every periodic task whose current period has not been queued yet; returns
    their names."""
    now = now or timezone.now()
    queued = []
    for periodic in periodic_tasks():
        slot = period_start(now, periodic.every)
        with transaction.atomic():
            _, created = PeriodicTask.objects.get_or_create(
                name=periodic.name, defaults={"last_slot": slot, "last_enqueued_at": now}
            )
            if created:
                continue
            claimed = PeriodicTask.objects.filter(name=periodic.name, last_slot__lt=slot).update(
                last_slot=slot, last_enqueued_at=now
            )
            if claimed:
                enqueue(periodic.task)
                queued.append(periodic.name)
    if queued:
        logger.info("Queued periodic tasks: %s", ", ".join(queued))
    return queued
