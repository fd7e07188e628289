"""The page the reader is on, in each of the site's languages: the language switcher and
the `hreflang` alternate links of base.html (README, "Languages")."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, ResolverMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info, override


@dataclass(frozen=True)
class LanguageLink:
    code: str
    # The language's name in that language, capitalised ("Français"), as readers look
    # for it.
    name: str
    # Where the switcher goes: this page in that language. Without the query: a link on
    # every page never repeats whatever a visitor put in the address.
    path: str
    # What search engines read: the same, as an absolute address.
    url: str
    current: bool
    # The x-default alternate: the address for readers of any other language.
    default: bool


def language_links_for(request: HttpRequest) -> list[LanguageLink]:
    """This page in every language, the default language first; none for an address that
    has a single language (the API, a widget) or that no page answers (a 404)."""
    match = request.resolver_match
    if match is None:  # no page answers the address
        return []
    current = get_language()
    paths = {code: _path_in(code, match, request.path) for code, _name in settings.LANGUAGES}
    if len(set(paths.values())) < len(paths):
        return []
    return [
        LanguageLink(
            code=code,
            name=capfirst(get_language_info(code)["name_local"]),
            path=path,
            url=request.build_absolute_uri(path),
            current=code == current,
            default=code == settings.LANGUAGE_CODE,
        )
        for code, path in paths.items()
    ]


def _path_in(code: str, match: ResolverMatch, path: str) -> str:
    """`path`, the address `match` was resolved from, in the language `code`.

    As Django's translate_url(), but from the match the request already has: resolving
    the address again, once per language, was most of the links' time.
    """
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path


def language_links(request: HttpRequest) -> dict[str, object]:
    """Context processor: `language_links`, worked out only by a template that uses it
    (not by the htmx fragments)."""
    return {"language_links": SimpleLazyObject(lambda: language_links_for(request))}
