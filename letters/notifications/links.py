"""Absolute links for emails, which a worker writes with no request to ask its host, and
the signed tokens of unsubscribe links (they work without logging in, for ever, and only
for the address they were sent to)."""

import hashlib

from django.conf import settings
from django.core import signing


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def fingerprint(value: str) -> str:
    """A short digest binding a token to an address (or a secret) without revealing it:
    a token sent to an old address stops working once the address changes."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_token(salt: str, pk: int, bound_to: str) -> str:
    return signing.dumps([pk, fingerprint(bound_to)], salt=salt, compress=True)


def read_token(salt: str, token: str) -> tuple[int, str] | None:
    """The (pk, fingerprint) a token carries, or None for a forged or mangled one."""
    try:
        pk, bound = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(bound, str):
        return None
    return pk, bound


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST to `url` with the body
    `List-Unsubscribe=One-Click`."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
