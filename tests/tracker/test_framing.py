"""Only the badge and the widget can be framed by other sites: every other URL pattern,
the admin's and every included module's, present and future, answers with
frame-ancestors 'none' and X-Frame-Options: DENY."""

from django.urls import get_resolver

from tests.helpers import csp_directives
from tests.tracker.url_walk import fill, walk

EMBEDDABLE = {"letter_badge", "letter_widget"}


def test_only_the_badge_and_the_widget_can_be_framed(client, admin_user, url_values):
    client.force_login(admin_user)  # so that admin pages render instead of redirecting
    checked, framed = [], []
    for patterns, name, namespaces in walk(get_resolver().url_patterns):
        url = fill(patterns, url_values)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        directives = csp_directives(response)
        if name in EMBEDDABLE and not namespaces:
            assert response.status_code == 200, url
            assert directives["frame-ancestors"] == ["*"], url
            assert "X-Frame-Options" not in response.headers, url
            framed.append(name)
        else:
            assert directives["frame-ancestors"] == ["'none'"], url
            assert response.headers["X-Frame-Options"] == "DENY", url
        checked.append(url)

    assert sorted(framed) == sorted(EMBEDDABLE)
    # The walk reached the admin's models and every feature module.
    assert "/admin/letters/letter/" in checked
    assert any(url.startswith("/api/") for url in checked)
    assert "/sitemap.xml" in checked and "/compare/" in checked
