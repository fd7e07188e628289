"""More than one machine, on this one: two gunicorn nodes on different ports, one
PostgreSQL database, one Redis (cache and job queue), one RQ worker.

- A curator's change made through node A (a status action, run as a job by the worker)
  is seen on node B's public page, whose cached copy lives in the shared Redis.
- 200 concurrent sign-ups, 100 people each submitting twice (once through each node,
  from two addresses, written differently), make exactly 100 pending requests, and the
  worker emails every one of them.
- The per-IP sign-up limit holds across nodes: one address, twenty sign-ups at once
  through both nodes, one accepted.

The nodes see only what a load balancer would give them: X-Forwarded-For carries each
simulated client's address (TRUSTED_PROXY_HEADER). Everything goes to 127.0.0.1.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import redis

from bench.servers import gunicorn, job_worker, tail
from bench.signup_load import Browser, duplicate, mailbox_key, original, with_defaults
from tests.helpers import NSPCC_SLUG

ROOT = Path(__file__).resolve().parents[2]
HOSTED = "demo-hosted-letter"
PEOPLE = 100
MIN_SECONDS = 1
# How long a change may take to show on the other node: the cache's coalescing window
# (a few seconds) and the worker's turn, with room to spare on a busy machine.
VISIBLE_WITHIN = 60

pytestmark = pytest.mark.multinode


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def cluster(postgres_url, redis_url, tmp_path_factory):
    """Node A, node B and a worker on one database and one Redis; yields their URLs."""
    workdir = tmp_path_factory.mktemp("multinode")
    common = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        # Every node signs sessions and CSRF tokens with the same key.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
        "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "SIGNUP_MIN_SECONDS": str(MIN_SECONDS),
        # Any status action on more than one signature goes through the worker.
        "BULK_ACTION_JOB_THRESHOLD": "1",
        "DJANGO_SUPERUSER_PASSWORD": "a-long-test-password",
    }
    manage(common, "migrate", "--noinput", "-v0")
    manage(common, "load_demo", "-v0")
    manage(common, "createsuperuser", "--noinput", "--username", "curator", "--email", "c@x.org")

    def node(name: str) -> contextlib.AbstractContextManager[str]:
        # A cache directory of each node's own: if REDIS_URL were ignored, node B would
        # keep serving its own stale copy and the test would fail.
        return gunicorn(
            "tracker.wsgi:application",
            env={**common, "CACHE_DIR": str(workdir / f"cache-{name}")},
            workers=2,
            ready_path="/health/",
            log=workdir / f"node-{name}.log",
            cwd=ROOT,
        )

    worker_log = workdir / "worker.log"
    with contextlib.ExitStack() as stack:
        worker = stack.enter_context(job_worker(env=common, log=worker_log, cwd=ROOT))
        a = stack.enter_context(node("a"))
        b = stack.enter_context(node("b"))
        assert a != b
        yield {
            "a": a,
            "b": b,
            "database": postgres_url,
            "redis": redis_url,
            "mail": workdir / "mail",
            "worker_log": worker_log,
        }
        assert worker.poll() is None, tail(worker_log)


def query(database: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


def page(url: str) -> str:
    result = Browser("192.0.2.1").request(url)
    assert result.status == 200, (result.status, result.body[:500])
    return result.body


def log_in(base: str) -> Browser:
    curator = Browser("192.0.2.10")
    _, fields = curator.form_fields(f"{base}/admin/login/")
    result = curator.request(
        f"{base}/admin/login/?next=/admin/",
        {**fields, "username": "curator", "password": "a-long-test-password"},
    )
    assert result.status == 302, result.body[:500]
    return curator


def sign_all_at_once(clients: list[tuple[Browser, str, dict[str, str]]]) -> list:
    """Each (browser, sign-up URL, form): load the form of the form's kind of signer (the
    sign page asks for the kind first), wait out the minimum fill time, then all submit
    at the same moment."""

    def load(client: tuple[Browser, str, dict[str, str]]) -> dict[str, str]:
        browser, url, form = client
        return browser.form_fields(f"{url}?kind={form['signer_kind']}")[1]

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        loaded = list(pool.map(load, clients))
        time.sleep(MIN_SECONDS + 1)  # the signed start time is in whole seconds
        ready = threading.Barrier(len(clients))

        def submit(index: int):
            browser, url, form = clients[index]
            ready.wait(timeout=60)
            return browser.request(url, {**form, **loaded[index]})

        return list(pool.map(submit, range(len(clients))))


def test_a_curators_change_through_node_a_shows_on_node_b(cluster):
    database, a, b = cluster["database"], cluster["a"], cluster["b"]
    chosen = [
        pk
        for (pk,) in query(
            database,
            "SELECT s.id FROM letters_signature s JOIN letters_letter l ON l.id = s.letter_id"
            " WHERE l.slug = %s AND s.status IN ('confirmed', 'reported')"
            " ORDER BY s.position LIMIT 2",
            NSPCC_SLUG,
        )
    ]
    letter_url = f"{b}/letters/{NSPCC_SLUG}/"

    def listed(html: str) -> list[int]:
        return [pk for pk in chosen if f'id="signature-{pk}"' in html]

    assert listed(page(letter_url)) == chosen
    page(letter_url)  # now from the cache
    cached = redis.Redis.from_url(cluster["redis"]).keys("tracker:*page*")
    assert cached, "node B's pages should be cached in the shared Redis"

    curator = log_in(a)
    # The same session works on node B: sessions live in the database.
    assert curator.request(f"{b}/admin/").status == 200
    _, fields = curator.form_fields(f"{a}/admin/letters/signature/")
    # Pairs, not a dict: the form repeats _selected_action once per signature.
    form = [*fields.items(), ("action", "mark_rejected"), ("index", "0")]
    form += [("_selected_action", pk) for pk in chosen]
    changed = curator.request(f"{a}/admin/letters/signature/", form)
    assert changed.status == 302, changed.body[:500]
    asked = time.monotonic()

    while listed(page(letter_url)):
        assert time.monotonic() - asked < VISIBLE_WITHIN, tail(cluster["worker_log"])
        time.sleep(0.5)
    seen_after = time.monotonic() - asked
    print(f"\nnode A's change seen on node B after {seen_after:.1f} s")
    assert query(database, "SELECT status, message FROM letters_job") == [
        ("succeeded", "2 signatures marked rejected.")
    ]


def test_concurrent_sign_ups_through_both_nodes_make_one_request_per_person(cluster):
    database, nodes = cluster["database"], [cluster["a"], cluster["b"]]
    # Person n signs through node n % 2, and again, written differently, through the
    # other node, from another address: 200 submissions at once.
    submissions = [
        (nodes[n % 2], with_defaults(original(n)), f"10.1.{n // 250}.{n % 250 + 1}")
        for n in range(PEOPLE)
    ] + [
        (nodes[(n + 1) % 2], with_defaults(duplicate(n)), f"10.2.{n // 250}.{n % 250 + 1}")
        for n in range(PEOPLE)
    ]
    total = len(submissions)
    answers = sign_all_at_once(
        [(Browser(ip), f"{node}/letters/{HOSTED}/sign/", form) for node, form, ip in submissions]
    )

    assert Counter(answer.status for answer in answers) == {302: total}
    requests = query(
        database,
        "SELECT r.email_key, r.confirmed_at FROM letters_signuprequest r"
        " JOIN letters_letter l ON l.id = r.letter_id WHERE l.slug = %s",
        HOSTED,
    )
    pending = [key for key, confirmed_at in requests if confirmed_at is None]
    assert len(pending) == PEOPLE
    assert len(set(pending)) == PEOPLE

    # The worker delivers their emails: every person gets a link, none fails.
    people = {mailbox_key(original(n)["email"]) for n in range(PEOPLE)}
    deadline = time.monotonic() + 120
    while True:
        emails = query(database, 'SELECT "to", status FROM letters_outboundemail')
        sent_to = {mailbox_key(to) for to, status in emails if status == "sent"}
        waiting = [to for to, status in emails if status in ("queued", "sending")]
        if people <= sent_to and not waiting:
            break
        assert time.monotonic() < deadline, tail(cluster["worker_log"])
        time.sleep(0.5)
    assert not [to for to, status in emails if status == "failed"]


def test_the_per_ip_limit_holds_across_nodes(cluster):
    nodes = [cluster["a"], cluster["b"]]
    attempts = 20
    answers = sign_all_at_once(
        [
            (
                Browser("203.0.113.77"),
                f"{nodes[n % 2]}/letters/{HOSTED}/sign/",
                with_defaults({**original(1000 + n), "email": f"burst{n}@limit.example"}),
            )
            for n in range(attempts)
        ]
    )

    assert Counter(answer.status for answer in answers) == {302: 1, 429: attempts - 1}
    assert query(
        cluster["database"],
        "SELECT COUNT(*) FROM letters_signuprequest WHERE email LIKE %s",
        "%@limit.example",
    ) == [(1,)]
