"""End to end through a real worker process (`manage.py worker`, django-tasks-db's
db_worker) on a file SQLite database: an email is delivered, and a link check whose
worker is killed with SIGKILL half-way is resumed by another worker without asking any
link twice, except at most the one in flight when the first died.

Everything the worker sees goes through its own processes and database file: the test
talks to the database with sqlite3 and to Django with `manage.py` subprocesses.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = 8


class SlowHandler(BaseHTTPRequestHandler):
    """Every link answers 200 after 0.4 s: slow enough to kill a check half-way."""

    seen: list[str] = []

    def do_HEAD(self):
        SlowHandler.seen.append(self.path)
        time.sleep(0.4)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def links():
    SlowHandler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def site(tmp_path):
    database = tmp_path / "jobs.sqlite3"
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",  # no autoreloader: one worker process to kill
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_DIR": str(tmp_path / "cache"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    return env, database, tmp_path / "mail"


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "-c", code)


def job_row(database: Path) -> tuple[str, int, int | None, str]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute("SELECT status, done, total, message FROM letters_job").fetchone()


def start_worker(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"Timed out waiting for {what}"
        time.sleep(0.1)


def test_a_real_worker_sends_email_and_a_killed_job_resumes_without_redoing(site, links, tmp_path):
    env, database, mail_dir = site
    shell(
        env,
        f"""
from letters.curation.tasks import check_source_links, link_check_params
from letters.jobs.outbox import queue_email
from letters.jobs.runner import start
from letters.models import Source
for n in range({SOURCES}):
    Source.objects.create(url="{links}/source-%d" % n)
queue_email("Test", "ada@example.org", "Sent by a real worker", "Hello.")
start(check_source_links, "Check", params=link_check_params(timeout=5, delay=0))
""",
    )

    worker = start_worker(env, tmp_path / "worker-1.log", "--no-schedule")
    try:
        wait_for(lambda: job_row(database)[1] >= 3, 60, "three links checked")
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # no goodbye: the job stays "running"
        worker.wait()

    status, done, total, _ = job_row(database)
    assert (status, total) == ("running", SOURCES)
    assert 3 <= done < SOURCES
    mail = "".join(path.read_text() for path in mail_dir.glob("*.log"))
    assert "Subject: Sent by a real worker" in mail

    # The sweep (queued here rather than waiting for the minute) finds the job without
    # a heartbeat for JOB_STALLED_MINUTES and queues it again; a new worker resumes it.
    with sqlite3.connect(database, timeout=30) as connection:
        connection.execute("UPDATE letters_job SET heartbeat_at = '2000-01-01 00:00:00'")
    shell(env, "from letters.jobs.tasks import sweep; sweep.enqueue()")
    second = start_worker(env, tmp_path / "worker-2.log", "--burst")
    assert second.wait(timeout=120) == 0, (tmp_path / "worker-2.log").read_text()

    assert job_row(database) == (
        "succeeded",
        SOURCES,
        SOURCES,
        f"Checked {SOURCES} source link(s); 0 dead.",
    )
    asked = Counter(SlowHandler.seen)
    assert set(asked) == {f"/source-{n}" for n in range(SOURCES)}
    # Only the link in flight when the worker was killed may have been asked twice.
    assert sum(asked.values()) <= SOURCES + 1
    with sqlite3.connect(database) as connection:
        unchecked = connection.execute(
            "SELECT COUNT(*) FROM letters_source WHERE link_status IS NULL"
        ).fetchone()[0]
    assert unchecked == 0
