"""Reading the query string of public pages."""

from django.http import HttpRequest


def text_param(request: HttpRequest, name: str) -> str:
    """A GET parameter as safe text: trimmed, bounded, without NUL (PostgreSQL refuses it)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:200]
