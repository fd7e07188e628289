import socket

import pytest


@pytest.fixture
def refusing_smtp(settings):
    """Mail goes over real SMTP to a local port where nothing listens: every send is
    refused, as when the mail server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    return settings


@pytest.fixture
def working_smtp(settings):
    """The mail server is back (Django's test mailbox, django.core.mail.outbox)."""

    def restore() -> None:
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return restore
