"""Start gunicorn on 127.0.0.1, wait until it answers, and always stop it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from subprocess import STDOUT

HOST = "127.0.0.1"
STARTUP_SECONDS = 60
STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    app: str, *, env: dict[str, str], workers: int, ready_path: str, log: Path, cwd: Path
) -> Iterator[str]:
    """Serve `app` on a free local port, as `make serve` does (gunicorn.conf.py, read from
    `cwd`: threaded workers); yield its base URL.

    gunicorn runs in its own process group, so stopping it stops every worker too,
    whether the benchmark finished, failed or was interrupted.
    """
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
    ]
    process = start_in_own_session(command, env=env, log=log, cwd=cwd)
    base_url = f"http://{HOST}:{port}"
    try:
        wait_until_answering(process, base_url + ready_path, log)
        yield base_url
    finally:
        stop_process_group(process)


@contextlib.contextmanager
def job_worker(*, env: dict[str, str], log: Path, cwd: Path) -> Iterator[subprocess.Popen]:
    """A background-job worker (`manage.py worker`) beside the server: it sends the
    emails and runs the jobs. Stopped with its whole process group, as gunicorn is."""
    process = start_in_own_session(
        [sys.executable, "manage.py", "worker"], env=env, log=log, cwd=cwd
    )
    try:
        yield process
    finally:
        stop_process_group(process)


def start_in_own_session(
    command: list[str], *, env: dict[str, str], log: Path, cwd: Path
) -> subprocess.Popen:
    """Start `command` writing to `log`, in a process group of its own: stopping the
    group (stop_process_group) stops its children too, such as gunicorn's workers."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=STDOUT, start_new_session=True
        )


def wait_until_answering(process: subprocess.Popen, url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {STARTUP_SECONDS}s:\n{tail(log)}")


def settle(url: str) -> None:
    """Wait until the requests queued by a previous load run have been served.

    wrk stops sending when its time is up, but the workers still answer every
    connection already accepted. A request queued behind them returns once they are
    done, so the next measurement starts on an idle server.
    """
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=STARTUP_SECONDS) as response:
            response.read()


def stop_process_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
