"""Only the badge and the widget can be framed by other sites: every other URL pattern,
the admin's and every included module's, present and future, answers with
frame-ancestors 'none' and X-Frame-Options: DENY."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from letters.models import Endorsement, Letter, Organisation, Person, Signature, Source, Topic
from tests.helpers import csp_directives

EMBEDDABLE = {"letter_badge", "letter_widget"}


def walk(resolvers, prefix=(), names=()):
    """Every URL pattern as (regexes from the root, its name, its namespaces)."""
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = (*names, entry.namespace) if entry.namespace else names
            yield from walk(entry.url_patterns, (*prefix, entry.pattern), namespace)
        else:
            assert isinstance(entry, URLPattern)
            yield (*prefix, entry.pattern), entry.name, names


def fill(patterns, values_for) -> str:
    """A concrete path for a chain of patterns, each argument filled from fixture data.

    Uses the same regex normalisation as Django's reverse(), so it works for route and
    regex patterns alike; an argument is chosen from the literal path segment before it.
    """
    path = ""
    for pattern in patterns:
        template, params = normalize(pattern.regex.pattern)[0]
        for param in params:
            before = re.findall(r"([a-z_-]+)/$", template.split(f"%({param})s")[0] or path)
            segment = before[-1] if before else ""
            template = template.replace(f"%({param})s", str(values_for(param, segment, path)))
        path += template
    return "/" + path


@pytest.fixture
def values(demo_data, admin_user):
    """Real objects for every kind of argument a URL takes."""
    letter = Letter.objects.get(slug="demo-hosted-letter")
    by_segment = {
        "letters": letter.slug,
        "organisations": Organisation.objects.public().first().slug,
        "people": Person.objects.public().first().slug,
        "topics": Topic.objects.first().slug,
        "signatures": Signature.objects.public().first().pk,
        "endorsements": Endorsement.objects.first().pk,
        "sources": Source.objects.first().pk,
    }
    by_name = {
        "app_label": "letters",
        "object_id": Letter.objects.first().pk,
        "content_type_id": 1,
        "token": "not-a-real-token",
        "url": "no-such-page/",
        "history_id": 1,
    }

    def values_for(param: str, segment: str, path: str):
        if param in by_name:
            return by_name[param]
        if re.fullmatch(r"_\d+", param):
            # Unnamed groups, as in django-simple-history's admin: an object's id, then
            # a history record's id. Both are numbers.
            return 1
        if segment in by_segment:
            return by_segment[segment]
        # A pattern added later with an argument we do not know yet: an object's slug
        # or id is the likeliest; a 404 still shows the headers.
        return letter.pk if param in {"pk", "id"} else letter.slug

    return values_for


def test_only_the_badge_and_the_widget_can_be_framed(client, admin_user, values):
    client.force_login(admin_user)  # so that admin pages render instead of redirecting
    checked, framed = [], []
    for patterns, name, namespaces in walk(get_resolver().url_patterns):
        url = fill(patterns, values)
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
