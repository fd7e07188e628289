"""Security headers on every kind of response, in development settings as in production: a
strict Content-Security-Policy on public pages and fragments, the admin's own policy, no
framing except for views marked embeddable, and no cookie on anonymous public pages."""

import json
import re

import pytest
from django.http import HttpResponse
from django.urls import path, reverse

from letters.models import Organisation, Person
from tests import factories
from tests.helpers import assert_strict_policy, csp_directives, inline_code
from tracker.security import embeddable

HX = {"HX-Request": "true"}


def assert_common_headers(response) -> None:
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def public_urls(letter) -> list[tuple[str, dict]]:
    organisation = Organisation.objects.public().first()
    person = Person.objects.public().first()
    letter_url = letter.get_absolute_url()
    return [
        ("/", {}),
        ("/", HX),
        (letter_url, {}),
        (letter_url, HX),
        (f"{letter_url}?q=child&page=2", HX),
        ("/organisations/", {}),
        ("/organisations/?q=rights", HX),
        (organisation.get_absolute_url(), {}),
        ("/people/", {}),
        ("/people/?q=a", HX),
        (person.get_absolute_url(), {}),
        ("/search/", {}),
        ("/search/?q=rights", {}),
        ("/search/?q=rights", HX),
    ]


def test_public_pages_and_fragments_have_a_strict_policy_and_no_inline_code(client, nspcc_letter):
    for url, headers in public_urls(nspcc_letter):
        response = client.get(url, headers=headers)

        assert response.status_code == 200, url
        assert_common_headers(response)
        assert_strict_policy(response)
        assert inline_code(response) == [], (url, headers)


def test_anonymous_public_pages_set_no_cookie(client, nspcc_letter):
    for url, headers in public_urls(nspcc_letter):
        response = client.get(url, headers=headers)

        assert not response.cookies, (url, headers, response.cookies)


def test_htmx_is_served_by_us_and_told_not_to_inject_styles(client, db):
    content = client.get("/").content.decode()

    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", content)
    assert config, "base.html lost its htmx-config"
    assert json.loads(config.group(1))["includeIndicatorStyles"] is False
    scripts = re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", content)
    assert scripts and all(src.startswith("/static/") for src in scripts)


def test_not_found_pages_have_the_strict_policy_too(client, db):
    response = client.get("/letters/no-such-letter/")

    assert response.status_code == 404
    assert_common_headers(response)
    assert_strict_policy(response)


def test_health_endpoint_has_the_security_headers(client, db):
    response = client.get("/health/")

    assert_common_headers(response)
    assert_strict_policy(response)
    assert not response.cookies


def test_static_files_are_not_sniffed(client, db):
    response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers


# ---------------------------------------------------------------------------
# The admin keeps its own policy
# ---------------------------------------------------------------------------


def test_admin_login_page_has_the_admin_policy(client, db):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert_common_headers(response)
    directives = csp_directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'", "'unsafe-inline'"]


def test_two_factor_login_page_has_the_admin_policy(client, db, settings):
    settings.REQUIRE_2FA = True

    response = client.get(reverse("admin:login"))

    assert b'name="otp_token"' in response.content
    assert_common_headers(response)
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert inline_code(response) == []


def test_admin_pages_popups_and_autocomplete_carry_the_admin_policy(admin_client, db):
    letter = factories.SignatureFactory().letter
    urls = [
        reverse("admin:index"),
        reverse("admin:letters_letter_changelist"),
        reverse("admin:letters_letter_change", args=[letter.pk]),
        reverse("admin:letters_organisation_add") + "?_to_field=id&_popup=1",
        reverse("admin:otp_totp_totpdevice_add"),
        reverse("admin:autocomplete")
        + "?app_label=letters&model_name=signature&field_name=organisation&term=a",
    ]
    for url in urls:
        response = admin_client.get(url)

        assert response.status_code == 200, url
        assert_common_headers(response)
        # Django's admin needs no inline script: only inline styles are let through.
        assert csp_directives(response)["script-src"] == ["'self'"], url
        if response.headers["Content-Type"].startswith("text/html"):
            assert [found for found in inline_code(response) if "style" not in found] == [], url


# ---------------------------------------------------------------------------
# Embeddable views are the one exception to "never framed"
# ---------------------------------------------------------------------------


@embeddable
def embeddable_widget(request):
    return HttpResponse("<p>A widget other sites may frame.</p>")


def ordinary_view(request):
    return HttpResponse("<p>Not for framing.</p>")


urlpatterns = [
    path("widget/", embeddable_widget),
    path("ordinary/", ordinary_view),
]


@pytest.mark.urls(__name__)
def test_an_embeddable_view_may_be_framed_by_any_site(client):
    response = client.get("/widget/")

    assert "X-Frame-Options" not in response.headers
    assert csp_directives(response)["frame-ancestors"] == ["*"]
    assert_strict_policy(response)


@pytest.mark.urls(__name__)
def test_other_views_may_not_be_framed(client):
    response = client.get("/ordinary/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]
