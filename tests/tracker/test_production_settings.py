"""Production settings, each loaded in a fresh process from its environment as gunicorn would:
`check --deploy` is clean with HTTPS on, SECRET_KEY is required, and errors are logged as
JSON lines."""

import json
import logging
import os
import secrets
import subprocess
import sys

from django.conf import settings
from django.test import RequestFactory

from tracker.logging import JsonFormatter

# Variables that change the settings: the tests set the ones they need, from a clean slate.
SETTINGS_VARIABLES = {
    "DJANGO_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "HTTPS",
    "SECURE_PROXY_SSL_HEADER",
    "TRUSTED_PROXY_HEADER",
    "TRUSTED_PROXY_COUNT",
    "REQUIRE_2FA",
    "LOG_LEVEL",
}


def run_django(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    env.update(environment, DJANGO_SETTINGS_MODULE="tracker.settings")
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**environment: str) -> dict[str, str]:
    return {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tracker.example.org",
        **environment,
    }


def settings_in(environment: dict[str, str], *names: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}, "
        "default=str))"
    )
    result = run_django("-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_https_on():
    result = run_django(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **production(HTTPS="true")
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_https():
    """Plain http (as `make serve` on 127.0.0.1) is allowed, and check --deploy says so."""
    result = run_django("manage.py", "check", "--deploy", "--fail-level", "WARNING", **production())

    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    environment = production()
    del environment["SECRET_KEY"]

    result = run_django("manage.py", "check", **environment)

    assert result.returncode != 0
    assert "SECRET_KEY is required when DJANGO_ENV=production" in result.stderr


def test_https_switches_on_hsts_secure_host_cookies_and_the_redirect():
    values = settings_in(
        production(HTTPS="true", SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SECURE_PROXY_SSL_HEADER",
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": [r"^health/$"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_production_over_plain_http_keeps_cookies_browsers_accept():
    values = settings_in(
        production(),
        "DEBUG",
        "REQUIRE_2FA",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
    )

    assert values == {
        "DEBUG": False,
        "REQUIRE_2FA": True,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "sessionid",
        "CSRF_COOKIE_NAME": "csrftoken",
    }


def test_development_needs_no_two_factor_login():
    assert settings_in({}, "REQUIRE_2FA", "DEBUG") == {"REQUIRE_2FA": False, "DEBUG": True}


def test_a_proxy_count_without_a_header_is_refused():
    result = run_django("manage.py", "check", TRUSTED_PROXY_COUNT="1")

    assert result.returncode != 0
    assert "TRUSTED_PROXY_HEADER" in result.stderr


# ---------------------------------------------------------------------------
# Structured error logs
# ---------------------------------------------------------------------------


def test_production_logs_errors_as_json_lines_on_stderr():
    code = (
        "import django, logging; django.setup()\n"
        "from django.test import RequestFactory\n"
        "request = RequestFactory().post('/letters/x/')\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('django.request').exception(\n"
        "        'Internal Server Error: %s', request.path,\n"
        "        extra={'request': request, 'status_code': 500})\n"
    )

    result = run_django("-c", code, **production())

    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Internal Server Error: /letters/x/"
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/letters/x/", 500)
    assert "ZeroDivisionError" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_development_logs_plain_text():
    code = "import django, logging; django.setup(); logging.getLogger('x').warning('plain')"

    result = run_django("-c", code)

    assert result.stderr.strip().endswith("WARNING x plain")


def test_json_formatter_copes_with_records_without_a_request():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.request = object()  # django.server passes a socket

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "hello world"
    assert "method" not in entry and "exception" not in entry


def test_json_formatter_keeps_each_entry_on_one_line():
    request = RequestFactory().get("/search/", {"q": "a\nb"})
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "two\nlines", (), None)
    record.request = request

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert json.loads(line)["path"] == "/search/"
