"""Thousands of messy rows (bench/messy_lists.py), in every format the import reads:
each row found to be what its mess makes it, then written, then imported again to no
effect."""

import pytest

from bench import messy_lists
from letters.curation.rows import RowStatus
from letters.models import IdentityBasis, Organisation, Person, Signature
from tests.curation.conftest import confirm, preview

ROWS = 2000


@pytest.fixture(scope="module")
def messy():
    return messy_lists.messy_rows(ROWS, seed=12)


# What each format carries: the YAML files of a GitHub letter have no country nor date.
FORMATS = {
    "csv": (messy_lists.as_csv, "list.csv", {"name", "kind", "country", "first_listed", "url"}),
    "xlsx": (messy_lists.as_xlsx, "list.xlsx", {"name", "kind", "country", "first_listed"}),
    "json": (messy_lists.as_json, "list.json", {"name", "kind", "country", "first_listed"}),
    "zip": (messy_lists.as_yaml_zip, "signers.zip", {"name", "kind", "url"}),
}
NOT_IN_YAML = {"bad country", "bad date"}


@pytest.mark.parametrize("file_format", FORMATS)
def test_every_messy_row_is_what_its_mess_makes_it(letter, source, messy, file_format):
    write, file_name, compared = FORMATS[file_format]
    signatory_import = preview(letter, source, write(messy), file_name)
    rows = signatory_import.rows
    if file_format == "zip":
        assert rows[-1]["name"] == "0x0000ff"  # the extra file YAML 1.1 would read as 255
        rows = rows[:-1]
    assert len(rows) == len(messy)
    wrong = []
    for expected, row in zip(messy, rows, strict=True):
        if file_format == "zip" and expected.mess in NOT_IN_YAML:
            continue
        got = {key: row.get(key) for key in expected.expect if key in compared}
        want = {key: value for key, value in expected.expect.items() if key in compared}
        if expected.expect_status == RowStatus.INVALID:
            got = want = {}
        if (
            row["status"] != expected.expect_status
            or expected.expect_reason not in row["reason"].lower()
            or got != want
        ):
            wrong.append((row["line"], expected.mess, row["status"], row["reason"], got, want))
    assert wrong == []
    messes = {row.mess for row in messy}
    assert len(messes) >= 15, messes


def test_namesakes_with_different_links_are_two_signers(letter, source, messy):
    rows = preview(letter, source, messy_lists.as_csv(messy)).rows
    pairs = [
        (first, second)
        for first, second in zip(rows, rows[1:], strict=False)
        if first["name"] == second["name"] and first["url"] and second["url"]
    ]
    assert pairs
    assert all(a["status"] == b["status"] == RowStatus.NEW for a, b in pairs)


def test_the_messy_list_is_written_then_adds_nothing_the_second_time(
    letter, source, messy, curator
):
    data = messy_lists.as_csv(messy)
    first = preview(letter, source, data, user=curator)
    report = confirm(first, curator)
    new_rows = sum(1 for row in first.rows if row["status"] == RowStatus.NEW)
    assert report["outcomes"]["created"] == new_rows
    assert Signature.objects.filter(letter=letter).count() == new_rows
    # Countries are codes, dates partial ISO dates, and every signature cites the list.
    assert set(Signature.objects.exclude(country="").values_list("country", flat=True)) <= {
        "GB",
        "DE",
        "US",
        "FR",
        "ES",
    }
    assert not Signature.objects.filter(letter=letter, sources=None).exists()
    assert set(Signature.objects.values_list("identity_basis", flat=True)) == {IdentityBasis.NEW}
    namesakes = Person.objects.filter(name="Amara").count()
    assert namesakes == 2 * sum(
        1 for row in messy if row.mess == "namesake 1" and row.cells["name"] == "Amara"
    )

    again = preview(letter, source, data, user=curator)
    statuses = {row["status"] for row in again.rows}
    assert RowStatus.NEW not in statuses
    assert statuses <= {RowStatus.SIGNED, RowStatus.DUPLICATE, RowStatus.INVALID}
    held = Organisation.objects.count() + Person.objects.count()
    confirm(again, curator)
    assert Organisation.objects.count() + Person.objects.count() == held
    assert Signature.objects.filter(letter=letter).count() == new_rows


def test_the_pasted_messy_list_is_read_line_by_line(letter, source, messy):
    rows = preview(letter, source, messy_lists.as_pasted(messy), default_kind="individual").rows
    assert len(rows) == len(messy)
    with_affiliation = [
        (expected, row)
        for expected, row in zip(messy, rows, strict=True)
        if expected.cells.get("role") and expected.expect_status == RowStatus.NEW
    ]
    assert with_affiliation
    for expected, row in with_affiliation:
        assert row["role"] == expected.cells["role"]
        assert row["kind"] == "individual" or row["kind_reason"].startswith("guessed")
