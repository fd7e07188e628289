"""Load the demo fixtures: idempotent, and all or nothing.

Every fixture in fixtures/ uses natural keys (slugs and URLs), so loading again
updates the same rows instead of adding new ones, and the whole load runs in one
transaction: a broken fixture leaves the database exactly as it was.

`loaddata` saves raw, which django-simple-history does not record, so every tracked
object left without a history row gets one ("Loaded from fixtures"), in bulk; objects
that already have history are left alone, so loading again adds nothing.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from simple_history.utils import get_history_manager_for_model

from letters.models import Endorsement, Letter, Organisation, Person, Signature, Source

TRACKED_MODELS = [Source, Organisation, Person, Letter, Signature, Endorsement]
HISTORY_BATCH = 500


class Command(BaseCommand):
    help = "Load the demo fixtures (the end-to-end encryption debate) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "fixtures",
            nargs="*",
            type=Path,
            help="Fixture files to load (default: every *.json in fixtures/).",
        )

    def handle(self, *args: Any, fixtures: list[Path], **options: Any) -> None:
        paths = fixtures or sorted((settings.BASE_DIR / "fixtures").glob("*.json"))
        if not paths:
            raise CommandError("No fixture found in fixtures/.")
        try:
            with transaction.atomic():
                for path in paths:
                    call_command("loaddata", str(path), verbosity=0)
                recorded = record_initial_history()
        except Exception as error:  # any failure is reported plainly, nothing is kept
            raise CommandError(
                f"Could not load the demo data; nothing was changed. {type(error).__name__}: "
                f"{error}"
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {Letter.objects.count()} letters, "
                f"{Signature.objects.count()} signatures, "
                f"{Organisation.objects.count()} organisations, {Person.objects.count()} people; "
                f"{recorded} history record(s) added."
            )
        )


def record_initial_history() -> int:
    """One "Loaded from fixtures" history row for each tracked object that has none."""
    recorded = 0
    for model in TRACKED_MODELS:
        history = get_history_manager_for_model(model)
        without_history = model._default_manager.exclude(pk__in=history.values("id")).order_by("pk")
        # Always the first batch of what is left: the previous one has history now.
        while batch := list(without_history[:HISTORY_BATCH]):
            history.bulk_history_create(
                batch, batch_size=HISTORY_BATCH, default_change_reason="Loaded from fixtures"
            )
            recorded += len(batch)
    return recorded
