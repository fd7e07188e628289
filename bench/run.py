"""`make bench`: load-test the tracker under gunicorn on 127.0.0.1 with wrk.

Builds a throwaway SQLite database (demo data plus synthetic letters of 100 and 100,000
signatories), then, with the page cache off and then on, measures each page with wrk
(median of several fixed-length runs after a warm-up) and counts its SQL queries. Prints
one table and the key ratios, and writes them to bench/results/latest.json.

Settings come from the environment; see bench/README.md.
"""

import datetime
import json
import os
import platform
import runpy
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import reads_while_writing, report
from bench.probe import LARGE_LETTER, SMALL_LETTER
from bench.servers import gunicorn, settle
from bench.wrk import WrkResult, median_result, run_wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"

# The environment variable that sets the page cache's lifetime, and its value in each mode.
PAGE_CACHE_VARIABLE = "PAGE_CACHE_SECONDS"
CACHE_MODES = {"off": "0", "on": "300"}

SYNTHETIC_LETTERS = {SMALL_LETTER: 100, LARGE_LETTER: 100_000}
DJANGO_APP = "tracker.wsgi:application"
RAW_APP = "bench.hello_wsgi:application"
RAW_NAME = "raw WSGI hello"
HELLO_PATH = "/bench/hello/"


def env_int(name: str, default: int) -> int:
    value = int(os.environ.get(name) or default)
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}")
    return value


def knobs(prefix: str, **defaults: int) -> list[int]:
    """Knobs in the order given, each read from the environment variable named by
    `prefix` and its name (BENCH_SECONDS=10), or else its default."""
    return [env_int(prefix + name, default) for name, default in defaults.items()]


SECONDS, REPETITIONS, WARMUP_SECONDS, WORKERS, THREADS, CONNECTIONS = knobs(
    "BENCH_", SECONDS=5, REPETITIONS=3, WARMUP_SECONDS=1, WORKERS=3, THREADS=2, CONNECTIONS=16
)

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
DATABASE = "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite"
# A throwaway Redis for the cache (and the job queue), as several machines would share;
# without it, the cache is files in the run's temporary directory.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
STORES = f"{DATABASE} + Redis" if REDIS_URL else DATABASE
# How gunicorn runs, as `make serve` runs it.
GUNICORN_THREADS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["threads"]

# One throwaway key per run, for the production settings.
SECRET_KEY = secrets.token_urlsafe(50)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def django_env(workdir: Path, cache_seconds: str) -> dict[str, str]:
    """Production settings, as `make serve` runs them, on a throwaway database and cache."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "HTTPS": "false",  # plain http on 127.0.0.1, as `make serve`
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        # A throwaway database: BENCH_DATABASE_URL (an empty PostgreSQL database, say),
        # or a new SQLite file.
        "DATABASE_URL": DATABASE_URL or f"sqlite:///{workdir / 'bench.sqlite3'}",
        "CACHE_DIR": str(workdir / "cache"),
        "REDIS_URL": REDIS_URL,
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        PAGE_CACHE_VARIABLE: cache_seconds,
    }


def manage(env: dict[str, str], *args: str) -> None:
    # Their messages go to stderr with the progress, so stdout carries only the results.
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )


def prepare_database(env: dict[str, str]) -> None:
    say("Preparing the database: migrate, demo data, synthetic letters, static files…")
    manage(env, "migrate", "--noinput", "--verbosity=0")
    manage(env, "load_demo")
    for slug, count in SYNTHETIC_LETTERS.items():
        manage(env, "make_synthetic_letter", f"--signatories={count}", f"--slug={slug}")
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    if REDIS_URL:
        # Start from an empty cache, as the new cache directory does without Redis.
        manage(env, "shell", "--command=from django.core.cache import cache; cache.clear()")


def probe(env: dict[str, str], workdir: Path) -> dict:
    """The pages to measure, with their query counts, from bench/probe.py."""
    output = workdir / "probe.json"
    subprocess.run(
        [sys.executable, "-m", "bench.probe", str(output)], cwd=ROOT, env=env, check=True
    )
    return json.loads(output.read_text())


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    headers: dict[str, str]
    queries: int | None


def load(target: Target, seconds: int, idle_urls: list[str]) -> WrkResult:
    """One wrk run, started once every server has finished the previous run's requests."""
    for url in idle_urls:
        settle(url)
    return run_wrk(
        target.url,
        seconds=seconds,
        threads=THREADS,
        connections=CONNECTIONS,
        headers=target.headers,
    )


def measure_all(targets: list[Target], idle_urls: list[str]) -> dict[str, list[WrkResult]]:
    """A warm-up of each target, then rounds over all of them: each target's runs.

    Round-robin rather than all repetitions of one target in a row: on a shared, noisy
    machine a burst of background load then spreads over every target instead of
    skewing one, which keeps the ratios between targets honest.
    """
    for target in targets:
        load(target, WARMUP_SECONDS, idle_urls)
    runs: dict[str, list[WrkResult]] = {target.name: [] for target in targets}
    for round_number in range(1, REPETITIONS + 1):
        say(f"  round {round_number}/{REPETITIONS}")
        for target in targets:
            result = load(target, SECONDS, idle_urls)
            say(f"    {target.name:<18}{result.requests_per_second:>9,.0f} req/s")
            runs[target.name].append(result)
    return runs


def mix_seconds(mix: dict) -> int:
    """How long each run of the reads-while-writing phase lasts: two coalescing windows at
    least. A run of one window holds one or two re-renders of the written letter's pages,
    depending on where the windows fall, which made its ratio swing from round to round
    (0.24 to 2.0 in one bench)."""
    return max(SECONDS, 2 * mix["coalesce_seconds"])


def measure_mode(mode: str, workdir: Path) -> tuple[list[dict], dict]:
    env = django_env(workdir, CACHE_MODES[mode])
    pages = probe(env, workdir)
    log = workdir / "gunicorn.log"
    say(f"Page cache {mode} ({PAGE_CACHE_VARIABLE}={CACHE_MODES[mode]}); server log: {log}")
    options = {"env": env, "workers": WORKERS, "log": log, "cwd": ROOT}
    with (
        gunicorn(RAW_APP, ready_path="/", **options) as raw,
        gunicorn(DJANGO_APP, ready_path=HELLO_PATH, **options) as project,
    ):
        targets = [Target(RAW_NAME, raw + "/", {}, None)] + [
            Target(page["name"], project + page["path"], page.get("headers", {}), page["queries"])
            for page in pages["targets"]
        ]
        idle_urls = [raw + "/", project + HELLO_PATH]
        runs = measure_all(targets, idle_urls)

        def load_mix(url: str, paths: Path) -> WrkResult:
            for idle_url in idle_urls:
                settle(idle_url)
            return run_wrk(
                url,
                seconds=mix_seconds(pages["mix"]),
                threads=THREADS,
                connections=CONNECTIONS,
                headers={},
                paths=paths,
            )

        mix_runs, write_rates = reads_while_writing.measure(
            project,
            pages["mix"],
            env,
            workdir,
            rounds=REPETITIONS,
            cached=CACHE_MODES[mode] != "0",
            load=load_mix,
            say=say,
        )
    rows = [row(mode, target.name, target.queries, runs[target.name]) for target in targets]
    rows += [row(mode, name, None, mix_runs[name]) for name, _, _ in reads_while_writing.RUNS]
    pages["writes_per_second"] = statistics.median(write_rates)
    return rows, pages


def row(mode: str, name: str, queries: int | None, runs: list[WrkResult]) -> dict:
    return {
        "mode": mode,
        "name": name,
        "queries": queries,
        **vars(median_result(runs)),
        "rounds": [run.requests_per_second for run in runs],
    }


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + (
        " (with local changes)" if git("status", "--porcelain") else ""
    )


def stop_on_sigterm(signum, frame) -> None:
    # Exiting through SystemExit runs the `finally` blocks that stop the servers.
    sys.exit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    if shutil.which("wrk") is None:
        say("make bench needs wrk: apt-get install wrk (Debian/Ubuntu).")
        return 1
    rows = []
    writes: dict[str, float] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="olt-bench-") as tmp:
        workdir = Path(tmp)
        prepare_database(django_env(workdir, CACHE_MODES["off"]))
        for mode in CACHE_MODES:
            mode_rows, pages = measure_mode(mode, workdir)
            rows += mode_rows
            writes[mode] = pages["writes_per_second"]
    search = pages["search"]  # the same data in every mode
    mix = pages["mix"]
    report.add_baseline_ratios(rows)
    ratios = report.key_ratios(rows)
    conditions = (
        f"{WORKERS} gunicorn workers × {GUNICORN_THREADS} threads, "
        f"wrk -t{THREADS} -c{CONNECTIONS}, "
        f"median of {REPETITIONS} × {SECONDS}s after {WARMUP_SECONDS}s warm-up, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), {STORES}; load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"\nOpen Letter Tracker benchmark, {conditions}")
    print(
        f"Search ?q={search['term']} matches {search['matches']:,} of "
        f"{search['rows']:,} signatures on the large letter."
    )
    print(
        f"Reads while writing: {len(mix['all'])} URLs ({len(mix['others'])} of letters not "
        f"written to), in runs of {mix_seconds(mix)}s, while {mix['written']} gets "
        + " and ".join(f"{rate:.1f} changes/s (cache {mode})" for mode, rate in writes.items())
        + ".\n"
    )
    print(report.format_table(rows))
    print()
    print(report.format_ratios(ratios))
    write_results(rows, ratios, conditions, search, {**mix, "writes_per_second": writes})
    return 0


def write_results(
    rows: list[dict], ratios: list[dict], conditions: str, search: dict, mix: dict
) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results = {
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "conditions": conditions,
        "search": search,
        "reads_while_writing": mix,
        "rows": rows,
        "ratios": ratios,
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
