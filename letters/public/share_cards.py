"""The picture a shared link to a letter shows (its `og:image`): a 1200×630 PNG with the
letter's title, date and stance, and its listed and reported counts, drawn with Pillow.

A card is drawn once and kept in the shared cache under a digest of what it shows, so it
is drawn again only when the title or the counts change. The letter page links it with
that digest in its URL (`?v=`): link previews see a new address, and fetch the new card,
whenever it changes, and a versioned address may be cached for a year.
"""

import hashlib
import io
import json
from dataclasses import asdict, dataclass
from functools import cache as memoise
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from letters.models import Letter, Side
from letters.page_cache import tolerant

CARD_SIZE = (1200, 630)
SITE_NAME = "Open Letter Tracker"
# A drawn card stays in the cache for 30 days; an unchanged letter's is drawn again after.
CARD_CACHE_SECONDS = 30 * 24 * 3600
# Fonts with wide coverage (Latin, Greek, Cyrillic), where Debian puts them; else Pillow's
# own font, which draws Latin only.
FONT_FILES = {
    "bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ],
    "regular": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ],
}
COLOURS = {
    "background": "#fdfdfb",
    "text": "#1c1d1f",
    "muted": "#55595f",
    "rule": "#d9dbd6",
    Side.FOR: "#1d6b3a",
    Side.AGAINST: "#9a2a1f",
    Side.MIXED: "#5a5a5a",
}
MARGIN = 72
TITLE_SIZES = (64, 56, 48, 42)
TITLE_MAX_LINES = 4

Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class CardContent:
    """Everything a card shows: the same content makes the same card."""

    title: str
    subtitle: str
    listed: str
    reported: str
    side: str

    @property
    def version(self) -> str:
        serialised = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(serialised.encode()).hexdigest()[:16]


def card_content(letter: Letter) -> CardContent:
    """What the card of `letter` shows. Reads `reported_counts.all()`: prefetch it.

    Always in the site's default language: one picture per letter, whichever language's
    page links to it (its version, in the page's `og:image`, must be the card's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _card_content(letter)


def _card_content(letter: Letter) -> CardContent:
    listed = letter.listed_count
    return CardContent(
        title=letter.title,
        subtitle=" · ".join(
            part for part in (letter.display_date, letter.stance or letter.get_side_display())
        ),
        listed=f"{listed:,} signator{pluralize(listed, 'y,ies')} listed here",
        reported=letter.reported_summary(),
        side=letter.side,
    )


def card_url(letter: Letter) -> str:
    """The card's versioned path, for the letter page's `og:image`."""
    version = card_content(letter).version
    return reverse("letter_share_card", args=[letter.slug]) + f"?v={version}"


@memoise
def _font(weight: str, size: int) -> Font:
    for path in FONT_FILES[weight]:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    font = ImageFont.load_default(size)
    if not isinstance(font, ImageFont.FreeTypeFont):
        raise ImproperlyConfigured("Share cards need Pillow built with FreeType.")
    return font


def _wrap(text: str, font: Font, width: int) -> list[str]:
    """Lines of `text` no wider than `width` pixels, broken between words (inside a word
    only when the word alone is too wide)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


def _title_lines(title: str, width: int) -> tuple[list[str], Font]:
    """The title at the largest size that fits in TITLE_MAX_LINES, or cut with an ellipsis
    at the smallest."""
    for size in TITLE_SIZES:
        font = _font("bold", size)
        lines = _wrap(title, font, width)
        if len(lines) <= TITLE_MAX_LINES:
            return lines, font
    lines = lines[:TITLE_MAX_LINES]
    last = lines[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return lines, font


def render_card(content: CardContent) -> bytes:
    width, height = CARD_SIZE
    text_width = width - 2 * MARGIN
    image = Image.new("RGB", CARD_SIZE, COLOURS["background"])
    draw = ImageDraw.Draw(image)
    side_colour = COLOURS.get(content.side, COLOURS[Side.MIXED])
    draw.rectangle((0, 0, 16, height), fill=side_colour)

    draw.text((MARGIN, 48), SITE_NAME, font=_font("bold", 30), fill=COLOURS["muted"])
    y = 112
    lines, title_font = _title_lines(content.title, text_width)
    line_height = round(title_font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=COLOURS["text"])
        y += line_height
    y += 12
    subtitle_font = _font("regular", 32)
    for line in _wrap(content.subtitle, subtitle_font, text_width)[:1]:
        draw.text((MARGIN, y), line, font=subtitle_font, fill=side_colour)

    draw.line((MARGIN, height - 170, width - MARGIN, height - 170), fill=COLOURS["rule"], width=2)
    draw.text((MARGIN, height - 148), content.listed, font=_font("bold", 44), fill=COLOURS["text"])
    if content.reported:
        reported_font = _font("regular", 34)
        reported = _wrap(content.reported, reported_font, text_width)[0]
        draw.text((MARGIN, height - 86), reported, font=reported_font, fill=COLOURS["muted"])

    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def letter_card_png(content: CardContent) -> bytes:
    """The card for `content`, from the cache or drawn now."""
    key = f"letter-card:{content.version}"
    png = tolerant(partial(cache.get, key), None)
    if png is None:
        png = render_card(content)
        tolerant(partial(cache.set, key, png, CARD_CACHE_SECONDS), None)
    return png


@require_safe
def letter_share_card(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A published letter's card; a draft has none (404)."""
    letters = Letter.objects.published().prefetch_related("reported_counts")
    content = card_content(get_object_or_404(letters, slug=slug))
    etag = f'"{content.version}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(letter_card_png(content), content_type="image/png")
    response["ETag"] = etag
    if request.GET.get("v") == content.version:
        # This address names this card: it never changes.
        patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response
