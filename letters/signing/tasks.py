"""The sign-up side's background work: forgetting contact data after the retention
period (daily, from letters/jobs/schedule.py, or `manage.py anonymise_signups`)."""

from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from letters.jobs import outbox
from letters.models import CorrectionRequest, RateLimitHit, SignupLink, SignupRequest


class Anonymised(TypedDict):
    days: int
    signups: int
    corrections: int
    emails: int
    rate_limit_hits: int


@task()
def anonymise_signups(days: int | None = None) -> Anonymised:
    """Delete the contact data of sign-up and correction requests, and of the emails sent
    to them, older than `days` (SIGNUP_RETENTION_DAYS); the signatures and corrections
    stay. Idempotent: a second run finds nothing left to clear."""
    days = settings.SIGNUP_RETENTION_DAYS if days is None else days
    now = timezone.now()
    cutoff = now - timedelta(days=days)
    old_signups = SignupRequest.objects.filter(created_at__lt=cutoff)
    signups = old_signups.filter(anonymised_at__isnull=True).update(
        email="",
        email_key="",
        email_domain="",
        contact_name="",
        ip_address=None,
        anonymised_at=now,
    )
    # Their links expired long ago.
    SignupLink.objects.filter(request__in=old_signups).delete()
    corrections = (
        CorrectionRequest.objects.filter(created_at__lt=cutoff)
        .exclude(email="", ip_address__isnull=True)
        .update(email="", ip_address=None)
    )
    emails = outbox.forget_older_than(cutoff)
    hits, _ = RateLimitHit.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return {
        "days": days,
        "signups": signups,
        "corrections": corrections,
        "emails": emails,
        "rate_limit_hits": hits,
    }
