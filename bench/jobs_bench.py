"""`make bench-jobs`: what moving work out of the request costs, each against a baseline
measured in the same run, on a throwaway SQLite database (or DATABASE_URL).

1. Emails: `EMAILS` emails sent straight from this process through the file backend
   (the baseline: what requests used to do), then the same number queued in the outbox
   and delivered by a real worker (`manage.py worker --burst`, the database queue), from
   the worker's start until the last is marked sent. Reported: emails a second each way,
   and the ratio.
2. A status action on `ROWS` signatures of a synthetic letter: in one transaction, as the
   admin does for a small selection (the baseline), then as the job does it for a large
   one (chunks of 500, each committed with its checkpoint), run in this process. Reported:
   signatures a second each way, and the ratio (the price of being resumable).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import env_int, say

ROOT = Path(__file__).resolve().parent.parent
EMAILS = env_int("BENCH_JOBS_EMAILS", 500)
ROWS = env_int("BENCH_JOBS_ROWS", 20_000)


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True, stdout=sys.stderr)


def bench_emails(mail_dir: Path) -> tuple[float, float]:
    from django.core.mail import EmailMessage, get_connection

    from letters.jobs.outbox import queue_email
    from letters.models import EmailStatus, OutboundEmail

    connection = get_connection()
    started = time.perf_counter()
    for n in range(EMAILS):
        EmailMessage(f"Direct {n}", "Body", None, [f"direct{n}@bench.example"]).send()
    direct = EMAILS / (time.perf_counter() - started)
    connection.close()

    for n in range(EMAILS):
        queue_email("Bench", f"queued{n}@bench.example", f"Queued {n}", "Body")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "worker", "--burst", "--interval", "0", "-v0"],
        cwd=ROOT,
        check=True,
    )
    queued = EMAILS / (time.perf_counter() - started)
    sent = OutboundEmail.objects.filter(status=EmailStatus.SENT).count()
    assert sent == EMAILS, f"{sent} of {EMAILS} emails sent"
    return direct, queued


def bench_status_action() -> tuple[float, float]:
    from django.db import transaction

    from letters.curation.status_actions import apply_status
    from letters.curation.tasks import set_signature_status
    from letters.jobs.runner import run_here
    from letters.models import Job, JobStatus, Signature

    ids = sorted(
        Signature.objects.filter(letter__slug="synthetic-bench-jobs").values_list("pk", flat=True)
    )
    started = time.perf_counter()
    with transaction.atomic():
        changed = apply_status(ids, "disputed", None)
    inline = changed / (time.perf_counter() - started)

    started = time.perf_counter()
    job = run_here(
        set_signature_status,
        "Bench",
        params={"ids": ids, "status": "rejected", "extra": {}},
    )
    as_job = len(ids) / (time.perf_counter() - started)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert Job.objects.get(pk=job.pk).done == len(ids)
    return inline, as_job


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="olt-jobs-") as tmp:
        workdir = Path(tmp)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'jobs.sqlite3'}")
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "tracker.settings",
                "DEBUG": "false",
                "CACHE_DIR": str(workdir / "cache"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(workdir / "mail"),
            }
        )
        os.environ.pop("REDIS_URL", None)
        say(f"Preparing the database: migrate, a synthetic letter of {ROWS:,} signatures…")
        manage("migrate", "--noinput", "--verbosity=0")
        manage("make_synthetic_letter", f"--signatories={ROWS}", "--slug=synthetic-bench-jobs")

        import django

        django.setup()
        load = os.getloadavg()[0]
        say("Emails…")
        direct, queued = bench_emails(workdir / "mail")
        say("Status action…")
        inline, as_job = bench_status_action()

    print(f"\nJobs ({os.cpu_count()} CPUs, load average {load:.1f} before)")
    rows = [
        ("emails, sent in the request (file backend)", direct, "/s", ""),
        ("emails, queued and sent by a real worker", queued, "/s", f"{queued / direct:.2f}×"),
        ("status action, one transaction (inline)", inline, "rows/s", ""),
        ("status action, as a resumable job", as_job, "rows/s", f"{as_job / inline:.2f}×"),
    ]
    for label, rate, unit, ratio in rows:
        print(f"  {label:<45} {rate:8.0f} {unit:<7} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
