"""A signature made through this site's form says where it comes from wherever it is
shown: the letter page, the feed, the CSV and JSON downloads and the API (issue 12,
section 2); a withdrawal shows its reason in all of them (section 6)."""

import csv
import datetime
import io
import json
from xml.etree import ElementTree

import pytest
from django.utils.html import escape

from letters.models import SignatureStatus
from tests import factories

ATOM = "{http://www.w3.org/2005/Atom}"
# 23:30 UTC on 3 March is 3 March in London (the site's time zone in tests, as in
# production), whatever the server's own clock says.
SIGNED_HERE = datetime.datetime(2026, 3, 3, 23, 30, tzinfo=datetime.UTC)
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def signed(published_letter, settings):
    settings.TIME_ZONE = "Europe/London"
    barnardos = factories.OrganisationFactory(name="Barnardo's", slug="barnardos")
    return {
        "domain": factories.SignatureFactory(
            letter=published_letter,
            organisation=barnardos,
            published_name="BARNARDO'S",
            status=SignatureStatus.CONFIRMED,
            signed_on_site_at=SIGNED_HERE,
            verified_domain="barnardos.org.uk",
        ),
        "curator": factories.SignatureFactory(
            letter=published_letter,
            published_name="Small Charity",
            status=SignatureStatus.CONFIRMED,
            signed_on_site_at=SIGNED_HERE,
            verification_method=f"Phoned its office. {HOSTILE}",
        ),
        "claim": factories.PersonSignatureFactory(
            letter=published_letter,
            published_name=HOSTILE,
            role="Press officer, BARNARDO'S",
            status=SignatureStatus.WITHDRAWN,
            withdrawn_on="2026-04-01",
            withdrawal_reason=f"=cmd| {HOSTILE}",
            signed_on_site_at=SIGNED_HERE,
            claimed_organisation=barnardos,
        ),
        "source": factories.SignatureFactory(
            letter=published_letter, published_name="From A Source", status="reported"
        ),
    }


EXPECTED = {
    "domain": ("2026-03-03", "domain", "barnardos.org.uk", ""),
    "curator": ("2026-03-03", "curator", "", f"Phoned its office. {HOSTILE}"),
    "claim": ("2026-03-03", "none", "", ""),
    "source": (None, None, "", ""),
}
FIELDS = ("signed_on_site_on", "verification", "verified_domain", "verification_method")


def by_name(records, signed) -> dict[str, dict]:
    names = {signature.published_name: key for key, signature in signed.items()}
    return {names[record["published_name"].lstrip("'")]: record for record in records}


def test_the_letter_page_says_where_each_site_signature_comes_from(client, signed):
    html = client.get(signed["domain"].letter.get_absolute_url()).content.decode()

    signed_on = "Signed on this site on 3 March 2026; email confirmed"
    assert f'href="/statuses/#signed-here">{signed_on}; verified from barnardos.org.uk</a>' in html
    assert f"{signed_on}; verified by our curators: Phoned its office. {escape(HOSTILE)}" in html
    assert f"{signed_on}; affiliation not verified</a>" in html
    assert html.count("Signed on this site") == 3
    assert f"Reason given: =cmd| {escape(HOSTILE)}" in html
    assert HOSTILE not in html


def test_downloads_carry_provenance_and_the_withdrawal_reason(client, signed):
    slug = signed["domain"].letter.slug
    csv_text = b"".join(client.get(f"/letters/{slug}/signatories.csv").streaming_content)
    json_text = b"".join(client.get(f"/letters/{slug}/signatories.json").streaming_content)

    rows = by_name(csv.DictReader(io.StringIO(csv_text.decode())), signed)
    records = by_name(json.loads(json_text)["signatures"], signed)

    for key, expected in EXPECTED.items():
        assert tuple(records[key][field] for field in FIELDS) == expected
        as_csv = tuple("" if value is None else value for value in expected)
        assert tuple(rows[key][field] for field in FIELDS) == as_csv
    assert records["claim"]["withdrawal_reason"] == f"=cmd| {HOSTILE}"
    assert records["claim"]["published_name"] == HOSTILE  # data, as typed: not HTML
    # A spreadsheet would run the reason as a formula: the CSV defuses it.
    assert rows["claim"]["withdrawal_reason"] == f"'=cmd| {HOSTILE}"
    assert rows["source"]["withdrawal_reason"] == ""


@pytest.mark.parametrize("path", ["signatories.csv", "signatories.json"])
def test_downloads_are_never_taken_for_html(client, signed, path):
    response = client.get(f"/letters/{signed['domain'].letter.slug}/{path}")

    assert response["Content-Type"].split(";")[0] in {"text/csv", "application/json"}
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_api_carries_provenance_and_the_withdrawal_reason(client, signed):
    slug = signed["domain"].letter.slug
    results = client.get(f"/api/v1/letters/{slug}/signatures/").json()["results"]

    records = by_name(results, signed)

    for key, expected in EXPECTED.items():
        assert tuple(records[key][field] for field in FIELDS) == expected
    assert records["claim"]["withdrawal_reason"] == f"=cmd| {HOSTILE}"
    one = client.get(f"/api/v1/signatures/{signed['curator'].pk}/").json()["data"]
    assert one["verification"] == "curator"


def test_a_signers_api_record_carries_them_too(client, signed):
    barnardos = signed["domain"].organisation
    (record,) = client.get(f"/api/v1/organisations/{barnardos.slug}/").json()["data"]["signatures"]

    assert (record["signed_on_site_on"], record["verified_domain"]) == (
        "2026-03-03",
        "barnardos.org.uk",
    )
    assert record["withdrawal_reason"] == ""


def test_the_feed_summary_is_plain_text_with_provenance_and_reason(client, signed):
    response = client.get(f"/letters/{signed['domain'].letter.slug}/feed/")

    feed = ElementTree.fromstring(response.content)
    summaries = {
        entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}summary")
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert {summary.get("type") for summary in summaries.values()} == {"text"}
    claim = summaries[HOSTILE].text
    assert "Withdrawn on 1 April 2026: =cmd| " + HOSTILE in claim
    assert "Signed on this site on 3 March 2026; email confirmed; affiliation not verified" in claim
    assert "verified from barnardos.org.uk" in summaries["BARNARDO'S"].text
    assert summaries["From A Source"].text == "Signed."
    assert b'type="html"' not in response.content
    assert b"<script>" not in response.content
