"""The public lists' filter selects (templates/_filter_select.html)."""

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def filter_options(choices: Iterable[tuple[object, object]], selected: object) -> SafeString:
    """The select's `<option>`s, the one whose value is `selected` marked as chosen.

    Values and labels are plain text (codes, country names, choice labels), escaped here
    as the template escaped them. Written in Python rather than by a template loop: the
    country filter has an option per country on the letter, and at 40 countries the loop
    took 0.4 to 0.7 ms, format_html_join 0.8 ms and these f-strings 0.06 ms (the standard
    library's html.escape, which Django's escape() calls, without its lazy-string check).
    """
    options = (
        f'<option value="{escape(str(value))}"{" selected" if value == selected else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in choices
    )
    # Safe: every value and label is escaped above.
    return mark_safe("".join(options))
