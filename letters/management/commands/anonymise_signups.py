"""Delete the contact data of old sign-up and correction requests (idempotent).

Emails, contact names and IP addresses are kept only while they serve their purpose
(confirming, answering, stopping floods); the signatures and corrections stay. The worker
runs this daily (letters/jobs/schedule.py); the command runs it now, in this process.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.signing.tasks import anonymise_signups


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
        if days < 0:
            raise CommandError("--days cannot be negative.")
        done = anonymise_signups.call(days)
        self.stdout.write(
            f"Anonymised {done['signups']} sign-up request(s) and {done['corrections']} "
            f"correction request(s) older than {days} days, and the address of "
            f"{done['emails']} email(s); deleted {done['rate_limit_hits']} old rate-limit "
            "record(s)."
        )
