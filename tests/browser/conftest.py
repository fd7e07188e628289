"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright cannot download its own browser here, so these tests launch the system
Chromium (`CHROMIUM_PATH`, default /usr/bin/chromium; `make test` installs it with apt
when it can). Without it they are skipped, loudly, except under `CI=true`, where a
skipped browser test fails the run.

Every page these tests open fails its test on a console error, an uncaught exception or
a Content-Security-Policy violation.
"""

import os
from pathlib import Path

import pytest

from tests.demo_snapshot import load_demo_data

HERE = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"

# Records every CSP violation through a binding that survives navigation. Init scripts
# run outside the page's policy (test_browser_guards.py checks that this one works).
CSP_WATCHER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"} ` +
    `on ${event.documentURI}`
  );
});
"""


def chromium_missing_reason() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Chromium not found at {CHROMIUM}: browser tests skipped "
        "(install it with `apt-get install chromium`, or set CHROMIUM_PATH)"
    )


def _is_browser_test(item: pytest.Item) -> bool:
    return HERE in item.path.resolve().parents


def pytest_report_header(config):
    reason = chromium_missing_reason()
    return f"browser tests: {reason or f'Chromium at {CHROMIUM}'}" + (
        " (CI=true: skips fail)" if IN_CI else ""
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    browser_tests = [item for item in items if _is_browser_test(item)]
    # Last of all. Each flushes the database afterwards (the live server needs committed
    # data), which also empties what data migrations created (the Curators group), and
    # pytest's grouping by the session-scoped browser parameter would otherwise put them
    # among the other database tests.
    items[:] = [item for item in items if not _is_browser_test(item)] + browser_tests
    if reason := chromium_missing_reason():
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if IN_CI and report.skipped and _is_browser_test(item):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"CI=true and a browser test was skipped: {reason}"
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reason = chromium_missing_reason()
    if reason and not IN_CI:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.line(reason, red=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def allow_orm_calls_beside_playwright():
    """Playwright's sync API keeps an asyncio event loop running in the main thread from
    the first browser test on, and Django refuses ORM calls (the demo data, the flush
    after each test) from a thread with a running loop; here they are plain synchronous
    code. Set from the first browser test on only, as they run last: earlier tests, and
    subprocesses such as `check --deploy`, must not inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages are opened by path (page.goto("/")) on the live server."""
    return live_server.url


@pytest.fixture
def demo(transactional_db, live_server, demo_snapshot):
    """The real demo data, visible to the live server (hence a transactional database)."""
    load_demo_data(demo_snapshot)


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen by a test's pages."""

    def __init__(self):
        self.found: list[str] = []
        self.allowed: list[str] = []

    def allow(self, text: str) -> None:
        """Let console errors containing `text` through (a test that expects them)."""
        self.allowed.append(text)

    def watch(self, context) -> None:
        context.expose_binding(
            "__reportCspViolation", lambda source, text: self.found.append(f"CSP: {text}")
        )
        context.add_init_script(CSP_WATCHER)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.found.append(f"page error: {error.error}"))

    def _console(self, message) -> None:
        if message.type == "error" and not any(text in message.text for text in self.allowed):
            self.found.append(f"console error: {message.text} ({message.location})")


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def open_context(new_context, page_problems):
    """A browser context whose pages are watched for problems; takes Playwright's
    context options (viewport, color_scheme, java_script_enabled, ...)."""

    def open_context(**options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = new_context(**options)
        page_problems.watch(context)
        return context

    yield open_context
    assert page_problems.found == [], "\n".join(page_problems.found)


@pytest.fixture
def page(open_context, demo):
    """A desktop page, with JavaScript, on the demo data."""
    return open_context().new_page()


@pytest.fixture
def static_page(open_context, demo):
    """A desktop page with JavaScript disabled: plain links and GET forms only."""
    return open_context(java_script_enabled=False).new_page()
