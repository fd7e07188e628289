"""The peak memory of a large import run as the admin runs it: as jobs, in a worker.

Part of `make bench-import` (bench/import_bench.py). A CSV of BENCH_IMPORT_JOB_ROWS
(150,000) new signatories, about 10 MB (name, kind, country, affiliation, date),
is kept on a new import as the admin's upload view keeps it, and its preview is queued
as a job; a real worker (`manage.py worker --burst --no-schedule`, a separate process)
runs it. Then the confirmation is queued and another worker runs it. Each worker's peak
resident memory is read from the kernel when it exits (getrusage's ru_maxrss, through
os.wait4): what a machine must have free for the worker, Python and Django included.
"""

import csv
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.import_bench import organisation_names, setup_django
from bench.run import env_int, say

JOB_ROWS = env_int("BENCH_IMPORT_JOB_ROWS", 150_000)
# The goal for a 150,000-row, 10 MB import.
GOAL_MIB = 300
ROLES = ["Member", "Founder", "Board", "Campaigns", "Research", "Policy", "Legal", "Press"]


def large_csv(count: int) -> bytes:
    """A list as a large campaign publishes it: name, kind, country, affiliation, date
    (150,000 rows make about 10 MB, the issue's case)."""
    rng = random.Random(3)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Type", "Country", "Affiliation", "Signed at"])
    for name in organisation_names(count, seed=3):
        writer.writerow(
            [
                name,
                "organisation",
                rng.choice(["France", "Germany", "Chile", "Kenya", "India", "Canada"]),
                rng.choice(ROLES),
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            ]
        )
    return buffer.getvalue().encode()


@dataclass
class WorkerRun:
    seconds: float
    peak_mib: float


def run_worker() -> WorkerRun:
    """One worker process that runs what is queued and exits; its peak memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--burst", "--no-schedule"],
        stdout=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parent.parent,
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"The worker failed ({process.returncode}).")
    # ru_maxrss is in kibibytes on Linux.
    return WorkerRun(time.perf_counter() - started, usage.ru_maxrss / 1024)


def measure(letter, source, user) -> None:
    """Prints the peak memory of the preview's and the confirmation's workers."""
    from django.conf import settings

    from letters.curation import import_rows, matching, tasks, writing
    from letters.models import ImportStatus, Job, JobStatus, SignatoryImport

    if "DatabaseBackend" not in settings.TASKS["default"]["BACKEND"]:
        raise SystemExit("The job bench needs the database queue (unset REDIS_URL).")
    data = large_csv(JOB_ROWS)
    say(f"Import of {JOB_ROWS:,} rows ({len(data) / 2**20:.1f} MiB) as jobs, in a worker…")
    signatory_import = writing.create_import(
        letter,
        source,
        data,
        options={"default_kind": "organisation"},
        file_name="large.csv",
        user=user,
    )
    del data
    tasks.start_preview(signatory_import, user, key="")
    preview = run_worker()
    signatory_import = SignatoryImport.objects.get(pk=signatory_import.pk)
    if signatory_import.status != ImportStatus.PREVIEW:
        raise SystemExit(f"The preview did not finish: {signatory_import.error}")
    # Names the worker found close to those held wait for a choice: new, as a curator
    # would choose for all of them at once (this parent process's memory is not measured).
    waiting = import_rows.undecided(signatory_import)
    for status in set(waiting.values_list("status", flat=True)):
        for chunk in import_rows.chunks(waiting.filter(status=status)):
            matching.choose_for_status([record.data for record in chunk], status, "new")
            import_rows.save(chunk)
    tasks.start_confirmation(signatory_import, user)
    confirmation = run_worker()
    failed = Job.objects.exclude(status=JobStatus.SUCCEEDED).first()
    if failed is not None:
        raise SystemExit(f"A job did not succeed: {failed} {failed.status} {failed.error}")
    outcomes = SignatoryImport.objects.get(pk=signatory_import.pk).report["outcomes"]
    print(
        f"Import of {JOB_ROWS:,} rows run as jobs by a worker (a separate process; "
        f"{outcomes.get('created', 0):,} created)"
    )
    for step, run in (("preview (read, check, match)", preview), ("confirmation", confirmation)):
        print(
            f"  {step:30s} {run.seconds:7.1f} s, peak {run.peak_mib:5.0f} MiB "
            f"({run.peak_mib / GOAL_MIB:.2f}× the goal of {GOAL_MIB} MiB)"
        )
    print(f"  CPUs: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}", flush=True)


def main() -> None:
    """On its own throwaway database (or DATABASE_URL), holding the demo data."""
    with tempfile.TemporaryDirectory(prefix="import-job-bench-") as workdir:
        say("Preparing the database for the import as jobs…")
        setup_django(Path(workdir))
        from django.contrib.auth.models import User

        from letters.models import Letter, Source

        user = User.objects.create_user("bench-job-importer")
        source = Source.objects.create(url="https://example.org/bench-job-list")
        letter = Letter.objects.create(slug="bench-job-import", title="[Synthetic data] Jobs")
        measure(letter, source, user)


if __name__ == "__main__":
    main()
