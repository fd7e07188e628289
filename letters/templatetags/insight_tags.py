"""Insight on pages whose views belong to other modules: citations on a letter page, the
co-signers on an organisation page. The rules live in letters/insight.py and
letters/citation.py; these tags only hand them the page's objects."""

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html

from letters.citation import bibtex_citation, plain_citation
from letters.insight import co_signers
from letters.models import Letter, Organisation

register = template.Library()


def _canonical_url(context, letter: Letter) -> str:
    return context["request"].build_absolute_uri(letter.get_absolute_url())


# No access date: the page may be served from the page cache for days. The cite.txt and
# cite.bib downloads are never cached and carry today's date.
@register.simple_tag(takes_context=True)
def letter_citation_text(context, letter: Letter) -> str:
    return plain_citation(letter, _canonical_url(context, letter), accessed=None)


@register.simple_tag(takes_context=True)
def letter_citation_bibtex(context, letter: Letter) -> str:
    return bibtex_citation(letter, _canonical_url(context, letter), accessed=None)


@register.simple_tag
def co_signers_of(organisation: Organisation) -> list[Organisation]:
    return co_signers(organisation)


@register.simple_tag(takes_context=True)
def letter_embed_code(context, letter: Letter, kind: str) -> str:
    """The HTML another site pastes to show the badge or the widget, escaped once more so
    that the page shows it as code (and a title cannot break out of it)."""
    request = context["request"]
    page = _canonical_url(context, letter)
    if kind == "badge":
        badge = request.build_absolute_uri(reverse("letter_badge", args=[letter.slug]))
        alt = f"{letter.title}: {letter.listed_count} listed signatories"
        return escape(format_html('<a href="{}"><img src="{}" alt="{}"></a>', page, badge, alt))
    widget = request.build_absolute_uri(reverse("letter_widget", args=[letter.slug]))
    return escape(
        format_html(
            '<iframe src="{}" title="{}" width="360" height="180" loading="lazy"></iframe>',
            widget,
            f"{letter.title} on Open Letter Tracker",
        )
    )
