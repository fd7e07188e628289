"""One formula rule (letters/lib/spreadsheets.py) for the three ways a name reaches a
spreadsheet: an import refuses it, a sign-up refuses it, a CSV download neutralises it.

Imports and sign-ups tidy a name first (surrounding spaces, tabs and line breaks go), so
a name whose only danger was a leading tab or carriage return is kept, tidied; whatever
still starts like a formula after tidying is refused.
"""

import csv
import io

import pytest
from django.urls import reverse

from letters.curation.rows import ImportDefaults, RowStatus, check_row
from letters.lib.spreadsheets import neutralise, starts_like_formula
from letters.models import SignerKind, SignupRequest
from tests import factories

# (the text, whether a spreadsheet may run it, what an import or a sign-up keeps of it:
# None when it is refused)
CELLS = [
    pytest.param("=1+1", True, None, id="="),
    pytest.param("+44 20 7946 0000", True, None, id="+"),
    pytest.param("-2+3", True, None, id="-"),
    pytest.param("@SUM(A1:A9)", True, None, id="@"),
    pytest.param(" =1+1", True, None, id="space then ="),
    pytest.param("   @SUM(A1:A9)", True, None, id="spaces then @"),
    pytest.param("\n=1+1", True, None, id="line feed then ="),
    pytest.param("\r\n+1", True, None, id="line break then +"),
    pytest.param("＝1+1", True, None, id="full-width ="),
    pytest.param("＋44 20", True, None, id="full-width +"),
    pytest.param("－2+3", True, None, id="full-width -"),
    pytest.param("＠SUM(A1:A9)", True, None, id="full-width @"),
    pytest.param("\tcalc", True, "calc", id="tab"),
    pytest.param("\rcalc", True, "calc", id="carriage return"),
    pytest.param("Open Rights Group", False, "Open Rights Group", id="plain text"),
    pytest.param("Jean-Luc Picard", False, "Jean-Luc Picard", id="- inside text"),
    pytest.param("Rights = Duties + 1", False, "Rights = Duties + 1", id="= and + inside text"),
    pytest.param("info@example", False, "info@example", id="@ inside text"),
    pytest.param("  Open Rights Group", False, "Open Rights Group", id="spaces then text"),
]


@pytest.mark.parametrize(("text", "is_formula", "kept"), CELLS)
def test_a_cell_that_starts_like_a_formula_is_neutralised_with_a_quote(text, is_formula, kept):
    assert starts_like_formula(text) is is_formula
    assert neutralise(text) == ("'" + text if is_formula else text)


@pytest.mark.parametrize(("text", "is_formula", "kept"), CELLS)
def test_an_import_refuses_a_name_that_still_starts_like_a_formula(text, is_formula, kept):
    row = check_row({"line": 2, "name": text}, ImportDefaults(SignerKind.ORGANISATION), "")

    if kept is None:
        assert row["status"] == RowStatus.INVALID
        assert "spreadsheet formula" in row["reason"]
    else:
        assert row["status"] != RowStatus.INVALID, row["reason"]
        assert row["name"] == kept


@pytest.mark.parametrize(("text", "is_formula", "kept"), CELLS)
def test_a_sign_up_refuses_a_name_that_still_starts_like_a_formula(
    client, hosted, settings, text, is_formula, kept
):
    settings.SIGNUP_MIN_SECONDS = 0
    form = factories.organisation_sign_form(name=text)

    response = client.post(reverse("sign_letter", args=[hosted.slug]), form)

    if kept is None:
        assert response.status_code == 400
        assert "name" in response.context["form"].errors
        assert not SignupRequest.objects.exists()
    else:
        assert response.status_code == 302
        assert SignupRequest.objects.get().name == kept


@pytest.mark.parametrize(("text", "is_formula", "kept"), CELLS)
def test_the_csv_download_neutralises_a_cell_that_starts_like_a_formula(
    client, published_letter, text, is_formula, kept
):
    factories.SignatureFactory(
        letter=published_letter,
        organisation=factories.OrganisationFactory(name="Canonical", slug="canonical"),
        published_name=text,
        role=text,
    )

    response = client.get(f"/letters/{published_letter.slug}/signatories.csv")

    content = b"".join(response.streaming_content).decode()
    (row,) = csv.DictReader(io.StringIO(content, newline=""))
    expected = "'" + text if is_formula else text
    assert (row["published_name"], row["role"]) == (expected, expected)
