"""`make bench`'s "reads while writing" phase: the public URL mix with and without a writer.

wrk goes round about 250 distinct public URLs (bench/probe.py `url_mix`), once with no
writes and once while bench/writer.py makes WRITES_PER_SECOND public changes a second to
one letter; and the same for the URLs of the other letters alone. With the page cache on,
a change to one letter must leave the other letters' cached pages alone, and a burst of
changes must cost its own letter's pages at most one render each per coalescing window.
"""

import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.wrk import WrkResult

WRITES_PER_SECOND = 10

# The measurements of the phase, in table order: (name, which URLs, with the writer).
RUNS = [
    ("mix", "all", False),
    ("mix + writes", "all", True),
    ("others", "others", False),
    ("others + writes", "others", True),
]


class Writer:
    """bench/writer.py in its own process, with the server's environment."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def start(self) -> None:
        self._send("start")

    def stop(self) -> int:
        """Stop writing; the number of changes made since start()."""
        self._send("stop")
        assert self.process.stdout is not None
        return int(self.process.stdout.readline())

    def _send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()


@contextmanager
def writer(letter: str, env: dict[str, str], cwd: Path) -> Iterator[Writer]:
    command = [sys.executable, "-m", "bench.writer", letter, str(WRITES_PER_SECOND)]
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        yield Writer(process)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.wait(timeout=30)


def warm(base_url: str, paths: list[str]) -> None:
    """Request every URL once, so the page cache (when on) holds the whole mix."""
    for path in paths:
        with urllib.request.urlopen(base_url + path, timeout=120) as response:
            response.read()


def settle_after_writes(base_url: str, mix: dict) -> None:
    """The writer's last changes are published at the end of their coalescing window:
    wait it out and render what they touched, so that the next run without writes
    measures the quiet, warm cache it is meant to, not the tail of the writes."""
    time.sleep(mix["coalesce_seconds"])
    warm(base_url, mix["all"])


def measure(
    base_url: str,
    mix: dict,
    env: dict[str, str],
    workdir: Path,
    *,
    rounds: int,
    cached: bool,
    load: Callable[[str, Path], WrkResult],
    say: Callable[[str], None],
) -> tuple[dict[str, list[WrkResult]], list[float]]:
    """Each run of RUNS once per round; and the writer's rate in each run it wrote."""
    files = {}
    for subset in ("all", "others"):
        files[subset] = workdir / f"mix-{subset}.txt"
        files[subset].write_text("\n".join(mix[subset]) + "\n")
    warm(base_url, mix["all"])
    runs: dict[str, list[WrkResult]] = {name: [] for name, _, _ in RUNS}
    write_rates: list[float] = []
    with writer(mix["written"], env, Path(__file__).resolve().parent.parent) as curator:
        for round_number in range(1, rounds + 1):
            say(f"  reads while writing, round {round_number}/{rounds}")
            for name, subset, writing in RUNS:
                started = time.monotonic()
                if writing:
                    curator.start()
                result = load(base_url + "/", files[subset])
                if writing:
                    write_rates.append(curator.stop() / (time.monotonic() - started))
                    if cached:
                        settle_after_writes(base_url, mix)
                say(f"    {name:<18}{result.requests_per_second:>9,.0f} req/s")
                runs[name].append(result)
    return runs, write_rates
