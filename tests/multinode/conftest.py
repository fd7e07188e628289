"""The multi-node test needs PostgreSQL (DATABASE_URL=postgres://…, the server the suite
runs on) and Debian's `redis-server` (started here on a free port). Without them it is
skipped, loudly, except under `CI=true`, where a skip fails the run (.ci/run installs
and starts both, and runs it in its PostgreSQL pass)."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def missing_reason() -> str | None:
    missing = []
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        missing.append("PostgreSQL (run with DATABASE_URL=postgres://…)")
    if shutil.which("redis-server") is None:
        missing.append("redis-server (apt-get install redis-server)")
    if missing:
        return "the multi-node test skipped: it needs " + " and ".join(missing)
    return None


def _is_multinode_test(item: pytest.Item) -> bool:
    return HERE in item.path.resolve().parents


def pytest_report_header(config):
    reason = missing_reason()
    return f"multi-node test: {reason or 'PostgreSQL and redis-server found'}" + (
        " (CI=true: skips fail)" if IN_CI else ""
    )


def pytest_collection_modifyitems(config, items):
    if reason := missing_reason():
        for item in items:
            if _is_multinode_test(item):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if IN_CI and report.skipped and _is_multinode_test(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true and the multi-node test was skipped: {reason}"
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reason = missing_reason()
    if reason and not IN_CI:
        terminalreporter.section("MULTI-NODE TEST SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(reason, red=True, bold=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """A throwaway Redis on a free local port, nothing saved to disk."""
    import redis

    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=(workdir / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, (workdir / "redis.log").read_text()
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A database of its own on the suite's PostgreSQL server, dropped afterwards."""
    import psycopg

    server = os.environ["DATABASE_URL"]
    name = f"tracker_multinode_{os.getpid()}"
    base, _, _ = server.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
