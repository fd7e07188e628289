"""The notifications' periodic work (daily, from letters/jobs/schedule.py): the letter
contacts' digests and the followers' alerts for the day before, and forgetting
subscriptions nobody confirmed."""

from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from letters.models import Subscription

from . import digest, subscriptions


class Sent(TypedDict):
    day: str
    digests: int
    alerts: int


@task()
def send_daily_notifications() -> Sent:
    """Yesterday's digests and alerts; safe to run twice (each is sent once per day)."""
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "day": yesterday.isoformat(),
        "digests": digest.send_digests(yesterday),
        "alerts": subscriptions.send_alerts(yesterday),
    }


class Forgotten(TypedDict):
    unconfirmed: int
    ip_addresses: int


@task()
def forget_subscriptions(days: int | None = None) -> Forgotten:
    """Retention, as for sign-ups (SIGNUP_RETENTION_DAYS): subscriptions never confirmed
    are deleted, and the network address of the others is cleared. A confirmed
    subscription keeps its email address while it lasts (alerts go there); unsubscribing
    deletes it. The addresses of the emails sent are cleared by anonymise_signups."""
    days = settings.SIGNUP_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    old = Subscription.objects.filter(created_at__lt=cutoff)
    unconfirmed, _ = old.filter(confirmed_at__isnull=True).delete()
    ip_addresses = old.exclude(ip_address__isnull=True).update(ip_address=None)
    return {"unconfirmed": unconfirmed, "ip_addresses": ip_addresses}
