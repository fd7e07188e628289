"""A letter's list over time: first listed and withdrawn dates from the sources, and how
many it listed on a given day."""

import pytest

from letters.models import SignatureStatus
from letters.public import timeline
from tests import factories


@pytest.fixture
def letter(db):
    letter = factories.LetterFactory(slug="timeline-letter")
    factories.SignatureFactory(letter=letter, published_name="Early Org", first_listed="2020-02-06")
    factories.SignatureFactory(letter=letter, published_name="Month Org", first_listed="2020-03")
    factories.SignatureFactory(
        letter=letter,
        published_name="Leaver Org",
        first_listed="2020-02-06",
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2020-04-01",
        withdrawal_reason="Asked.",
    )
    factories.SignatureFactory(letter=letter, published_name="Undated Org")
    factories.SignatureFactory(
        letter=letter,
        published_name="Doubtful Org",
        first_listed="2020-02-06",
        status=SignatureStatus.DISPUTED,
    )
    factories.SignatureFactory(
        letter=letter,
        published_name="Hidden Org",
        first_listed="2020-02-06",
        status=SignatureStatus.PENDING,
    )
    return letter


URL = "/letters/timeline-letter/timeline/"


def test_timeline_groups_listings_and_withdrawals_by_source_date(client, letter):
    response = client.get(URL)

    assert response.status_code == 200
    days = {day.date: day for day in response.context["days"]}
    assert list(days) == ["2020-02-06", "2020-03", "2020-04-01"]
    assert days["2020-02-06"].listed == 2
    assert [s.published_name for s in days["2020-02-06"].listed_names] == [
        "Early Org",
        "Leaver Org",
    ]
    assert days["2020-04-01"].withdrew == 1
    assert response.context["undated"] == 1
    content = response.content.decode()
    assert "1 signatory has no known first-listed date" in content
    assert "Hidden Org" not in content
    assert "Doubtful Org" not in content
    assert '<time datetime="2020-03">March 2020</time>' in content


@pytest.mark.parametrize(
    ("day", "listed"),
    [("2020-02-05", 0), ("2020-02-07", 2), ("2020-03-01", 3), ("2020-04-01", 2)],
)
def test_as_of_counts_from_source_dates(client, letter, day, listed):
    response = client.get(URL, {"as_of": day})

    assert response.context["as_of"]["listed"] == listed
    noun = "signatory" if listed == 1 else "signatories"
    assert f"the letter listed {listed} {noun}" in response.content.decode()


def test_as_of_says_the_date_in_words(client, letter):
    content = client.get(URL, {"as_of": "2020-02-07"}).content.decode()
    assert "On 7 February 2020 the letter listed 2 signatories" in content


@pytest.mark.parametrize("bad", ["2020-02-30", "yesterday", "2020/02/07", "0001-01-01", "\x00"])
def test_a_bad_as_of_date_is_a_form_error(client, letter, bad):
    response = client.get(URL, {"as_of": bad})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["as_of"] is None
    assert 'class="error"' in response.content.decode()


def test_long_timelines_are_paginated_and_names_capped(client, letter, monkeypatch):
    monkeypatch.setattr(timeline, "TIMELINE_DATES_PER_PAGE", 2)
    monkeypatch.setattr(timeline, "TIMELINE_NAMES_PER_DATE", 1)

    first = client.get(URL)
    second = client.get(URL, {"page": "2"})

    assert [d.date for d in first.context["days"]] == ["2020-02-06", "2020-03"]
    assert len(first.context["days"][0].listed_names) == 1
    assert "2 first listed (the first 1 shown)" in first.content.decode()
    assert [d.date for d in second.context["days"]] == ["2020-04-01"]
    assert client.get(URL, {"page": "999"}).context["page"].number == 2


def test_drafts_have_no_public_timeline(client, draft_letter):
    assert client.get(f"/letters/{draft_letter.slug}/timeline/").status_code == 404


def test_letter_page_links_its_timeline(client, letter):
    content = client.get(letter.get_absolute_url()).content.decode()
    assert f'href="{URL}"' in content


def test_names_are_escaped(client, letter):
    factories.SignatureFactory(
        letter=letter, published_name="<script>alert(1)</script>", first_listed="2020-02-06"
    )
    content = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content
