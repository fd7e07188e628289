"""manage.py build_fixtures [--data DIR] [--output PATH]: rebuild the demo fixture from
the shared data (the work is demo/fixture_builder/)."""

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from demo.fixture_builder.builder import (
    MODEL_ORDER,
    FixtureBuilder,
    check_natural_keys,
    read_letters,
)
from demo.fixture_builder.tables import DEFAULT_OUTPUT


class Command(BaseCommand):
    help = "Build fixtures/encryption_debate.json from the shared letter data (deterministic)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data",
            type=Path,
            default=Path(settings.SHARED_DATA_DIR) / "letters",
            help="Folder of letter *.json files (default: SHARED_DATA_DIR/letters).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / DEFAULT_OUTPUT,
            help=f"Fixture to write (default: {DEFAULT_OUTPUT} in the project).",
        )

    def handle(self, *args: Any, data: Path, output: Path, **options: Any) -> None:
        letters = read_letters(data)
        objects = FixtureBuilder(letters).build()
        check_natural_keys(objects)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(objects, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        counts = Counter(obj["model"] for obj in objects)
        self.stdout.write(f"Wrote {len(objects)} objects from {len(letters)} letters to {output}")
        for model in MODEL_ORDER:
            self.stdout.write(f"  letters.{model}: {counts[f'letters.{model}']}")
