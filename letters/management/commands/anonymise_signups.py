"""Delete the contact data of old sign-up and correction requests (idempotent).

Emails, contact names and IP addresses are kept only while they serve their purpose
(confirming, answering, stopping floods); the signatures and corrections stay.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from letters.models import CorrectionRequest, RateLimitHit, SignupLink, SignupRequest


class Command(BaseCommand):
    help = "Anonymise sign-up and correction requests older than --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.SIGNUP_RETENTION_DAYS,
            help="Keep contact data this many days (default: SIGNUP_RETENTION_DAYS).",
        )

    def handle(self, *args: Any, days: int, **options: Any) -> None:
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
        hits, _ = RateLimitHit.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
        self.stdout.write(
            f"Anonymised {signups} sign-up request(s) and {corrections} correction "
            f"request(s) older than {days} days; deleted {hits} old rate-limit record(s)."
        )
