"""Friendly error pages in the site's style: 404 with a way on, and a 500 page that
renders with no request and no database."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from tests.helpers import assert_strict_policy, inline_code


def broken_view(request):
    raise RuntimeError("something broke")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.parametrize("url", ["/no-such-page/", "/letters/no-such-letter/", "/people/nobody/"])
def test_a_missing_page_is_a_friendly_404_in_the_site_style(client, db, url):
    response = client.get(url)

    content = response.content.decode()
    assert response.status_code == 404
    assert "We can’t find that page" in content
    assert '<link rel="stylesheet" href="/static/css/site.css">' in content
    assert '<nav aria-label="Main">' in content
    assert '<form class="filters" method="get" action="/search/" role="search">' in content
    assert 'rel="canonical"' not in content
    assert '<meta name="robots" content="noindex">' in content
    assert_strict_policy(response)
    assert inline_code(response) == []


@pytest.mark.urls(__name__)
def test_a_server_error_is_a_friendly_500_in_the_site_style(db):
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in content
    assert '<link rel="stylesheet" href="/static/css/site.css">' in content
    assert inline_code(response) == []


def test_the_500_page_needs_no_request_and_no_database():
    # No `db` fixture: any query here would fail the test.
    content = render_to_string("500.html")

    assert "Something went wrong on our side" in content
    assert '<a href="/">Back to the open letters</a>' in content
