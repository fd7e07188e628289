"""What other sites may show of a letter: an SVG badge and a small widget for an <iframe>.

The only pages that may be framed (`embeddable`); tests/tracker/test_framing.py checks that no
other URL can be.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from letters import page_scopes
from letters.models import Letter
from letters.page_cache import cached_public_page
from tracker.security import embeddable

BADGE_NAME = "Open Letter Tracker"


@embeddable
@require_safe
@cached_public_page(page_scopes.letter)
def letter_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """An SVG badge other sites may show: 'N listed signatories'."""
    letter = get_object_or_404(Letter.objects.published(), slug=slug)
    count = letter.listed_count
    label = ngettext("%(count)s listed signatory", "%(count)s listed signatories", count) % {
        "count": number_format(count, force_grouping=True)
    }
    # Wide enough for the text in the badge's 11px Verdana, about 7px a character.
    name_width, label_width = 12 + 7 * len(BADGE_NAME), 12 + 7 * len(label)
    context = {
        "letter": letter,
        "label": label,
        "name_width": name_width,
        "label_width": label_width,
        "total_width": name_width + label_width,
        "name_x": name_width / 2,
        "label_x": name_width + label_width / 2,
    }
    return render(request, "letters/opendata/badge.svg", context, content_type="image/svg+xml")


@embeddable
@require_safe
@cached_public_page(page_scopes.letter)
def letter_widget(request: HttpRequest, slug: str) -> HttpResponse:
    """A small page for an <iframe> on other sites: title, date, listed count, a link."""
    letters = Letter.objects.published().prefetch_related("reported_counts")
    letter = get_object_or_404(letters, slug=slug)
    return render(request, "letters/opendata/widget.html", {"letter": letter})
