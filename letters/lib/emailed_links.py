"""The pages behind the links we email (confirm a sign-up or an alert, unsubscribe)."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

View = Callable[..., HttpResponse]
T = TypeVar("T")


def emailed_link_page(view: View) -> View:
    """A page a link we emailed opens: GET shows it, POST acts on it. Never cached: each
    link is one person's."""
    return never_cache(require_http_methods(["GET", "HEAD", "POST"])(view))


def button_then_post(
    request: HttpRequest,
    context: dict[str, Any],
    *,
    button: str,
    done: str,
    already_done: bool,
    act: Callable[[], bool],
    refused: str = "",
) -> HttpResponse:
    """A GET shows the `button` page and only its POST acts, because mail scanners follow
    links. `act` answers False when it could not (the `refused` page, 410 Gone); a link
    used again once `already_done` shows the `done` page."""
    if request.method == "POST" and not already_done:
        if not act():
            return render(request, refused, context, status=410)
        return render(request, done, context)
    return render(request, done if already_done else button, context)


def named_by_link(found: T | None) -> T:
    """What an emailed link's token names, or a 404: the token is mistyped, or what it
    named is gone (an unsubscribed alert, a contact removed)."""
    if found is None:
        raise Http404("No such link.")
    return found
