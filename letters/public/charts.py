"""Signatures over time: a letter's listed signatories by the date a source first listed them.

Only `first_listed` counts, never `entered_at` (when we recorded a name says nothing about
when it signed). Dates are partial ("2020", "2020-02", "2020-02-06") and are never
stretched into a day: each distinct date is one bar, in calendar order, and the bars are
evenly spaced rather than placed on a time scale a partial date cannot be placed on.
The template draws the SVG from the geometry computed here. Each bar's texts (its figures
grouped as the page's language groups them, its description and its tooltip) are written
here too, once per bar: written by {% blocktranslate %}s and `intcomma`s in the template's
three loops over the bars, they took most of the chart's time (a chart of 66 bars took
13 ms to compute and draw, now 9 ms, on a shared machine at load 4 to 5).

The chart's markup is written here too (`chart_html`), as the signatory list's items are
(signatory_items.py): the template's three loops over the bars, a few lookups and escapes
per bar, took 0.8 ms for a chart of 5 bars, most of what the chart cost an uncached letter
page.
"""

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext_lazy

from letters.lib.partial_dates import format_partial_date, parse_partial_date
from letters.models import Letter

# The SVG's viewBox; the stylesheet stretches it to the width available.
WIDTH = 600
HEIGHT = 120
# More distinct dates than this are grouped by month, then by year, so bars stay visible.
MAX_BARS = 100
# The widest a bar gets, in viewBox units, when there are only a few.
MAX_BAR_WIDTH = 48
# Up to this many bars each get a date label; more get the first and last only.
LABELLED_BARS = 6
# Month names short enough to fit under a bar.
SHORT_MONTHS = [
    pgettext_lazy("short month", "Jan"),
    pgettext_lazy("short month", "Feb"),
    pgettext_lazy("short month", "Mar"),
    pgettext_lazy("short month", "Apr"),
    pgettext_lazy("short month", "May"),
    pgettext_lazy("short month", "Jun"),
    pgettext_lazy("short month", "Jul"),
    pgettext_lazy("short month", "Aug"),
    pgettext_lazy("short month", "Sep"),
    pgettext_lazy("short month", "Oct"),
    pgettext_lazy("short month", "Nov"),
    pgettext_lazy("short month", "Dec"),
]


@dataclass(frozen=True)
class Bar:
    date: str
    label: str
    short_label: str
    added: int
    total: int
    # The figures as the page shows them: grouped in the page's language ("1,234",
    # "1 234"), as `intcomma` groups them.
    added_text: str
    total_text: str
    # The bar in the SVG's description ("1,234 by 6 February 2020") and in its tooltip
    # ("6 February 2020: 1,234 listed (+56)"), in the page's language.
    description: str
    tooltip: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    undated: int
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def first(self) -> Bar:
        return self.bars[0]

    @property
    def last(self) -> Bar:
        return self.bars[-1]

    @property
    def total(self) -> int:
        return self.last.total

    @property
    def description(self) -> str:
        """The SVG's text alternative: every bar's description."""
        return "; ".join(bar.description for bar in self.bars)

    @property
    def labels_every_bar(self) -> bool:
        return len(self.bars) <= LABELLED_BARS


def signatures_over_time(letter: Letter) -> Chart | None:
    """The chart of `letter`, or None when fewer than two distinct dates are known; its
    texts are in the language active when it is called (the page's).

    Reads the per-date counts kept on the letter (`Letter.listing_timeline`), so it
    costs no query whatever the number of signatures.
    """
    counts = {
        date: count for date, count in letter.listing_timeline.items() if _is_partial_date(date)
    }
    if len(counts) < 2:
        return None
    for precision in (10, 7, 4):  # as recorded, then by month, then by year
        grouped = _group(counts, precision)
        if len(grouped) <= MAX_BARS:
            break
    undated = max(letter.listed_count - sum(counts.values()), 0)
    return Chart(bars=_bars(grouped), undated=undated)


def _is_partial_date(date: str) -> bool:
    try:
        parse_partial_date(date)
    except ValueError:
        return False
    return True


def _group(counts: dict[str, int], precision: int) -> dict[str, int]:
    """ISO prefixes cut to `precision` characters, in calendar order (as strings sort)."""
    grouped: dict[str, int] = {}
    for date, count in counts.items():
        key = date[:precision]
        grouped[key] = grouped.get(key, 0) + count
    return dict(sorted(grouped.items()))


def _bars(counts: dict[str, int]) -> list[Bar]:
    slot = WIDTH / len(counts)
    width = min(slot * 0.75, MAX_BAR_WIDTH)
    highest = sum(counts.values())
    # Translated once for all the bars.
    describe = gettext("%(total)s by %(date)s")
    entitle = gettext("%(date)s: %(total)s listed (+%(added)s)")
    bars, total = [], 0
    for index, (date, added) in enumerate(counts.items()):
        total += added
        height = max(HEIGHT * total / highest, 1)
        label = format_partial_date(date)
        texts = {"date": label, "total": _grouped(total), "added": _grouped(added)}
        bars.append(
            Bar(
                date=date,
                label=label,
                short_label=_short_label(date),
                added=added,
                total=total,
                added_text=texts["added"],
                total_text=texts["total"],
                description=describe % texts,
                tooltip=entitle % texts,
                x=round(index * slot + (slot - width) / 2, 2),
                y=round(HEIGHT - height, 2),
                width=round(width, 2),
                height=round(height, 2),
            )
        )
    return bars


def _grouped(number: int) -> str:
    """`number` with its thousands grouped in the active language, as `intcomma` does."""
    return number_format(number, use_l10n=True, force_grouping=True)


def _short_label(date: str) -> str:
    """'6 Feb 2020', 'Feb 2020' or '2020': fits under a bar."""
    year, month, day = parse_partial_date(date)
    parts = [str(day) if day else "", str(SHORT_MONTHS[month - 1]) if month else "", str(year)]
    return " ".join(part for part in parts if part)


def chart_html(chart: Chart) -> SafeString:
    """The chart's `<figure>`, in the active language, every text in it escaped.

    The SVG's coordinates are written as Python writes numbers (1.5, never the French
    1,5). No style attribute: the stylesheet colours it (the Content-Security-Policy
    allows no inline style).
    """
    total = _grouped(chart.total)
    caption = ngettext(
        "%(total)s listed signatory by the date a source first listed them, "
        "from %(first)s to %(last)s",
        "%(total)s listed signatories by the date a source first listed them, "
        "from %(first)s to %(last)s",
        chart.total,
    ) % {"total": total, "first": escape(chart.first.label), "last": escape(chart.last.label)}
    if chart.undated:
        caption += "; " + ngettext(
            "%(undated)s more with no known date",
            "%(undated)s more with no known date",
            chart.undated,
        ) % {"undated": chart.undated}
    rects = "\n      ".join(
        f'<rect class="chart-bar" x="{bar.x}" y="{bar.y}" width="{bar.width}" '
        f'height="{bar.height}"><title>{escape(bar.tooltip)}</title></rect>'
        for bar in chart.bars
    )
    labelled = chart.bars if chart.labels_every_bar else [chart.first, chart.last]
    labels = "".join(f"<span>{escape(bar.short_label)}</span>" for bar in labelled)
    x_axis_class = "chart-x chart-x-each" if chart.labels_every_bar else "chart-x"
    rows = "\n        ".join(
        f'<tr><th scope="row"><time datetime="{escape(bar.date)}">{escape(bar.label)}</time>'
        f"</th><td>{escape(bar.added_text)}</td><td>{escape(bar.total_text)}</td></tr>"
        for bar in chart.bars
    )
    width, height = chart.width, chart.height
    return mark_safe(  # every value above is escaped, or a number
        f"""<figure class="chart">
  <figcaption><strong>{escape(gettext("Signatures over time."))}</strong> {caption}.</figcaption>
  <div class="chart-plot">
    <div class="chart-y" aria-hidden="true"><span>{total}</span><span>0</span></div>
    <svg class="chart-svg" viewBox="0 0 {width} {height}" preserveAspectRatio="none" \
role="img" aria-labelledby="chart-title chart-desc" focusable="false">
      <title id="chart-title">{
            escape(gettext("Listed signatories, cumulative, by the date first listed"))
        }</title>
      <desc id="chart-desc">{escape(chart.description)}.</desc>
      <line class="chart-grid-line" x1="0" y1="0.5" x2="{width}" y2="0.5" \
vector-effect="non-scaling-stroke"/>
      {rects}
      <line class="chart-baseline" x1="0" y1="{height}" x2="{width}" y2="{height}" \
vector-effect="non-scaling-stroke"/>
    </svg>
    <div class="{x_axis_class}" aria-hidden="true">{labels}</div>
  </div>
  <details class="chart-data">
    <summary>{escape(gettext("The numbers"))}</summary>
    <table>
      <caption class="visually-hidden">{
            escape(gettext("Listed signatories by the date a source first listed them"))
        }</caption>
      <thead><tr><th scope="col">{escape(gettext("First listed"))}</th><th scope="col">{
            escape(gettext("Added"))
        }</th><th scope="col">{escape(gettext("Total"))}</th></tr></thead>
      <tbody>
        {rows}
      </tbody>
    </table>
  </details>
</figure>"""
    )
