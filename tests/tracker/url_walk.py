"""Every URL pattern of the site, the admin's and every included module's, present and
future, as a concrete path filled from real data (the `url_values` fixture in conftest.py):
for the tests that hold for every URL (framing, HEAD, headers)."""

import re

from django.urls import URLPattern, URLResolver
from django.utils.regex_helper import normalize


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
