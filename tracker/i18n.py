"""The page the reader is on, in each of the site's languages: the language switcher and
the `hreflang` alternate links of base.html (README, "Languages")."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info


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
    current = get_language()
    paths = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
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


def language_links(request: HttpRequest) -> dict[str, object]:
    """Context processor: `language_links`, worked out only by a template that uses it
    (not by the htmx fragments)."""
    return {"language_links": SimpleLazyObject(lambda: language_links_for(request))}
