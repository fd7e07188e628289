"""Checks several test packages share: a response's Content-Security-Policy and inline
code, and how many queries a page runs. Data to build lives in factories.py, named
records in conftest.py."""

from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "encryption_debate.json"

# What every test runs with (tests/conftest.py), and the session's demo load too
# (tests/demo_snapshot.py): a private in-memory cache, and background tasks run at once.
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TEST_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
NSPCC_SLUG = "2020-02-06_nspcc-led-letter-to-zuckerberg"


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


class InlineCode(HTMLParser):
    """What a strict policy would block in a page: inline scripts, event handler and style
    attributes, <style> elements, javascript: URLs, and htmx's eval-based hx-on."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=...>")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...>")


def inline_code(response) -> list[str]:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser.found


def assert_strict_policy(response) -> None:
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def count_queries(client, url: str, headers: dict | None = None) -> int:
    """The queries one GET of `url` runs; the page must answer 200."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200
    return len(context.captured_queries)


def rendering_context(response, template_name: str) -> dict:
    """What the view handed its page template, as a plain dict, to render it again.

    Found by the template's name: a view may render pieces on their own before the page
    (the letter page renders each source link of its list once)."""
    rendered = [template.name for template in response.templates]
    return response.context[rendered.index(template_name)].flatten()
