"""Sources that last: archived copies shown publicly, and the link checker run against a
local server on 127.0.0.1 (never the internet)."""

import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from letters.curation import link_checks
from letters.curation.link_checks import USER_AGENT
from letters.curation.tasks import check_source_links, link_check_params
from letters.jobs import runner
from letters.jobs.tasks import sweep
from letters.models import Job, JobStatus, Source
from tests import factories


class Handler(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str]] = []

    def _answer(self):
        Handler.seen.append((self.command, self.path, self.headers.get("User-Agent", "")))
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/moved-away":
            self.send_response(302)
            self.send_header("Location", "/gone")
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/no-head":
            self.send_response(200)
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer()

    def do_GET(self):
        self._answer()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def run(*args) -> str:
    out = StringIO()
    call_command("check_source_links", "--delay", "0", "--timeout", "0.5", *args, stdout=out)
    return out.getvalue()


def test_statuses_of_ok_missing_redirected_refused_head_and_slow_links(db, server):
    paths = ["/ok", "/gone", "/moved", "/moved-away", "/no-head", "/slow"]
    for path in paths:
        factories.SourceFactory(url=server + path)

    output = run()

    status = {s.url.removeprefix(server): s for s in Source.objects.all()}
    assert status["/ok"].link_status == 200
    assert status["/gone"].link_status == 404
    assert status["/moved"].link_status == 200
    assert status["/moved-away"].link_status == 404
    assert status["/no-head"].link_status == 200
    assert status["/slow"].link_status is None
    assert "timed out" in status["/slow"].link_error
    assert all(s.link_checked_at is not None for s in status.values())
    assert "Checked 6 source link(s); 3 dead." in output
    assert f"DEAD 404 {server}/gone" in output
    assert f"{server}/slow" in output
    assert f"{server}/ok " not in output
    assert ("GET", "/no-head", USER_AGENT) in Handler.seen
    assert all(agent == USER_AGENT for _, _, agent in Handler.seen)


def test_only_dead_rechecks_only_dead_links(db, server):
    factories.SourceFactory(url=server + "/ok")
    factories.SourceFactory(url=server + "/gone")
    run()
    Handler.seen = []

    run("--only-dead")

    assert [path for _, path, _ in Handler.seen] == ["/gone"]


def test_limit_bounds_the_number_checked(db, server):
    for n in range(3):
        factories.SourceFactory(url=f"{server}/ok?n={n}")

    assert "Checked 2 source link(s)" in run("--limit", "2")
    assert Source.objects.filter(link_checked_at__isnull=True).count() == 1


class FakeClock:
    """Stands in for the `time` module of the link checker: sleeping moves the clock on at
    once, and each request takes `request_seconds`, so waits are exact and instant."""

    def __init__(self, request_seconds: float):
        self.now = 1000.0
        self.request_seconds = request_seconds
        self.sleeps: list[float] = []
        self.requests: list[tuple[str, float]] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def check(self, opener, url: str, timeout: float) -> tuple[int, str]:
        self.requests.append((url, self.now))
        self.now += self.request_seconds
        return 200, ""


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    clock = FakeClock(request_seconds=0.25)
    monkeypatch.setattr(link_checks, "time", clock)
    monkeypatch.setattr(link_checks, "check", clock.check)
    return clock


def test_requests_to_one_host_are_spaced_by_the_delay(db, clock):
    for url in ["https://a.example/1", "https://a.example/2", "https://a.example/3"]:
        factories.SourceFactory(url=url)

    call_command("check_source_links", "--delay", "1", stdout=StringIO())

    # The delay runs from the end of the previous request to the same host.
    assert clock.sleeps == [1.0, 1.0]
    starts = [started for _, started in clock.requests]
    assert starts == [1000.0, 1001.25, 1002.5]


def test_hosts_are_visited_in_turn_so_the_delay_is_rarely_waited_for(db, clock):
    for url in ["https://a.example/1", "https://a.example/2", "https://b.example/1"]:
        factories.SourceFactory(url=url)
    factories.SourceFactory(url="https://c.example/1")

    call_command("check_source_links", "--delay", "1", stdout=StringIO())

    hosts = [url.split("/")[2] for url, _ in clock.requests]
    assert hosts == ["a.example", "b.example", "c.example", "a.example"]
    # b and c took 0.5 s after a.example's first request ended: 0.5 s of the delay is left.
    assert clock.sleeps == [0.5]


def test_bad_options_are_a_clear_error(db):
    with pytest.raises(CommandError):
        call_command("check_source_links", "--timeout", "0", stdout=StringIO())


def test_archived_copy_is_linked_next_to_the_source(client, db):
    letter = factories.LetterFactory()
    signature = factories.SignatureFactory(letter=letter)
    signature.sources.add(
        factories.SourceFactory(
            url="https://gone.example.org/story",
            archived_url="https://web.archive.org/web/2020/https://gone.example.org/story",
        )
    )

    content = client.get(letter.get_absolute_url()).content.decode()

    assert (
        '<a class="archived" href="https://web.archive.org/web/2020/https://gone.example.org/'
        'story" rel="noopener noreferrer external">archived copy' in content
    )


@pytest.mark.parametrize(
    ("choice", "expected"), [("dead", ["/gone"]), ("ok", ["/ok"]), ("unchecked", ["/new"])]
)
def test_admin_filter_by_link_check(admin_client, db, server, choice, expected):
    factories.SourceFactory(url=server + "/ok")
    factories.SourceFactory(url=server + "/gone")
    run()
    factories.SourceFactory(url=server + "/new")

    response = admin_client.get(reverse("admin:letters_source_changelist"), {"link": choice})

    shown = [s.url.removeprefix(server) for s in response.context["cl"].result_list]
    assert shown == expected


def test_a_link_check_resumed_after_its_worker_died_checks_only_the_rest(db, server, settings):
    for n in range(4):
        factories.SourceFactory(url=f"{server}/page-{n}")  # all answer 404
    params = link_check_params(timeout=0.5, delay=0)
    job = Job.objects.create(name="Check", task_path=check_source_links.module_path, params=params)

    def two_then_die(run: runner.JobRun) -> str:
        pending = link_checks.still_to_check(datetime.fromisoformat(params["since"]))
        checked = link_checks.check_in_turn(list(pending)[:2], 0.5, 0)
        for done, (source, status, error) in enumerate(checked, start=1):
            Source.objects.filter(pk=source.pk).update(
                link_checked_at=timezone.now(), link_status=status, link_error=error
            )
            run.checkpoint(done=done, state={"dead": done})
        raise runner.JobLost("killed")  # the worker dies: the job stays "running"

    runner.execute(job.pk, two_then_die)
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=settings.JOB_STALLED_MINUTES + 1)
    )

    sweep.call()

    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.SUCCEEDED, 4)
    assert job.message == "Checked 4 source link(s); 4 dead."
    # Each link was asked once: the resumed run skipped the two checked before.
    assert sorted(path for _, path, _ in Handler.seen) == [f"/page-{n}" for n in range(4)]


def test_curators_check_the_links_of_chosen_sources_from_the_admin(curator_client, server):
    chosen = factories.SourceFactory(url=server + "/gone")
    factories.SourceFactory(url=server + "/ok")

    response = curator_client.post(
        reverse("admin:letters_source_changelist"),
        {"action": "check_links", "_selected_action": [chosen.pk]},
        follow=True,
    )

    assert "Checking the links in the background" in response.content.decode()
    job = Job.objects.get()
    assert job.message == "Checked 1 source link(s); 1 dead."
    assert [path for _, path, _ in Handler.seen] == ["/gone"]
