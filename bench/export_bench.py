"""`make bench-exports`: peak memory and time of the signatory downloads, at 1,000 and
100,000 rows, as CSV and as JSON.

Builds a throwaway SQLite database with two synthetic letters (`make_synthetic_letter`),
then, in this process, requests each download through Django's test client and consumes
the streamed answer chunk by chunk, as a server would send it. Time comes from one run,
peak memory (tracemalloc: Python allocations while the answer is produced and consumed)
from a second, since tracing slows everything down. Streaming keeps memory flat: the
ratio of the peaks at 100,000 and 1,000 rows should stay near 1, while the time grows
with the rows. Memory is bounded by the export's CHUNK_SIZE rows in flight, so a
letter smaller than one chunk needs less.

Creating the 100,000-signature letter takes most of the run. To compare two versions
of the export code, keep the database between runs:
`EXPORT_BENCH_DIR=/tmp/export-bench make bench-exports` builds it there the first time
and reuses it afterwards.
"""

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.run import say

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 100_000)
FORMATS = ("csv", "json")


def slug(rows: int) -> str:
    return f"synthetic-export-{rows}"


def prepare(workdir: Path) -> None:
    """Point Django at a database in `workdir`, building it unless an earlier run did."""
    database = workdir / "exports.sqlite3"
    ready = workdir / "ready"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "CACHE_DIR": str(workdir / "cache"),
            "PAGE_CACHE_SECONDS": "0",
            # DEBUG keeps a log of queries, which would be measured as the export's memory.
            "DEBUG": "false",
        }
    )
    if ready.exists():
        say(f"Reusing the database in {workdir}.")
        return
    database.unlink(missing_ok=True)
    say("Preparing the database: migrate, synthetic letters…")
    commands = [["migrate", "--noinput", "--verbosity=0"]] + [
        ["make_synthetic_letter", f"--signatories={rows}", f"--slug={slug(rows)}"] for rows in SIZES
    ]
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, check=True, stdout=sys.stderr
        )
    ready.touch()


def download(client, url: str) -> int:
    """Request `url` and consume its streamed answer; returns its size in bytes."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def measure(client, url: str) -> dict:
    started = time.perf_counter()
    size = download(client, url)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    download(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"bytes": size, "seconds": seconds, "peak": peak}


def main() -> int:
    kept = os.environ.get("EXPORT_BENCH_DIR")
    with tempfile.TemporaryDirectory(prefix="olt-export-bench-") as tmp:
        workdir = Path(kept) if kept else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        prepare(workdir)
        import django

        django.setup()
        from django.test import Client

        client = Client()
        download(client, f"/letters/{slug(SIZES[0])}/signatories.csv")  # warm up imports
        results = {}
        for export in FORMATS:
            for rows in SIZES:
                say(f"Measuring {export} at {rows:,} rows…")
                url = f"/letters/{slug(rows)}/signatories.{export}"
                results[export, rows] = measure(client, url)

    print(f"{'format':<6} {'rows':>8} {'size MB':>9} {'time s':>8} {'peak MiB':>9}")
    for (export, rows), result in results.items():
        print(
            f"{export:<6} {rows:>8,} {result['bytes'] / 1e6:>9.1f} "
            f"{result['seconds']:>8.2f} {result['peak'] / 2**20:>9.2f}"
        )
    small, large = SIZES
    for export in FORMATS:
        ratio = results[export, large]["peak"] / results[export, small]["peak"]
        print(f"{export}: peak memory at {large:,} rows / at {small:,} rows = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
