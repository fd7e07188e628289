"""The client IP behind zero, one or two trusted proxies: forged headers never count."""

import pytest
from django.test import RequestFactory

from tracker.client_ip import client_ip


def request_from(remote_addr: str, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(settings):
    settings.TRUSTED_PROXY_HEADER = ""
    settings.TRUSTED_PROXY_COUNT = 0

    request = request_from("203.0.113.7", **{"X-Forwarded-For": "198.51.100.1"})

    assert client_ip(request) == "203.0.113.7"


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_one_proxy_the_address_it_appended_is_the_client(one_proxy):
    request = request_from("10.0.0.2", **{"X-Forwarded-For": "203.0.113.7"})

    assert client_ip(request) == "203.0.113.7"


def test_behind_one_proxy_addresses_the_client_wrote_are_ignored(one_proxy):
    request = request_from("10.0.0.2", **{"X-Forwarded-For": "1.1.1.1, 8.8.8.8, 203.0.113.7"})

    assert client_ip(request) == "203.0.113.7"


def test_a_request_that_bypassed_the_proxy_is_known_by_its_own_address(one_proxy):
    assert client_ip(request_from("203.0.113.9")) == "203.0.113.9"


def test_a_malformed_forwarded_address_falls_back_to_the_peer(one_proxy):
    request = request_from("10.0.0.2", **{"X-Forwarded-For": "unknown"})

    assert client_ip(request) == "10.0.0.2"


def test_ipv6_addresses_are_normalised(one_proxy):
    request = request_from("10.0.0.2", **{"X-Forwarded-For": "2001:DB8:0:0::1"})

    assert client_ip(request) == "2001:db8::1"


def test_behind_two_proxies_the_outer_proxys_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from("10.0.0.3", **{"X-Forwarded-For": "1.1.1.1, 203.0.113.7, 10.0.0.2"})

    assert client_ip(request) == "203.0.113.7"


def test_another_header_can_be_trusted(settings):
    settings.TRUSTED_PROXY_HEADER = "X-Real-IP"
    settings.TRUSTED_PROXY_COUNT = 1

    request = request_from("10.0.0.2", **{"X-Real-IP": "203.0.113.7", "X-Forwarded-For": "1.1.1.1"})

    assert client_ip(request) == "203.0.113.7"
