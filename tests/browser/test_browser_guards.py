"""The guards every browser test relies on actually catch what they claim to."""

from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PageProblems


def test_the_csp_watcher_runs_under_the_page_policy_and_reports_violations(new_context, demo):
    problems = PageProblems()
    context = new_context()
    problems.watch(context)
    page = context.new_page()
    page.goto("/")

    page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { color: red; }";
          document.head.append(style);
        }"""
    )
    page.wait_for_timeout(200)

    assert any(
        problem.startswith("CSP: style-src-elem blocked inline") for problem in problems.found
    )
    assert any("Content Security Policy" in problem for problem in problems.found)


def test_console_errors_and_uncaught_exceptions_are_caught(new_context, demo):
    problems = PageProblems()
    context = new_context()
    problems.watch(context)
    page = context.new_page()
    page.goto("/")

    page.evaluate("() => console.error('something broke')")
    page.evaluate("() => setTimeout(() => { throw new Error('uncaught'); })")
    page.wait_for_timeout(200)

    assert any("something broke" in problem for problem in problems.found)
    assert any("uncaught" in problem for problem in problems.found)


def test_the_site_stylesheet_loads(page):
    page.goto("/")

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"


def test_axe_reports_what_it_should(page):
    page.goto("/")
    page.evaluate(
        """() => {
          const image = document.createElement("img");
          image.src = "/static/favicon.svg";
          document.querySelector("main").append(image);
        }"""
    )

    results = Axe().run(page)

    assert [violation["id"] for violation in results.response["violations"]] == ["image-alt"]
