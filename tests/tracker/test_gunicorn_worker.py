"""gunicorn's worker (tracker/gunicorn_worker.py) takes a new connection only while one of
its threads is free, so connections arriving together are shared out between the workers
rather than queued behind the busy threads of whichever worker woke first.

Against a real gunicorn started as `make serve` starts it (gunicorn.conf.py: the worker and
its threads), serving tests/tracker/pid_wsgi.py, which says which worker answered.
"""

import http.client
import os
import runpy
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from bench.servers import HOST, gunicorn

ROOT = Path(settings.BASE_DIR)
WORKERS = 2
THREADS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]


@pytest.fixture
def server(tmp_path: Path):
    with gunicorn(
        "tests.tracker.pid_wsgi:application",
        env=dict(os.environ),
        workers=WORKERS,
        ready_path="/",
        log=tmp_path / "gunicorn.log",
        cwd=ROOT,
    ) as base_url:
        yield int(base_url.rsplit(":", 1)[1])


def slow_request(port: int) -> int:
    """One request on its own new connection; the pid of the worker that answered."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", "/slow")
        response = connection.getresponse()
        assert response.status == 200
        return int(response.read())
    finally:
        connection.close()


def test_connections_arriving_together_are_shared_between_the_workers(server: int) -> None:
    # As many connections as the workers have threads in all, each held for a while: a
    # worker that took more than its threads would leave another worker's threads idle.
    # Twice, so a worker that has finished its requests takes connections again.
    connections = WORKERS * THREADS
    with ThreadPoolExecutor(max_workers=connections) as pool:
        for _ in range(2):
            pids = list(pool.map(slow_request, [server] * connections))
            assert sorted(Counter(pids).values()) == [THREADS] * WORKERS, pids
