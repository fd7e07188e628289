"""One long write does not stall the site. SQLite lets one writer in at a time, and a long
write (an import, a bulk action) holds its lock for seconds: writers wait for it, but the
health check and the public pages, which never take the write lock, are answered at once,
because a waiting writer holds one of gunicorn's threads, not a whole worker
(gunicorn.conf.py).

Against gunicorn as `make serve` starts it, on a file database, with the lock held by
another process until the test lets go of it: a read that waited for the lock would never
come back before then.
"""

import http.cookiejar
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from bench.servers import gunicorn
from tests import factories
from tests.helpers import NSPCC_SLUG

ROOT = Path(settings.BASE_DIR)
WORKERS = 3
# As many writers as there are workers: with sync workers, every worker would be stuck.
# (With gunicorn's own gthread worker, six writers here made the test fail whenever four
# of them landed on one worker, which then queued reads behind them; the project's worker
# takes a new connection only while it has a free thread: tracker/gunicorn_worker.py.)
WRITERS = WORKERS
# Long enough for any answer on a busy machine; a read stuck behind the lock never comes.
ANSWER_SECONDS = 15

HOLD_LOCK = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")  # the write lock, as a long write holds it
print("locked", flush=True)
sys.stdin.read()  # until the test closes our stdin
connection.execute("ROLLBACK")
"""

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's single write lock: PostgreSQL writers lock rows, not the database",
)


def server_env(workdir: Path) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "DJANGO_ENV": "development",  # static files from the finders: no collectstatic
        "DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "CACHE_DIR": str(workdir / "cache"),
        "PAGE_CACHE_SECONDS": "300",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "SIGNUP_MIN_SECONDS": "0",
        # Each writer from its own address, so that no rate limit answers for the lock.
        "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def get(url: str) -> tuple[int, float]:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=ANSWER_SECONDS) as response:
        response.read()
        return response.status, time.monotonic() - started


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_up(url: str, n: int, ready: threading.Barrier, answers: list) -> None:
    """Load the form (before the lock is taken), then post it once the lock is held."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
    )
    address = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
    # The individual's form (the sign page's first step asks who signs).
    form_url = f"{url}?kind=individual"
    with opener.open(urllib.request.Request(form_url, headers=address), timeout=60) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    ready.wait(timeout=60)
    data = factories.sign_form(
        name=f"Waiting Writer {n}", email=f"writer{n}@example.org", csrfmiddlewaretoken=token[1]
    )
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(data).encode(), headers=address, method="POST"
    )
    try:
        with opener.open(request, timeout=60) as response:
            answers.append(response.status)
    except urllib.error.HTTPError as error:
        answers.append(error.code)


def test_health_and_public_pages_answer_while_writers_wait_for_a_held_write_lock(tmp_path):
    env = server_env(tmp_path)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    letter_page = f"/letters/{NSPCC_SLUG}/"
    reads = ["/health/", letter_page, f"{letter_page}?page=2", "/organisations/?q=rights"]

    with gunicorn(
        "tracker.wsgi:application",
        env=env,
        workers=WORKERS,
        ready_path="/health/",
        log=tmp_path / "gunicorn.log",
        cwd=ROOT,
    ) as base:
        assert get(base + letter_page)[0] == 200  # in the page cache from now on
        ready = threading.Barrier(WRITERS + 1)
        answers: list[int] = []
        writers = [
            threading.Thread(
                target=sign_up, args=(f"{base}/letters/demo-hosted-letter/sign/", n, ready, answers)
            )
            for n in range(WRITERS)
        ]
        for writer in writers:
            writer.start()
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "db.sqlite3")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            ready.wait(timeout=60)  # every writer now posts, and waits for the lock
            time.sleep(1)

            answered = {url: get(base + url) for url in reads}

            assert holder.poll() is None, "the lock was let go of too early"
            assert not answers, "a writer got through while the lock was held"
        finally:
            holder.stdin.close()  # let go of the lock
            holder.wait(timeout=30)
        for writer in writers:
            writer.join(timeout=60)

    assert {url: status for url, (status, _) in answered.items()} == dict.fromkeys(reads, 200)
    # Writers waited for the lock, then got through: nothing lost, no error.
    assert answers == [302] * WRITERS
    print({url: f"{seconds * 1000:.0f} ms" for url, (_, seconds) in answered.items()})
