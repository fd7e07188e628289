"""`make bench-import`: the cost of importing a large signatory list.

On a throwaway SQLite database (or DATABASE_URL, which must then be a database you can
throw away) holding the demo data, generates a CSV of BENCH_IMPORT_ROWS (100,000) new
organisations and measures, in the same run:

1. plain `bulk_create` of the same organisation and signature rows (Django's own
   QuerySet.bulk_create, no matching, no history, no list places), rolled back after;
2. the import as the admin and the command run it: parse the CSV, match every row
   against the names and aliases held, keep the preview, then confirm (organisations,
   signatures, their source, history rows with user and reason, the letter's counts and
   list places), committed;
3. before that, the same import under tracemalloc for its peak memory, rolled back
   (tracemalloc slows Python down, so that run is not timed);
4. then, unless BENCH_IMPORT_SIMILAR=0, the preview (parse and match) of
   BENCH_IMPORT_SIMILAR_ROWS (1,000) more new names, made of the same syllables, against
   the organisations now held: the case where close matching has the most candidates to
   compare (every word of these names is common). Its time per row is printed, and the
   time of close matching alone (rapidfuzz on the names sharing a word) per row.

Prints both times, their ratio (goal: at most 3×), the peak memory, the lines of code
whose allocations are still held once the confirmation is written, and the preview's time.

5. then, unless BENCH_IMPORT_JOB=0, bench/import_job_bench.py on a database of its own:
   the peak memory of a 150,000-row, 10 MB import run as the admin runs it, as jobs in
   a separate worker process (goal: at most 300 MiB).
"""

import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench import messy_lists
from bench.run import env_int, say

ROWS = env_int("BENCH_IMPORT_ROWS", 100_000)
SIMILAR = os.environ.get("BENCH_IMPORT_SIMILAR", "1") != "0"
SIMILAR_ROWS = env_int("BENCH_IMPORT_SIMILAR_ROWS", 1_000)
JOBS = os.environ.get("BENCH_IMPORT_JOB", "1") != "0"
# How many lines of code still holding memory after the import to print.
TOP_HOLDERS = 8
# Syllables of made-up words, so that names differ from their first letters on.
SYLLABLES = [
    *messy_lists.SYLLABLES,
    "quin",
    "ros",
    "sten",
    "tal",
    "ul",
    "vin",
    "wex",
    "yar",
    "zol",
    "bri",
    "cam",
    "dor",
]
BODIES = ["Foundation", "Alliance", "Trust", "Network", "Institute", "Society", "Centre"]


def organisation_names(count: int, seed: int) -> list[str]:
    """Distinct, varied names (no shared numbered prefix), as a real list has."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    names: dict[str, None] = {}
    while len(names) < count:
        names[f"{word()} {word()} {rng.choice(BODIES)}"] = None
    return list(names)


def csv_bytes(names: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Type", "Country"])
    writer.writerows([name, "organisation", "France"] for name in names)
    return buffer.getvalue().encode()


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'import-bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # With DEBUG on, Django keeps the SQL of every query (each bulk insert is thousands
    # of rows long), which a real import never does: it would inflate the peak memory.
    os.environ["DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def plain_bulk_create(letter, names: list[str]) -> float:
    from django.db import models, transaction
    from django.utils.text import slugify

    from letters.curation.writing import BATCH_SIZE
    from letters.lib.text import normalise
    from letters.models import Organisation, Signature

    started = time.perf_counter()
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            (
                Organisation(
                    name=name, slug=slugify(name), country="FR", search_text=normalise(name)
                )
                for name in names
            ),
            batch_size=BATCH_SIZE,
        )
        models.QuerySet(Signature).bulk_create(
            (
                Signature(
                    letter=letter,
                    organisation=organisation,
                    published_name=organisation.name,
                    country="FR",
                    position=position,
                    search_text=organisation.search_text,
                )
                for position, organisation in enumerate(organisations, 1)
            ),
            batch_size=BATCH_SIZE,
        )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


OPTIONS = {"default_kind": "organisation"}


def run_import(letter, source, user, data: bytes, snapshot: bool = False):
    """The import's report, or with `snapshot` the lines of code whose allocations are
    still held once the confirmation is written (the preview's rows among them)."""
    from letters.curation import writing

    signatory_import = writing.create_import(
        letter, source, data, options=OPTIONS, file_name="list.csv", user=user
    )
    writing.preview_import(signatory_import.pk)
    report = writing.confirm_import(signatory_import.pk, user=user)
    if not snapshot:
        return report
    return tracemalloc.take_snapshot().statistics("lineno")[:TOP_HOLDERS]


def preview_similar(letter, source, user, count: int) -> tuple[float, float, dict]:
    """Time of previewing `count` new names like those held (read, check and match), the
    time of close matching alone, and the rows' statuses."""
    from letters.curation import matching, writing
    from letters.models import SignerKind

    data = csv_bytes(organisation_names(count, seed=2))
    started = time.perf_counter()
    rows, _ = writing.read_and_check(data, OPTIONS, "similar.csv")
    known = {kind: matching.KnownSigners.load(kind, letter) for kind in SignerKind.values}
    loaded = time.perf_counter()
    matching.classify(rows, known)
    finished = time.perf_counter()
    organisations = known[SignerKind.ORGANISATION]
    close_started = time.perf_counter()
    for row in rows:
        organisations.close_to(row["name"], exclude=set())
    close_matching = time.perf_counter() - close_started
    say(f"(loading what we hold took {loaded - started:.2f} s of the preview)")
    return finished - started, close_matching, matching.counts(rows)


def main() -> None:
    environment = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as workdir:
        say(f"Preparing the database and {ROWS:,} names…")
        setup_django(Path(workdir))
        from django.contrib.auth.models import User
        from django.db import connection, transaction

        from letters.models import Letter, Organisation, Signature, Source

        user = User.objects.create_user("bench-importer")
        source = Source.objects.create(url="https://example.org/bench-list")
        letter = Letter.objects.create(slug="bench-import", title="[Synthetic data] Import")
        names = organisation_names(ROWS, seed=1)
        data = csv_bytes(names)
        held = Organisation.objects.count()

        say("Plain bulk_create…")
        baseline = plain_bulk_create(letter, names)

        # The same rows on the same data as the timed import, then rolled back:
        # tracemalloc slows Python several times over, so this run is not timed.
        say("Peak memory of the import (tracemalloc, not timed)…")
        tracemalloc.start()
        with transaction.atomic():
            holders = run_import(letter, source, user, data, snapshot=True)
            transaction.set_rollback(True)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        say("Import (parse, match, preview, confirm with history)…")
        started = time.perf_counter()
        report = run_import(letter, source, user, data)
        imported = time.perf_counter() - started
        created = report["outcomes"].get("created", 0)
        if created != ROWS or Signature.objects.filter(letter=letter).count() != ROWS:
            raise SystemExit(f"The import created {created:,} of {ROWS:,} rows: {report}")

        print(
            f"Import of {ROWS:,} new organisations as signatories ({connection.vendor}, "
            f"{held:,} organisations held before)"
        )
        print(f"  plain bulk_create (organisations + signatures): {baseline:7.2f} s")
        print(f"  import (parse + match + write + history):       {imported:7.2f} s")
        print(f"  ratio: {imported / baseline:.2f}× (goal: at most 3×)", flush=True)

        print(f"  peak memory of the import (tracemalloc): {peak / 2**20:,.0f} MiB")
        print("  held after the confirmation (snapshot of what was still allocated):")
        for stat in holders:
            frame = stat.traceback[0]
            print(f"    {stat.size / 2**20:7.1f} MiB  {frame.filename}:{frame.lineno}")
        if SIMILAR:
            say(f"Preview of {SIMILAR_ROWS:,} more names like those held…")
            seconds, close, found = preview_similar(letter, source, user, SIMILAR_ROWS)
            found = ", ".join(f"{status} {count:,}" for status, count in sorted(found.items()))
            held_now = Organisation.objects.count()
            print(
                f"  preview of {SIMILAR_ROWS:,} similar new names against {held_now:,} held "
                f"(read, check, load what we hold, match): {seconds:7.2f} s, "
                f"{seconds / SIMILAR_ROWS * 1000:.1f} ms a row ({found})"
            )
            print(
                f"  close matching alone (rapidfuzz) at {held_now:,} held names: "
                f"{close / SIMILAR_ROWS * 1000:.2f} ms a row (goal: at most 10 ms)"
            )
        print(f"  CPUs: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}", flush=True)
    if JOBS:
        # A database of its own: 150,000 more names held would change the figures above.
        subprocess.run(
            [sys.executable, "-m", "bench.import_job_bench"], env=environment, check=True
        )


if __name__ == "__main__":
    sys.exit(main())
