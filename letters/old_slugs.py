"""Old addresses keep working: a page asked for under a slug that a record had before
(a corrected letter slug, an organisation or person merged into another) answers 301 to
the same page under the slug it has now.

Like django.contrib.redirects, this looks only at requests that would otherwise be a
404, so it costs one query on a miss and nothing on any other request. It covers every
page whose URL takes the letter's (or the record's) slug, the API's included, without
each view having to know.
"""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_from_path

from .models import Letter, LetterRedirect, OrganisationRedirect, PersonRedirect, Redirect, Signer

# Which record a slug in a URL names, by the start of the URL pattern.
ROUTE_PREFIXES: list[tuple[tuple[str, ...], type[Redirect]]] = [
    (("letters/<slug:slug>/", "api/v1/letters/<slug:slug>/"), LetterRedirect),
    (("organisations/<slug:slug>/", "api/v1/organisations/<slug:slug>/"), OrganisationRedirect),
    (("people/<slug:slug>/", "api/v1/people/<slug:slug>/"), PersonRedirect),
]


def current_slug(route: str, old_slug: str) -> str | None:
    """The slug the record named by `old_slug` has now, if `route` takes a slug we keep."""
    for prefixes, model in ROUTE_PREFIXES:
        if route.startswith(prefixes):
            redirect = model._default_manager.filter(old_slug=old_slug).first()
            if redirect is None:
                return None
            owner: Letter | Signer = getattr(redirect, model.owner_field)
            return owner.slug
    return None


class OldSlugRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if response.status_code != 404 or match is None or request.method not in ("GET", "HEAD"):
            return response
        old_slug = match.kwargs.get("slug")
        # A French page's route starts with its language prefix ("fr/letters/...").
        language = get_language_from_path(request.path_info)
        route = match.route.removeprefix(f"{language}/") if language else match.route
        new_slug = current_slug(route, old_slug) if old_slug else None
        if not new_slug or new_slug == old_slug:
            return response
        try:
            url = reverse(
                match.view_name, args=match.args, kwargs={**match.kwargs, "slug": new_slug}
            )
        except NoReverseMatch:
            return response
        if request.GET:
            url += "?" + urlencode(list(request.GET.lists()), doseq=True)
        return HttpResponsePermanentRedirect(url)
