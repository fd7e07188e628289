"""The snippets another site pastes to show a letter's badge or widget."""

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from letters.models import Letter

register = template.Library()


@register.simple_tag(takes_context=True)
def letter_embed_code(context: Context, letter: Letter, kind: str) -> SafeString:
    """The HTML another site pastes to show the badge or the widget, escaped once more so
    that the page shows it as code (and a title cannot break out of it)."""
    request = context["request"]
    page = request.build_absolute_uri(letter.get_absolute_url())
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
