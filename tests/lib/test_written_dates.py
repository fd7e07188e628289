"""Dates as published lists write them, read as partial ISO dates (letters/lib/partial_dates.py)."""

import pytest

from letters.lib.partial_dates import DayOrder, numeric_day_order, parse_written_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2021-08-08T16:17:13+02:00", "2021-08-08"),
        ("2021-08-08T23:30:00-05:00", "2021-08-08"),  # the date where it was signed
        ("2021-08-08 16:17", "2021-08-08"),
        ("2021-08-08T16:17:13.123Z", "2021-08-08"),
        ("22/01/2024", "2024-01-22"),
        ("22.01.2024", "2024-01-22"),
        ("2024/01/22", "2024-01-22"),
        ("January 2024", "2024-01"),
        ("Jan 2024", "2024-01"),
        ("Sept. 2020", "2020-09"),
        ("8 Aug 2021", "2021-08-08"),
        ("8th August 2021", "2021-08-08"),
        ("Aug 8, 2021", "2021-08-08"),
        ("2024/01", "2024-01"),
        ("2024", "2024"),
        ("2024-01", "2024-01"),
        ("", ""),
    ],
)
def test_written_dates(written, iso):
    assert parse_written_date(written) == iso


def test_numeric_dates_follow_the_day_order():
    assert parse_written_date("01/02/2024") == "2024-02-01"
    assert parse_written_date("01/02/2024", DayOrder.MONTH_FIRST) == "2024-01-02"
    # A number over 12 settles it whatever the order.
    assert parse_written_date("01/22/2024", DayOrder.DAY_FIRST) == "2024-01-22"


def test_the_day_order_of_a_column():
    assert numeric_day_order(["01/22/2024", "03/04/2024"]) == DayOrder.MONTH_FIRST
    assert numeric_day_order(["22/01/2024", "03/04/2024"]) == DayOrder.DAY_FIRST
    assert numeric_day_order(["03/04/2024", "2024-01-02"]) == DayOrder.DAY_FIRST


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("yesterday", "is not a date we can read"),
        ("31/02/2024", "is not a real date"),
        ("2020-13", "is not a real date"),
        ("32 Jan 2020", "is not a real date"),
    ],
)
def test_what_is_not_a_date_says_so(written, message):
    with pytest.raises(ValueError, match=message):
        parse_written_date(written)
