"""`make bench-signups`: public sign-ups under load, against gunicorn on SQLite.

Starts gunicorn (as `make serve`: threaded workers, production settings) on 127.0.0.1 on
a throwaway SQLite database with the demo data, behind a trusted X-Forwarded-For header so
that each simulated client has its own address, and with emails written to files by a job
worker (`manage.py worker`) running beside it, as `make serve` runs one. Then:

1. 200 concurrent sign-ups of the demonstration letter: 100 distinct organisations and
   people, and 100 duplicates of them (case, accents, spaces, Unicode forms, email
   aliases), each from its own address. Every client loads the form first (CSRF cookie,
   token, signed start time) and waits out the minimum fill time. Each emailed link is
   then opened and its button pressed. Checks: exactly 100 pending signatures, none
   lost, none doubled, no 5xx, no "database is locked".
2. A sustained rate (30 sign-ups a second for 60 seconds by default: the peak of the
   largest UK Parliament petition), distinct requesters and addresses, sent on an
   open-loop schedule. Reports rows written, errors, 5xx and p50/p99 latency.
3. 50 parallel sign-ups from one address: exactly one accepted, the rest 429.

Only the standard library; all traffic goes to 127.0.0.1. Settings come from the
environment (see bench/README.md). Exits non-zero if a check fails.
"""

import email
import email.policy
import http.cookiejar
import os
import random
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.run import knobs, say
from bench.servers import gunicorn, job_worker

ROOT = Path(__file__).resolve().parent.parent
LETTER = "demo-hosted-letter"
DJANGO_APP = "tracker.wsgi:application"
TIMEOUT = 60


WORKERS, DISTINCT, RATE, SECONDS, BURST, MIN_SECONDS, THREADS = knobs(
    "BENCH_SIGNUP_",
    WORKERS=4,
    DISTINCT=100,
    RATE=30,
    SECONDS=60,
    BURST=50,
    MIN_SECONDS=3,
    THREADS=400,
)

SECRET_KEY = secrets.token_urlsafe(50)


def django_env(workdir: Path) -> dict[str, str]:
    """Production settings on a throwaway database, cache and mailbox."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'signups.sqlite3'}",
        "CACHE_DIR": str(workdir / "cache"),
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_COUNT": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "SIGNUP_MIN_SECONDS": str(MIN_SECONDS),
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=sys.stderr
    )


# ---------------------------------------------------------------------------
# Requesters: who signs, and their duplicates
# ---------------------------------------------------------------------------


def address(phase: int, n: int) -> str:
    """Client n of a phase: its own address, sent as the proxy would in X-Forwarded-For."""
    return f"10.{phase}.{n // 250}.{n % 250 + 1}"


@dataclass(frozen=True)
class Requester:
    identity: int  # the same for a requester and its duplicates
    form: dict[str, str]
    ip: str


def original(n: int) -> dict[str, str]:
    if n % 2:
        return {
            "signer_kind": "individual",
            "name": f"Zoë Brontë Núñez {n:03}",
            "affiliation": "Load test",
            "country": "GB",
            "email": f"signer{n:03}@s{n:03}.load.example",
        }
    return {
        "signer_kind": "organisation",
        "name": f"Asociación Café Número {n:03}",
        "role": "Director",
        "country": "ES",
        "website": f"https://org{n:03}.load.example/",
        "contact_name": "Ana Pérez",
        "email": f"org{n:03}@org{n:03}.load.example",
    }


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def duplicate(n: int) -> dict[str, str]:
    """The same requester again, written differently."""
    form = original(n)
    name, mailbox = form["name"], form["email"]
    local, domain = mailbox.split("@")
    form["name"] = [
        name.upper(),
        "  " + name.replace(" ", "   ") + " ",
        unicodedata.normalize("NFD", name),
        strip_accents(name).lower(),
    ][n % 4]
    form["email"] = [
        f"{local.capitalize()}+again@{domain.title()}",
        mailbox.upper(),
        f"{local}+letters@{domain}",
    ][n % 3]
    return form


def with_defaults(form: dict[str, str]) -> dict[str, str]:
    return {"consent": "on", "homepage": "", **form}


def mailbox_key(address: str) -> str:
    """The mailbox an address reaches, as the application folds it (case, +tags)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


# ---------------------------------------------------------------------------
# HTTP: one browser-like client per requester
# ---------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Result:
    status: int | str  # an HTTP status, or the name of a connection error
    seconds: float
    body: str = ""
    location: str = ""


class Browser:
    def __init__(self, ip: str):
        self.ip = ip
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
        )

    def request(self, url: str, data: dict | None = None) -> Result:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": self.ip})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return Result(response.status, time.perf_counter() - started, _read(response))
        except urllib.error.HTTPError as error:  # a redirect (not followed) or an error
            seconds = time.perf_counter() - started
            return Result(error.code, seconds, _read(error), error.headers.get("Location", ""))
        except (OSError, urllib.error.URLError) as error:
            return Result(type(error).__name__, time.perf_counter() - started, str(error))

    def form_fields(self, url: str) -> tuple[Result, dict[str, str]]:
        """Load a page with a form: its CSRF token and, if it has one, its start time."""
        result = self.request(url)
        fields = {}
        for name in ("csrfmiddlewaretoken", "started"):
            if match := re.search(rf'name="{name}" value="([^"]+)"', result.body):
                fields[name] = match.group(1)
        return result, fields


def _read(response) -> str:
    return response.read().decode("utf-8", errors="replace")


def is_5xx(status: int | str) -> bool:
    return isinstance(status, int) and status >= 500


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


@dataclass
class Checks:
    failures: list[str] = field(default_factory=list)

    def expect(self, label: str, actual, expected) -> None:
        ok = actual == expected
        print(
            f"  [{'ok' if ok else 'FAIL'}] {label}: {actual}"
            + ("" if ok else f" (expected {expected})")
        )
        if not ok:
            self.failures.append(label)


def query(database: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as connection:
        return connection.execute(sql, params).fetchall()


def read_emails(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the file backend wrote (one file per connection, messages separated by
    a line of 79 dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text(encoding="utf-8").split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(email.message_from_string(chunk, policy=email.policy.default))
    return messages


def wait_for_outbox(database: Path, seconds: float = 120) -> None:
    """Until the worker has delivered every email the sign-ups queued."""
    deadline = time.monotonic() + seconds
    sql = "SELECT COUNT(*) FROM letters_outboundemail WHERE status IN ('queued', 'sending')"
    while query(database, sql)[0][0]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"The worker left emails unsent after {seconds:.0f} s")
        time.sleep(0.2)


def server_problems(log: Path) -> tuple[int, int]:
    """Lines in the server log: 'database is locked', and logged server errors."""
    text = log.read_text(errors="replace")
    return text.count("database is locked"), text.count("Internal Server Error")


# ---------------------------------------------------------------------------
# Phase 1: 200 concurrent sign-ups, half of them duplicates, then every confirmation
# ---------------------------------------------------------------------------


def wait_out_minimum(loaded_at: float) -> None:
    # The start time is signed in whole seconds: one more second is always enough.
    time.sleep(max(0.0, loaded_at + MIN_SECONDS + 1 - time.monotonic()))


def phase_one(base: str, database: Path, mail_dir: Path, log: Path, checks: Checks) -> None:
    sign_url = f"{base}/letters/{LETTER}/sign/"
    requesters = [Requester(n, with_defaults(original(n)), address(1, n)) for n in range(DISTINCT)]
    requesters += [
        Requester(n, with_defaults(duplicate(n)), address(1, DISTINCT + n)) for n in range(DISTINCT)
    ]
    random.Random(5).shuffle(requesters)
    total = len(requesters)
    say(f"Phase 1: {total} concurrent sign-ups ({DISTINCT} distinct, {DISTINCT} duplicates)…")

    browsers = [Browser(r.ip) for r in requesters]
    with ThreadPoolExecutor(max_workers=total) as pool:
        loaded = list(
            pool.map(
                lambda pair: pair[0].form_fields(f"{sign_url}?kind={pair[1].form['signer_kind']}"),
                zip(browsers, requesters, strict=True),
            )
        )
        wait_out_minimum(time.monotonic())
        ready = threading.Barrier(total)

        def submit(index: int) -> Result:
            ready.wait(timeout=TIMEOUT)
            return browsers[index].request(sign_url, {**requesters[index].form, **loaded[index][1]})

        posted = list(pool.map(submit, range(total)))

    form_errors = Counter(result.status for result, _ in loaded if result.status != 200)
    statuses = Counter(result.status for result in posted)
    latencies = [result.seconds for result in posted]
    print(f"\nPhase 1: {total} concurrent sign-ups to /letters/{LETTER}/sign/")
    print(f"  form loads not 200: {dict(form_errors) or 0}; sign-up answers: {dict(statuses)}")
    print(f"  latency p50 {ms(percentile(latencies, 0.5))}, p99 {ms(percentile(latencies, 0.99))}")
    checks.expect("phase 1: every sign-up answered 302", statuses[302], total)
    answers = {(result.status, result.location) for result in posted}
    checks.expect("phase 1: different answers (new or duplicate alike)", len(answers), 1)

    wait_for_outbox(database)
    messages = [m for m in read_emails(mail_dir) if "Confirm your signature" in m["Subject"]]
    say(f"Phase 1: confirming through the {len(messages)} emailed links…")
    confirmations = confirm_all(messages)
    outcome = Counter(status for status, _ in confirmations)
    print(f"  emails: {len(messages)}; confirmation pages (GET, then POST): {dict(outcome)}")
    print("  (a repeated sign-up gets a fresh link, and the earlier one keeps working)")
    confirmed_keys = Counter(key for status, key in confirmations if status == "confirmed")
    checks.expect("phase 1: one email per sign-up", len(messages), total)
    checks.expect("phase 1: distinct requesters confirmed", len(confirmed_keys), DISTINCT)
    checks.expect(
        "phase 1: links that did not work",
        sum(status not in {"confirmed", "already confirmed"} for status, _ in confirmations),
        0,
    )

    rows = query(
        database,
        "SELECT r.email_key, r.confirmed_at IS NOT NULL, s.status, "
        "COALESCE(s.organisation_id, -s.person_id) FROM letters_signuprequest r "
        "JOIN letters_letter l ON l.id = r.letter_id "
        "LEFT JOIN letters_signature s ON s.id = r.signature_id "
        "WHERE l.slug = ? AND r.action = 'sign' AND r.email_key LIKE '%.load.example'",
        LETTER,
    )
    expected_keys = {mailbox_key(original(n)["email"]) for n in range(DISTINCT)}
    requests_per_key = Counter(key for key, *_ in rows)
    signed = {key: signer for key, confirmed, status, signer in rows if status == "pending"}
    lost = sorted(expected_keys - signed.keys())
    pending = query(
        database,
        "SELECT COUNT(*), COUNT(DISTINCT COALESCE(s.organisation_id, -s.person_id)) "
        "FROM letters_signature s JOIN letters_letter l ON l.id = s.letter_id "
        "WHERE l.slug = ? AND s.status = 'pending'",
        LETTER,
    )[0]
    print(
        f"  rows: {len(rows)} sign-up requests, {pending[0]} pending signatures by "
        f"{pending[1]} distinct signers"
    )
    checks.expect("phase 1: pending signatures", pending[0], DISTINCT)
    checks.expect("phase 1: lost (distinct requesters without a signature)", len(lost), 0)
    checks.expect(
        "phase 1: duplicate requests (same mailbox and name twice)",
        sum(count - 1 for count in requests_per_key.values()),
        0,
    )
    checks.expect("phase 1: duplicate signatures (same signer twice)", pending[0] - pending[1], 0)
    checks.expect("phase 1: 5xx answers", sum(is_5xx(r.status) for r in posted), 0)
    locked, errors = server_problems(log)
    checks.expect('phase 1: "database is locked" in the server log', locked, 0)
    checks.expect("phase 1: server errors in the server log", errors, 0)


def confirm_all(messages: list[email.message.EmailMessage]) -> list[tuple[str | int, str]]:
    """Open each link, then press its button: ('confirmed', 'already confirmed' when another
    link of the same request was pressed first, or the failing status; mailbox)."""

    def confirm(message: email.message.EmailMessage) -> tuple[str | int, str]:
        key = mailbox_key(str(message["To"]))
        body = message.get_content()
        url = re.search(r"http://127\.0\.0\.1:\d+/signups/confirm/[^/\s]+/", body).group(0)
        browser = Browser("10.9.0.1")
        page, fields = browser.form_fields(url)
        if page.status != 200:
            return page.status, key
        if "csrfmiddlewaretoken" not in fields and "is confirmed" in page.body:
            return "already confirmed", key
        result = browser.request(url, fields)
        if result.status == 200 and "confirmed" in result.body:
            return "confirmed", key
        return result.status, key

    shuffled = list(messages)
    random.Random(7).shuffle(shuffled)
    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(confirm, shuffled))


# ---------------------------------------------------------------------------
# Phase 2: a sustained rate, open loop
# ---------------------------------------------------------------------------


def phase_two(base: str, database: Path, log: Path, checks: Checks) -> None:
    sign_url = f"{base}/letters/{LETTER}/sign/"
    total = RATE * SECONDS
    lead = MIN_SECONDS + 1.5  # each client loads the form this long before it posts
    say(f"Phase 2: {RATE} sign-ups a second for {SECONDS} s ({total} in all)…")
    results: list[Result | None] = [None] * total
    late: list[float] = [0.0] * total

    def client(n: int, send_at: float) -> None:
        browser = Browser(address(2, n))
        form = with_defaults(
            {
                "signer_kind": "individual",
                "name": f"Sustained Signer {n:05}",
                "email": f"sustained{n:05}@r{n:05}.rate.example",
            }
        )
        loaded, fields = browser.form_fields(f"{sign_url}?kind=individual")
        if loaded.status != 200:
            results[n] = Result(f"form {loaded.status}", loaded.seconds)
            return
        time.sleep(max(0.0, send_at - time.monotonic()))
        late[n] = time.monotonic() - send_at
        result = browser.request(sign_url, {**form, **fields})
        # Open loop: latency counts from when the request was due, not when it left.
        result.seconds += late[n]
        results[n] = result

    start = time.monotonic() + lead + 0.5
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        for n in range(total):
            send_at = start + n / RATE
            time.sleep(max(0.0, send_at - lead - time.monotonic()))
            pool.submit(client, n, send_at)
    elapsed = time.monotonic() - start

    done = [r for r in results if r is not None]
    statuses = Counter(r.status for r in done)
    latencies = [r.seconds for r in done if r.status == 302]
    (rows,) = query(
        database,
        "SELECT COUNT(*) FROM letters_signuprequest WHERE email_key LIKE '%.rate.example'",
    )[0]
    errors = sum(count for status, count in statuses.items() if status != 302)
    server_5xx = sum(count for status, count in statuses.items() if is_5xx(status))
    print(f"\nPhase 2: {RATE} sign-ups a second for {SECONDS} s, open loop, distinct addresses")
    print(f"  sent {total}, all answered {elapsed:.1f} s after the first was due")
    print(f"  answers: {dict(statuses)}; rows written: {rows}; errors: {errors}; 5xx: {server_5xx}")
    print(
        "  latency of accepted sign-ups, counted from when each was due: "
        f"p50 {ms(percentile(latencies, 0.5))}, p99 {ms(percentile(latencies, 0.99))}, "
        f"max {ms(max(latencies, default=0))}"
    )
    print(f"  sent more than 100 ms late (client threads busy): {sum(1 for s in late if s > 0.1)}")
    step = max(1, SECONDS // 6)
    by_step = [
        [r.seconds for r in results[i * RATE : (i + step) * RATE] if r and r.status == 302]
        for i in range(0, SECONDS, step)
    ]
    print(
        f"  p50 by {step} s of the schedule: "
        + ", ".join(ms(percentile(values, 0.5)) for values in by_step)
    )
    checks.expect("phase 2: rows written", rows, total)
    checks.expect("phase 2: errors", errors, 0)
    locked, server_errors = server_problems(log)
    checks.expect('phase 2: "database is locked" in the server log', locked, 0)
    checks.expect("phase 2: server errors in the server log", server_errors, 0)


# ---------------------------------------------------------------------------
# Phase 3: a burst from one address
# ---------------------------------------------------------------------------


def phase_three(base: str, checks: Checks) -> None:
    sign_url = f"{base}/letters/{LETTER}/sign/"
    say(f"Phase 3: {BURST} parallel sign-ups from one address…")
    browsers = [Browser(address(3, 0)) for _ in range(BURST)]
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        loaded = list(pool.map(lambda b: b.form_fields(f"{sign_url}?kind=individual")[1], browsers))
        wait_out_minimum(time.monotonic())
        ready = threading.Barrier(BURST)

        def submit(n: int) -> Result:
            form = with_defaults(
                {"signer_kind": "individual", "name": f"Burst {n}", "email": f"b{n}@burst.example"}
            )
            ready.wait(timeout=TIMEOUT)
            return browsers[n].request(sign_url, {**form, **loaded[n]})

        statuses = Counter(result.status for result in pool.map(submit, range(BURST)))
    print(f"\nPhase 3: {BURST} parallel sign-ups from one address: {dict(statuses)}")
    checks.expect("phase 3: accepted", statuses[302], 1)
    checks.expect("phase 3: answered 429", statuses[429], BURST - 1)


def stop_on_sigterm(signum, frame) -> None:
    # Exiting through SystemExit runs the `finally` blocks that stop the server.
    sys.exit(128 + signum)


def main() -> int:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="olt-signups-") as tmp:
        workdir = Path(tmp)
        env = django_env(workdir)
        say("Preparing the database: migrate, demo data, static files…")
        manage(env, "migrate", "--noinput", "--verbosity=0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity=0")
        log = workdir / "gunicorn.log"
        database = workdir / "signups.sqlite3"
        print(
            f"Sign-ups under load: {WORKERS} gunicorn workers on 127.0.0.1, SQLite (WAL, "
            f"IMMEDIATE transactions), {os.cpu_count()} CPUs shared with the clients, minimum "
            f"fill time {MIN_SECONDS} s; load average {os.getloadavg()[0]:.1f} before"
        )
        with (
            job_worker(env=env, log=workdir / "worker.log", cwd=ROOT),
            gunicorn(
                DJANGO_APP, env=env, workers=WORKERS, ready_path="/health/", log=log, cwd=ROOT
            ) as base,
        ):
            phase_one(base, database, workdir / "mail", log, checks)
            phase_two(base, database, log, checks)
            phase_three(base, checks)
        if checks.failures:
            print(f"\nServer log (last lines), {log}:", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-20:]), file=sys.stderr)
    print(f"\nLoad average {os.getloadavg()[0]:.1f} after.")
    print(f"FAILED: {', '.join(checks.failures)}" if checks.failures else "All checks passed.")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
