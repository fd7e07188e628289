"""Every word people read in a template is marked for translation: a template string left
unmarked fails here, with its file and text."""

import re
from html.parser import HTMLParser

import pytest

from .catalogues import TEMPLATES, public_templates

# Text that stays the same in every language, and why.
ALLOWED = {
    # The site's name, a brand.
    "Open Letter Tracker",
    # The names of file formats: a citation's, the downloads'.
    "BibTeX",
    "CSV",
    "JSON",
}
# Whole files that are not for people: robots.txt is read by crawlers.
NOT_FOR_PEOPLE = {"robots.txt"}
# Attributes whose values people read (or hear).
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "label"}
# Meta tags whose content is not prose (a type, a locale, a size, a colour scheme).
NOT_PROSE_META = {
    "og:type", "og:locale", "og:image:type", "og:image:width", "og:image:height",
    "twitter:card", "viewport", "color-scheme", "robots", "htmx-config",
}  # fmt: skip

TRANSLATED = re.compile(
    r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}|\{%\s*translate\b.*?%\}", re.S
)
COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
WORD = re.compile(r"[^\W\d_]{2,}")


class ReadText(HTMLParser):
    """The text nodes and read attribute values of an HTML (or SVG) document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or values.get("property")) in NOT_PROSE_META:
            return
        self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.texts.append(data)


def unmarked_text(source: str, is_html: bool) -> list[str]:
    """What is left of a template's text once marked strings, comments and template code
    are taken out: each piece that still holds a word."""
    source = COMMENTS.sub(" ", source)
    source = TRANSLATED.sub(" ", source)
    source = TEMPLATE_CODE.sub(" ", source)
    if is_html:
        parser = ReadText()
        parser.feed(source)
        texts = parser.texts
    else:
        texts = [source]
    found = []
    for text in texts:
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        if WORD.search(text):
            found.append(" ".join(text.split()))
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in public_templates() if p.name not in NOT_FOR_PEOPLE],
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_every_string_of_a_public_template_is_marked_for_translation(path):
    is_html = path.suffix in (".html", ".svg")

    assert unmarked_text(path.read_text(encoding="utf-8"), is_html) == []


def test_the_check_finds_unmarked_text_and_passes_marked_text():
    source = """{% load i18n %}<p title="Hover text">Plain words {{ name }}</p>
    <p>{% translate "Marked" %} {% blocktranslate %}Also {{ marked }}{% endblocktranslate %}</p>
    {# a comment #}<img alt="{% translate 'Marked too' %}"> — Open Letter Tracker"""

    assert unmarked_text(source, is_html=True) == ["Hover text", "Plain words"]
