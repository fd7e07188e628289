"""manage.py make_synthetic_letter --signatories N: add one large, clearly synthetic
letter for benchmarks and scale tests (see demo/synthetic.py)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demo.synthetic import (
    SLUG_PREFIX,
    create_letter,
    delete_synthetic_letter,
    generate_signers,
    insert_signers,
)
from letters.lib.progress import Progress
from letters.models import Letter


class Command(BaseCommand):
    help = "Add one large published letter of generated, clearly marked synthetic signatories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--signatories", type=int, required=True)
        parser.add_argument(
            "--slug", help=f"Must start with '{SLUG_PREFIX}' (default: synthetic-<signatories>)."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete a synthetic letter with this slug, and its synthetic signers, first.",
        )

    def handle(
        self,
        *args: Any,
        signatories: int,
        slug: str | None,
        seed: int,
        replace: bool,
        **opts: Any,
    ) -> None:
        if signatories < 1:
            raise CommandError("--signatories must be at least 1.")
        slug = slug or f"{SLUG_PREFIX}{signatories}"
        if not slug.startswith(SLUG_PREFIX):
            raise CommandError(
                f"The slug must start with '{SLUG_PREFIX}' so it reads as synthetic."
            )
        verbose = opts["verbosity"] > 0
        started = time.perf_counter()
        signers = generate_signers(signatories, seed)
        with transaction.atomic():
            existing = Letter.objects.filter(slug=slug).first()
            if existing is not None:
                if not replace:
                    raise CommandError(f"Letter {slug!r} exists; pass --replace to recreate it.")
                delete_synthetic_letter(existing)
            letter = create_letter(slug, signatories)
            insert_signers(letter, signers, Progress(slug, len(signers), verbose))
        letter.refresh_from_db(fields=["listed_count"])
        if verbose:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Synthetic letter {letter.get_absolute_url()}: {letter.listed_count:,} listed "
                    f"signatories in {time.perf_counter() - started:.1f}s."
                )
            )
