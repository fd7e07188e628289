"""What every URL of the site answers, the admin's and every included module's, present
and future: HEAD wherever GET is answered (monitors and link checkers use it), with the
same status and headers and no body, and a Permissions-Policy on every response."""

from django.urls import get_resolver

from tests.tracker.url_walk import fill, walk
from tracker.security import PERMISSIONS_POLICY

# Headers that differ between two requests however alike they are (the time, a never-cached
# page's expiry, a CSRF cookie).
PER_REQUEST = {"Date", "Expires", "Set-Cookie", "Content-Length"}


def every_url(url_values) -> list[str]:
    return [fill(patterns, url_values) for patterns, _, _ in walk(get_resolver().url_patterns)]


def test_every_url_that_answers_get_answers_head_alike(client, admin_user, url_values):
    client.force_login(admin_user)  # so that admin pages render instead of redirecting
    answered = []
    for url in every_url(url_values):
        get = client.get(url)
        head = client.head(url)
        assert head.status_code != 405 or get.status_code == 405, url
        if get.status_code == 405:
            continue
        assert head.status_code == get.status_code, url
        body = b"".join(head.streaming_content) if head.streaming else head.content
        assert body == b"", url
        same = set(get.headers) - PER_REQUEST
        # A page that varies per request (a CSRF token, a timestamp) has its own ETag.
        same.discard("ETag")
        assert {name: head.headers.get(name) for name in same} == {
            name: get.headers[name] for name in same
        }, url
        answered.append(url)

    assert "/letters/demo-hosted-letter/" in answered
    assert "/feeds/letters/" in answered
    assert "/admin/letters/letter/" in answered
    assert any(url.startswith("/api/") for url in answered)


def test_every_response_has_the_permissions_policy(client, admin_user, url_values):
    client.force_login(admin_user)
    for url in every_url(url_values):
        response = client.get(url)
        assert response.headers["Permissions-Policy"] == PERMISSIONS_POLICY, url


def test_the_permissions_policy_switches_off_what_no_page_uses(client, db):
    policy = client.get("/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_static_files_and_anonymous_errors_have_the_permissions_policy_too(client, db):
    assert client.get("/static/css/site.css").headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert client.get("/no-such-page/").headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert client.post("/health/").headers["Permissions-Policy"] == PERMISSIONS_POLICY
