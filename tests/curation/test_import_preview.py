"""Parsing and matching a signatory list: each kind of real-world mess, row by row."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from letters.curation import matching
from letters.curation.rows import NEW, SKIP, UNDECIDED, RowStatus
from letters.models import ImportStatus, OrganisationKind, SignatoryImport, SignerKind
from tests import factories
from tests.curation.conftest import preview

DATA = Path(__file__).parent / "data" / "import"


def preview_file(letter, source, name, **options):
    return preview(letter, source, (DATA / name).read_bytes(), name, **options)


def test_messy_csv_rows_are_classified_one_by_one(letter, source, known_signers):
    rows = preview_file(letter, source, "messy.csv").rows
    got = [(row["line"], row["name"], row["kind"], row["status"], row["choice"]) for row in rows]
    five_rights = str(known_signers["five_rights"].pk)
    org, person = SignerKind.ORGANISATION, SignerKind.INDIVIDUAL
    assert got == [
        # Doubled and surrounding spaces; already signed, so a re-import adds nothing.
        (2, "Open Rights Group", org, RowStatus.SIGNED, SKIP),
        # Upper case, matched through the alias "5 Rights" (a curator recorded it).
        (3, "5 RIGHTS", org, RowStatus.ALIAS, five_rights),
        # The canonical name of the same organisation: the same record as line 3, but
        # by name only, so a curator decides.
        (4, "5rights foundation", org, RowStatus.SAME_NAME, UNDECIDED),
        # HTML and an entity left in the cell.
        (5, "Amnesty International", org, RowStatus.NEW, NEW),
        # Decomposed accents (NFD) match the composed name, but a name alone is no
        # evidence: an affiliation the record never signed with is none either.
        (6, "Sofía Núñez", person, RowStatus.SAME_NAME, UNDECIDED),
        # The same person again in another case.
        (7, "sofía NÚÑEZ", person, RowStatus.DUPLICATE, SKIP),
        (8, "n/a", org, RowStatus.INVALID, SKIP),
        (9, "Anonymous", person, RowStatus.INVALID, SKIP),
        (10, "Individual", person, RowStatus.INVALID, SKIP),
        # Line 11 is an empty row: not a signatory at all.
        (12, "Electronic Frontier Foundaton", org, RowStatus.CLOSE, UNDECIDED),
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
    assert rows[3]["reason"] == "An alias of 5Rights Foundation."
    assert rows[7]["reason"] == "Same name as line 6."
    assert rows[8]["reason"] == "'n/a' is a placeholder, not a name."
    assert [c["id"] for c in rows[12]["candidates"]] == [known_signers["eff"].pk]
    assert rows[17]["reason"] == "Unknown kind 'robot' (organisation or individual)."
    assert "spreadsheet formula" in rows[18]["reason"]
    assert rows[19]["reason"] == "The name is longer than 300 characters."
    assert rows[20]["reason"] == (
        "First listed: '2020-13' is not a real date (month must be in 1..12)."
    )
    # A placeholder in an optional column is an empty value, not a country called "n/a".
    assert rows[5]["country"] == "" and rows[5]["first_listed"] == "2020-02"
    assert rows[6]["role"] == "University of Madrid"
    assert rows[2]["country"] == "GB" and rows[12]["country"] == "US"
    # An organisation kind in the type column makes an organisation of that kind.
    assert rows[16]["organisation_kind"] == OrganisationKind.CHARITY
    assert rows[21]["note"] == "A note"


def test_windows_1252_file_is_decoded(letter, source):
    rows = preview_file(letter, source, "windows-1252.csv").rows
    assert [(row["name"], row["country"]) for row in rows] == [
        ("Café Société", "FR"),
        ("Barnardo’s", "GB"),
        ("Zürich Ärzte Verein", "CH"),
    ]


def test_utf8_with_and_without_byte_order_mark_read_the_same(letter, source):
    text = "name\r\nÉcole Libre\r\n"
    with_bom = preview(letter, source, ("\ufeff" + text).encode(), "a.csv").rows
    without = preview(letter, source, text.encode(), "a.csv").rows
    assert [row["name"] for row in with_bom] == [row["name"] for row in without] == ["École Libre"]


def xlsx(*rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_are_read_with_dates_and_numbers(letter, source):
    data = xlsx(
        ["Signatory", "Type", "First listed", "No."],
        ["Internet Society", "Organisation", "2021-07", 2.0],
        [None, None, None, None],
        ["Ada Lovelace", "person", None, 3],
    )
    rows = preview(letter, source, data, "list.xlsx").rows
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
        "Collé Group, LLC\n"
        "Andres Ruiz (Tyra Vet, Mochic Studio)\n"
    )
    rows = preview(
        letter, source, text, default_kind=SignerKind.INDIVIDUAL, first_listed="2020-02-06"
    ).rows
    assert [
        (r["line"], r["name"], r["role"], r["country"], r["kind"], r["status"]) for r in rows
    ] == [
        (1, "Sofia Nunez", "University of Madrid", "", "individual", RowStatus.SAME_NAME),
        (3, "Alan Turing", "", "GB", "individual", RowStatus.NEW),
        (4, "Grace Hopper", "US Navy", "US", "individual", RowStatus.NEW),
        (5, "Anonymous", "", "", "individual", RowStatus.INVALID),
        # The comma is part of the name: "LLC" is no country; the legal form tells the kind.
        (6, "Collé Group, LLC", "", "", "organisation", RowStatus.NEW),
        # A person with an affiliation, the comma inside the brackets kept.
        (7, "Andres Ruiz", "Tyra Vet, Mochic Studio", "", "individual", RowStatus.NEW),
    ]
    # The date the list was published, never the date of the import.
    assert {r["first_listed"] for r in rows} == {"2020-02-06"}


def test_the_kind_is_guessed_per_row_and_the_guess_is_shown(letter, source):
    text = "Mozilla Foundation\nProton AG\nJane Smith\nUniversity of Oslo\n"
    rows = preview(letter, source, text, default_kind=SignerKind.INDIVIDUAL).rows
    assert [(r["name"], r["kind"], r["organisation_kind"], r["kind_reason"]) for r in rows] == [
        (
            "Mozilla Foundation",
            "organisation",
            OrganisationKind.NGO,
            "guessed from 'foundation' in the name",
        ),
        ("Proton AG", "organisation", OrganisationKind.COMPANY, "guessed from 'ag' in the name"),
        ("Jane Smith", "individual", OrganisationKind.OTHER, "the import's default"),
        (
            "University of Oslo",
            "organisation",
            OrganisationKind.ACADEMIC,
            "guessed from 'university' in the name",
        ),
    ]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2021-08-08T16:17:13+02:00", "2021-08-08"),
        ("2021-08-08T23:59:59Z", "2021-08-08"),
        ("22/01/2024", "2024-01-22"),
        ("January 2024", "2024-01"),
        ("8 Aug 2021", "2021-08-08"),
        ("Aug 8, 2021", "2021-08-08"),
        ("2024", "2024"),
    ],
)
def test_dates_as_real_lists_write_them(letter, source, written, stored):
    data = f'name,date\nSome Organisation,"{written}"\n'.encode()
    (row,) = preview(letter, source, data).rows
    assert (row["status"], row["first_listed"]) == (RowStatus.NEW, stored)


def test_a_list_of_timestamps_is_read_whole_not_refused(letter, source):
    """A real list with timestamps was 100% invalid before."""
    lines = [f"Person {n},2021-08-{n:02d}T16:17:13+02:00" for n in range(1, 29)]
    data = ("name,signed at\n" + "\n".join(lines)).encode()
    rows = preview(letter, source, data, default_kind="individual").rows
    assert {row["status"] for row in rows} == {RowStatus.NEW}


def test_numeric_dates_follow_the_order_the_column_shows(letter, source):
    data = b"name,date\nFirst Group,01/22/2024\nSecond Group,03/04/2024\n"
    rows = preview(letter, source, data).rows
    # 01/22 can only be month first, so the whole column is read month first.
    assert [row["first_listed"] for row in rows] == ["2024-01-22", "2024-03-04"]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("Deutschland", "DE"),
        ("USA", "US"),
        ("gbr", "GB"),
        ("Côte d’Ivoire", "CI"),
    ],
)
def test_countries_are_stored_as_iso_codes(letter, source, written, code):
    (row,) = preview(letter, source, f"name,country\nA Group,{written}\n".encode()).rows
    assert (row["status"], row["country"]) == (RowStatus.NEW, code)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("Narnia", "unknown country 'narnia'"),
        ("Latin America (region)", "is a region, not one country"),
        ('"=HYPERLINK(""http://x"")"', "starts like a spreadsheet formula"),
        ('"France, Germany"', "names several countries"),
    ],
)
def test_anything_but_one_country_is_refused_with_a_reason(letter, source, written, reason):
    (row,) = preview(letter, source, f"name,country\nA Group,{written}\n".encode()).rows
    assert row["status"] == RowStatus.INVALID
    assert reason in row["reason"].lower()


def test_matching_costs_the_same_queries_whatever_the_number_of_rows(
    letter, source, five_rights, django_assert_num_queries
):
    from letters.curation import writing

    small = preview(letter, source, "5 Rights\nNew One\n")
    large = preview(letter, source, "\n".join(f"New Organisation {n}" for n in range(500)))
    with django_assert_num_queries(13) as few:
        writing.match_rows(small)
    with django_assert_num_queries(len(few.captured_queries)):
        writing.match_rows(large)


def test_curator_may_only_choose_what_is_offered(letter, source, known_signers):
    rows = preview_file(letter, source, "messy.csv").rows
    close = next(row for row in rows if row["status"] == RowStatus.CLOSE)
    assert not matching.set_choice(close, str(known_signers["five_rights"].pk))
    assert not matching.set_choice(close, "drop table")
    assert close["choice"] == UNDECIDED
    assert matching.set_choice(close, str(known_signers["eff"].pk))
    assert close["chosen_by_curator"]
    invalid = next(row for row in rows if row["status"] == RowStatus.INVALID)
    assert not matching.set_choice(invalid, NEW)


@pytest.mark.parametrize(
    "typed",
    [
        "Anmesty International",  # two letters swapped in the first word
        "Amnesty Internatinoal",  # near the end
        "mnesty International",  # the first letter lost
        "AmnestyInternational",  # the space lost
    ],
)
def test_a_typo_anywhere_in_a_name_is_offered_as_a_close_match(letter, source, typed):
    amnesty = factories.OrganisationFactory(name="Amnesty International")
    (row,) = preview(letter, source, typed).rows
    assert row["status"] == RowStatus.CLOSE
    assert [c["id"] for c in row["candidates"]] == [amnesty.pk]


def test_a_failed_read_keeps_nothing_but_the_reason(letter, source):
    signatory_import = preview(letter, source, b"name\n", "header-only.csv")
    assert signatory_import.status == ImportStatus.FAILED
    assert "header row (line 1) but no signatories" in signatory_import.error
    assert signatory_import.rows == [] and signatory_import.upload is None
    assert SignatoryImport.objects.get().status == ImportStatus.FAILED
