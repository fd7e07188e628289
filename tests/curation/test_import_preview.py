"""Parsing and matching a signatory list: each kind of real-world mess, row by row."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from letters.curation import matching, reading, writing
from letters.curation.rows import NEW, SKIP, RowStatus
from letters.models import OrganisationKind, SignerKind
from tests import factories

DATA = Path(__file__).parent / "data" / "import"


def preview_file(letter, source, name, **options):
    raw = reading.read_rows((DATA / name).read_bytes(), name)
    return writing.preview(letter, source, raw, file_name=name, **options)


def test_messy_csv_rows_are_classified_one_by_one(letter, source, known_signers):
    rows = preview_file(letter, source, "messy.csv").rows
    got = [(row["line"], row["name"], row["kind"], row["status"], row["choice"]) for row in rows]
    five_rights = str(known_signers["five_rights"].pk)
    sofia = str(known_signers["sofia"].pk)
    org, person = SignerKind.ORGANISATION, SignerKind.INDIVIDUAL
    assert got == [
        # Doubled and surrounding spaces; already signed, so a re-import adds nothing.
        (2, "Open Rights Group", org, RowStatus.SIGNED, SKIP),
        # Upper case, matched through the alias "5 Rights".
        (3, "5 RIGHTS", org, RowStatus.ALIAS, five_rights),
        # The canonical name of the same organisation: a duplicate of line 3.
        (4, "5rights foundation", org, RowStatus.DUPLICATE, SKIP),
        # HTML and an entity left in the cell.
        (5, "Amnesty International", org, RowStatus.NEW, NEW),
        # Decomposed accents (NFD) match the composed name, and are stored composed.
        (6, "Sofía Núñez", person, RowStatus.EXACT, sofia),
        # The same person again in another case.
        (7, "sofía NÚÑEZ", person, RowStatus.DUPLICATE, SKIP),
        (8, "n/a", org, RowStatus.INVALID, SKIP),
        (9, "Anonymous", person, RowStatus.INVALID, SKIP),
        (10, "Individual", person, RowStatus.INVALID, SKIP),
        # Line 11 is an empty row: not a signatory at all.
        (12, "Electronic Frontier Foundaton", org, RowStatus.CLOSE, SKIP),
        # A quoted comma stays in the name.
        (13, "Foo, Bar and Baz", org, RowStatus.NEW, NEW),
        # An embedded line break becomes a space; the row is numbered where it starts.
        (14, "Line Break Trust", org, RowStatus.NEW, NEW),
        (16, "Privacy International", org, RowStatus.NEW, NEW),
        (17, "Someone", org, RowStatus.INVALID, SKIP),
        (18, '=HYPERLINK("http://x.example")', org, RowStatus.INVALID, SKIP),
        (19, "x" * 301, org, RowStatus.INVALID, SKIP),
        (20, "Jane Doe", person, RowStatus.INVALID, SKIP),
        (21, "Jane Roe", person, RowStatus.NEW, NEW),
        (22, "JANE ROE", person, RowStatus.DUPLICATE, SKIP),
        (23, "None", org, RowStatus.INVALID, SKIP),
    ]


def test_messy_csv_reasons_and_other_columns(letter, source, known_signers):
    rows = {row["line"]: row for row in preview_file(letter, source, "messy.csv").rows}
    assert rows[2]["reason"] == "Open Rights Group already signed this letter."
    assert rows[3]["reason"] == "'5 RIGHTS' is an alias of 5Rights Foundation."
    assert rows[4]["reason"] == "Same signatory as line 3."
    assert rows[7]["reason"] == "Same name as line 6."
    assert rows[8]["reason"] == "'n/a' is a placeholder, not a name."
    assert rows[12]["candidates"] == [[known_signers["eff"].pk, "Electronic Frontier Foundation"]]
    assert rows[17]["reason"] == "Unknown kind 'robot'."
    assert "spreadsheet formula" in rows[18]["reason"]
    assert rows[19]["reason"] == "The name is longer than 300 characters."
    assert rows[20]["reason"] == "First listed '2020-13' is not YYYY, YYYY-MM or YYYY-MM-DD."
    # A placeholder in an optional column is an empty value, not a country called "n/a".
    assert rows[5]["country"] == "" and rows[5]["first_listed"] == "2020-02"
    assert rows[6]["role"] == "University of Madrid"
    # An organisation kind in the type column makes an organisation of that kind.
    assert rows[16]["organisation_kind"] == OrganisationKind.CHARITY
    assert rows[21]["note"] == "A note"


def test_windows_1252_file_is_decoded(letter, source):
    rows = preview_file(letter, source, "windows-1252.csv").rows
    assert [(row["name"], row["country"]) for row in rows] == [
        ("Café Société", "France"),
        ("Barnardo’s", "United Kingdom"),
        ("Zürich Ärzte Verein", "Switzerland"),
    ]


def test_utf8_with_and_without_byte_order_mark_read_the_same():
    text = "name\r\nÉcole Libre\r\n"
    with_bom = reading.read_rows(("\ufeff" + text).encode(), "a.csv")
    without = reading.read_rows(text.encode(), "a.csv")
    assert with_bom == without == [{"line": 2, "name": "École Libre"}]


def test_xlsx_rows_are_read_with_dates_and_numbers(letter, source):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Signatory", "Type", "First listed", "No."])
    sheet.append(["Internet Society", "Organisation", "2021-07", 2.0])
    sheet.append([None, None, None, None])
    sheet.append(["Ada Lovelace", "person", None, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    raw = reading.read_rows(buffer.getvalue(), "list.xlsx")
    rows = writing.preview(letter, source, raw, save=False).rows
    assert [(r["line"], r["name"], r["kind"], r["first_listed"], r["position"]) for r in rows] == [
        (2, "Internet Society", SignerKind.ORGANISATION, "2021-07", 2),
        (4, "Ada Lovelace", SignerKind.INDIVIDUAL, "", 3),
    ]


def test_pasted_list_reads_affiliations_countries_and_bullets(letter, source, sofia):
    text = (
        "1. Sofia Nunez (University of Madrid)\n"
        "\n"
        "• Alan Turing, United Kingdom\n"
        "- Grace Hopper (US Navy), United States\n"
        "Anonymous\n"
    )
    rows = writing.preview(
        letter,
        source,
        reading.read_text(text),
        default_kind=SignerKind.INDIVIDUAL,
        first_listed="2020-02-06",
        save=False,
    ).rows
    assert [(r["line"], r["name"], r["role"], r["country"], r["status"]) for r in rows] == [
        (1, "Sofia Nunez", "University of Madrid", "", RowStatus.EXACT),
        (3, "Alan Turing", "", "United Kingdom", RowStatus.NEW),
        (4, "Grace Hopper", "US Navy", "United States", RowStatus.NEW),
        (5, "Anonymous", "", "", RowStatus.INVALID),
    ]
    # The date the list was published, never the date of the import.
    assert {r["first_listed"] for r in rows} == {"2020-02-06"}


def test_two_records_with_the_same_name_ask_the_curator(letter, source):
    first = factories.OrganisationFactory(name="Digital Rights Watch", slug="drw-au")
    second = factories.OrganisationFactory(name="Digital Rights Watch", slug="drw-uk")
    raw = reading.read_text("Digital Rights Watch")
    (row,) = writing.preview(letter, source, raw, save=False).rows
    assert row["status"] == RowStatus.CLOSE and row["choice"] == SKIP
    assert sorted(pk for pk, _ in row["candidates"]) == sorted([first.pk, second.pk])


def test_matching_costs_the_same_queries_whatever_the_number_of_rows(
    letter, source, five_rights, django_assert_num_queries
):
    small = reading.read_text("5 Rights\nNew One\n")
    large = reading.read_text("\n".join(f"New Organisation {n}" for n in range(500)))
    with django_assert_num_queries(6) as few:
        writing.preview(letter, source, small, save=False)
    with django_assert_num_queries(len(few.captured_queries)):
        writing.preview(letter, source, large, save=False)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file has no rows."),
        (b"title,country\r\nA,B\r\n", "with one called 'name'"),
        (b"name\r\nA\x00B\r\n", "NUL bytes"),
        (b"PK\x03\x04 not really a workbook", "not a readable XLSX file"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(content, message):
    with pytest.raises(reading.ImportFileError, match=message):
        reading.read_rows(content, "list.csv")


def test_curator_may_only_choose_what_is_offered(letter, source, known_signers):
    rows = preview_file(letter, source, "messy.csv").rows
    close = next(row for row in rows if row["status"] == RowStatus.CLOSE)
    assert matching.set_choice(close, str(known_signers["eff"].pk))
    assert not matching.set_choice(close, str(known_signers["sofia"].pk))
    invalid = next(row for row in rows if row["status"] == RowStatus.INVALID)
    assert not matching.set_choice(invalid, NEW)
    assert close["choice"] == str(known_signers["eff"].pk) and invalid["choice"] == SKIP


@pytest.mark.parametrize(
    "typed",
    [
        "Anmesty International",
        "Amnesty Internatinoal",
        "mnesty International",
        "AmnestyInternational",
    ],
)
def test_a_typo_anywhere_in_a_name_is_offered_as_a_close_match(letter, source, typed):
    amnesty = factories.OrganisationFactory(name="Amnesty International")
    # Many names sharing the first letters must neither hide the match nor be offered.
    for n in range(50):
        factories.OrganisationFactory(name=f"Amnesty Group {n:02d}")

    [row] = writing.preview(letter, source, reading.read_text(typed), save=False).rows

    assert row["status"] == RowStatus.CLOSE
    assert [pk for pk, _ in row["candidates"]][:1] == [amnesty.pk]
