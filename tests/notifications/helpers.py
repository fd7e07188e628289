"""Reading the emails the worker sent (django.core.mail.outbox, the locmem backend)."""

import re

from django.core import mail
from django.core.mail import EmailMessage


def sent_to(address: str) -> list[EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def link_in(message: EmailMessage, path_start: str) -> str:
    """The path of the first link in the email's body that starts with `path_start`."""
    match = re.search(rf"https://tracker\.example({re.escape(path_start)}\S+)", message.body)
    assert match, f"No {path_start} link in: {message.body}"
    return match.group(1)
