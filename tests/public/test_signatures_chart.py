"""The chart of signatures over time on a letter page: listed signatories only, by the
date a source first listed them (never when we recorded them), shown only when at least
two distinct dates are known."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from letters.models import SignatureStatus
from letters.public.charts import MAX_BARS, Bar, Chart, chart_html, signatures_over_time
from tests import factories


def sign(letter, first_listed=None, status=SignatureStatus.REPORTED, count=1, **fields):
    for _ in range(count):
        factories.SignatureFactory(
            letter=letter, first_listed=first_listed, status=status, **fields
        )
    # The chart reads the per-date counts the database keeps on the letter.
    letter.refresh_from_db()


@pytest.fixture
def letter(db):
    return factories.LetterFactory(title="Letter over time", slug="letter-over-time")


def totals(chart) -> list[tuple[str, int, int]]:
    return [(bar.date, bar.added, bar.total) for bar in chart.bars]


def test_listed_signatories_add_up_by_the_date_they_were_first_listed(letter):
    sign(letter, "2020-02-06", count=9)
    sign(letter, "2020-02-07")
    sign(letter, "2020-02-06", status=SignatureStatus.CONFIRMED)
    sign(letter, None, count=3)
    letter.refresh_counts()

    chart = signatures_over_time(letter)

    assert totals(chart) == [("2020-02-06", 10, 10), ("2020-02-07", 1, 11)]
    assert chart.total == 11
    assert chart.undated == 3
    assert [bar.label for bar in chart.bars] == ["6 February 2020", "7 February 2020"]


def test_partial_dates_keep_their_precision_and_calendar_order(letter):
    sign(letter, "2021-03")
    sign(letter, "2020")
    sign(letter, "2020-02-06")

    chart = signatures_over_time(letter)

    assert totals(chart) == [("2020", 1, 1), ("2020-02-06", 1, 2), ("2021-03", 1, 3)]
    assert [bar.label for bar in chart.bars] == ["2020", "6 February 2020", "March 2021"]


@pytest.mark.parametrize(
    "signatures",
    [
        [],
        [(None, SignatureStatus.REPORTED)] * 3,
        [("2020-02-06", SignatureStatus.REPORTED)] * 4,
        [("2020-02-06", SignatureStatus.REPORTED), (None, SignatureStatus.CONFIRMED)],
        [("2020-02-06", SignatureStatus.REPORTED), ("2020-03-01", SignatureStatus.DISPUTED)],
        [("2020-02-06", SignatureStatus.WITHDRAWN), ("2020-03-01", SignatureStatus.PENDING)],
        [("2020-02-06", SignatureStatus.REJECTED), ("2020-03-01", SignatureStatus.CONFIRMED)],
    ],
    ids=[
        "no signature",
        "only unknown dates",
        "one date",
        "one date and an unknown one",
        "second date only on a disputed signature",
        "dates only on signatures that are not listed",
        "second date on a rejected signature",
    ],
)
def test_no_chart_without_two_distinct_known_dates_of_listed_signatures(client, letter, signatures):
    for first_listed, status in signatures:
        sign(letter, first_listed, status=status)

    assert signatures_over_time(letter) is None
    content = client.get(letter.get_absolute_url()).content.decode()
    assert "chart-svg" not in content
    assert "Signatures over time" not in content


def test_the_date_we_recorded_a_signature_is_never_used(letter):
    for day in (1, 2, 3):
        sign(letter, None, entered_at=timezone.make_aware(datetime.datetime(2024, 5, day)))

    assert signatures_over_time(letter) is None


def test_many_dates_are_grouped_by_month_so_bars_stay_visible(letter):
    first = datetime.date(2020, 1, 1)
    days = [(first + datetime.timedelta(days=n)).isoformat() for n in range(MAX_BARS + 20)]
    for day in days:
        sign(letter, day)

    chart = signatures_over_time(letter)

    assert [bar.date for bar in chart.bars] == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert chart.total == len(days)


def test_the_chart_needs_no_query_and_follows_bulk_updates(letter, django_assert_num_queries):
    factories.create_signatures(letter, 300)
    letter.signatures.update(first_listed="2020-02-06")
    letter.signatures.filter(pk__in=letter.signatures.values("pk")[:100]).update(
        first_listed="2020-03"
    )
    letter.refresh_from_db()

    with django_assert_num_queries(0):
        chart = signatures_over_time(letter)

    assert totals(chart) == [("2020-02-06", 200, 200), ("2020-03", 100, 300)]


def test_bars_fit_the_chart_and_grow_with_the_running_total(letter):
    sign(letter, "2020-01-01", count=1)
    sign(letter, "2020-01-02", count=3)

    chart = signatures_over_time(letter)

    low, high = chart.bars
    assert high.height == chart.height and high.y == 0
    assert low.height == pytest.approx(chart.height / 4)
    assert low.y + low.height == pytest.approx(chart.height)
    assert 0 <= low.x < low.x + low.width <= high.x < high.x + high.width <= chart.width


def test_the_letter_page_draws_the_chart_with_a_text_alternative(client, nspcc_letter):
    content = client.get(nspcc_letter.get_absolute_url()).content.decode()

    assert '<svg class="chart-svg"' in content
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in content
    assert '<desc id="chart-desc">9 by 6 February 2020; 10 by 7 February 2020.</desc>' in content
    assert (
        "10 listed signatories by the date a source first listed them, from 6 February 2020 "
        "to 7 February 2020; 8 more with no known date." in content
    )
    assert (
        '<th scope="row"><time datetime="2020-02-07">7 February 2020</time></th>'
        "<td>1</td><td>10</td>" in content
    )
    svg = content[content.index("<svg") : content.index("</svg>")]
    assert "style" not in svg
    assert svg.count('<rect class="chart-bar"') == 2


def test_every_text_in_the_charts_markup_is_escaped():
    hostile = "<script>alert('x')</script> & \"quoted\""
    bar = Bar(
        date=hostile,
        label=hostile,
        short_label=hostile,
        added=1,
        total=1,
        added_text=hostile,
        total_text=hostile,
        description=hostile,
        tooltip=hostile,
        x=0,
        y=0,
        width=1,
        height=1,
    )

    markup = chart_html(Chart(bars=[bar, bar], undated=0))

    assert "<script>" not in markup and '"quoted"' not in markup
    # Six texts a bar, the caption's first and last dates, the description's two bars.
    assert markup.count(escape(hostile)) == 2 * 6 + 2 + 2


def test_the_htmx_fragment_has_no_chart(client, nspcc_letter):
    content = client.get(
        nspcc_letter.get_absolute_url(), {"q": "nspcc"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert "chart-svg" not in content


def test_correcting_a_date_or_a_country_updates_the_letters_summaries(letter):
    sign(letter, "2020-02-06", country="FR")
    sign(letter, "2020-02-07", country="KE")
    signature = letter.signatures.get(first_listed="2020-02-07")

    signature.first_listed = "2020-03"
    signature.country = "PE"
    signature.save()
    letter.refresh_from_db()

    assert letter.listing_timeline == {"2020-02-06": 1, "2020-03": 1}
    assert letter.signatory_countries == ["FR", "PE"]
    assert [bar.date for bar in signatures_over_time(letter).bars] == ["2020-02-06", "2020-03"]
