"""make bench serves the project under bench/settings.py: its URLconf must load (Django
refuses i18n_patterns inside an include()), with the hello view beside every page."""

import importlib

import pytest
from django.urls import Resolver404, get_resolver, resolve


def test_the_bench_urlconf_has_the_hello_view_and_every_project_page():
    bench_urls = importlib.import_module("bench.urls")
    resolver = get_resolver(bench_urls)
    assert resolver.resolve("/bench/hello/").func is bench_urls.hello
    for path in ("/", "/letters/some-letter/", "/api/v1/letters/", "/health/"):
        resolver.resolve(path)
    with pytest.raises(Resolver404):
        resolve("/bench/hello/")  # the project itself has no such page
