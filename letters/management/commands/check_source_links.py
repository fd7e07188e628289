"""Check that every source still answers, and list the dead ones for curators.

The same job the worker runs weekly (letters/curation/tasks.py), run here in the
foreground; it shows in the admin's Jobs like the others.
"""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from letters.curation.link_checks import DEAD
from letters.curation.tasks import check_source_links, link_check_params
from letters.jobs.runner import run_here
from letters.models import JobStatus, Source


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
        params = link_check_params(only_dead=only_dead, limit=limit, timeout=timeout, delay=delay)
        job = run_here(check_source_links, "Check source links (command line)", params=params)
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"The link check failed:\n{job.error}")
        self.stdout.write(job.message)
        since = datetime.fromisoformat(str(params["since"]))
        for source in Source.objects.filter(DEAD, link_checked_at__gte=since).order_by("pk"):
            reason = source.link_error or "HTTP error"
            self.stdout.write(f"DEAD {source.link_status or '—'} {source.url} ({reason})")
