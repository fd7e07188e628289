"""The address a request came from, as far as we can trust it.

Without a trusted proxy (the default) that is REMOTE_ADDR, whatever headers the client
sends. With TRUSTED_PROXY_COUNT proxies in front, each appending the address it received
the request from to TRUSTED_PROXY_HEADER (e.g. X-Forwarded-For), the client is the
address the outermost proxy appended: the TRUSTED_PROXY_COUNT-th from the right. Anything
further left was written by the client and may be forged.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not settings.TRUSTED_PROXY_HEADER or count < 1:
        return remote_addr
    meta_key = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    addresses = [part.strip() for part in request.META.get(meta_key, "").split(",")]
    addresses = [address for address in addresses if address]
    # Fewer addresses than proxies: the request did not come through all of them.
    if len(addresses) < count:
        return remote_addr
    candidate = addresses[-count]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote_addr
