"""Files as real lists come: every format the import reads, and the broken ones refused
with a reason that names the line, and nothing written."""

import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from letters.curation.reading import ImportFileError, read_text, read_upload
from letters.curation.rows import RowStatus
from letters.models import ImportStatus, SignatoryImport, Signature
from tests.curation.conftest import preview


def xlsx(rows, merge=()):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refused(data, file_name="list.csv"):
    with pytest.raises(ImportFileError) as error:
        read_upload(data, file_name)
    return str(error.value)


def test_an_unclosed_quote_is_refused_naming_its_line():
    message = refused(b'name,country\n"Open Rights Group,UK\nAmnesty International,FR\n')
    assert message.startswith("Line 2: a quote")
    assert "never closed" in message


def test_a_quote_that_swallows_rows_is_refused_not_merged():
    data = b'name,country\n"Open Rights Group,UK\nA,B\nC,D\nE,F\nAmnesty",FR\n'
    assert "Line 2: a quoted cell runs over 5 lines" in refused(data)


def test_a_line_break_inside_a_quoted_name_is_still_one_row():
    result = read_upload(b'name\n"Line\nBreak Trust"\nOther\n', "a.csv")
    assert [row["name"] for row in result.rows] == ["Line Break Trust", "Other"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02binary junk\x00" * 20, "This is a binary file, not a list"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "an old Excel (.xls)"),
        (b"%PDF-1.7\n...", "a PDF document"),
    ],
)
def test_binary_files_are_refused_not_read_as_junk_rows(data, message):
    assert message in refused(data, "list.txt")


def test_an_xlsx_renamed_txt_is_read_as_the_spreadsheet_it_is():
    data = xlsx([["Name", "Country"], ["Open Rights Group", "UK"]])
    result = read_upload(data, "list.txt")
    assert [row["name"] for row in result.rows] == ["Open Rights Group"]
    assert result.notices == ["“list.txt” is an XLSX spreadsheet: read as one."]


def test_a_header_only_file_is_refused(letter, source):
    assert "has a header row (line 1) but no signatories" in refused(b"name,country\n")
    signatory_import = preview(letter, source, b"name,country\n")
    assert signatory_import.status == ImportStatus.FAILED


def test_an_empty_file_is_refused():
    assert refused(b"") == "The file has no rows."


def test_a_two_row_merged_xlsx_header_reads_every_column():
    data = xlsx(
        [
            ["Signatories (title row)"],
            ["Signatory", None, "Where", None],
            ["Name", "Affiliation", "Country", "Date"],
            ["Ada Lovelace", "Analytical Society", "UK", "8 Aug 2021"],
        ],
        merge=["A2:B2", "C2:D2"],
    )
    result = read_upload(data, "list.xlsx")
    assert result.rows == [
        {
            "line": 4,
            "name": "Ada Lovelace",
            "role": "Analytical Society",
            "country": "UK",
            "first_listed": "8 Aug 2021",
        }
    ]
    assert result.notices == ["Line 1 is above the column titles: read as a title, not a row."]


def test_a_merged_header_over_an_untitled_column_of_values_is_refused():
    data = xlsx([["Name", None, "Country"], ["Ada", "Lovelace", "UK"]], merge=["A1:B1"])
    message = refused(data, "list.xlsx")
    assert message.startswith("Column B holds values (such as “Lovelace”) but has no title")


def test_unknown_columns_are_said_not_silently_dropped():
    result = read_upload(b"name,shoe size\nAda,37\n", "a.csv")
    assert result.notices[0].startswith("Column B (“shoe size”) was not read")


def test_a_200000_character_cell_names_its_line(letter, source):
    data = b"name,note\nFine Group,ok\nBroken Group," + b"y" * 200_000 + b"\n"
    rows = preview(letter, source, data).rows
    assert rows[0]["status"] == RowStatus.NEW
    assert rows[1]["status"] == RowStatus.INVALID and rows[1]["line"] == 3
    assert rows[1]["reason"].startswith("The note cell is 200,000 characters long")


def test_angle_brackets_in_a_name_are_text_not_a_tag(letter, source):
    text = "Volkov <Dinozood> Alexandr\n<b>Bold Group</b>\n<script>x</script>Evil & Co\n"
    rows = preview(letter, source, text, default_kind="individual").rows
    assert [row["name"] for row in rows] == [
        "Volkov <Dinozood> Alexandr",
        "Bold Group",
        "xEvil & Co",
    ]


def test_a_json_list_of_objects(letter, source):
    data = json.dumps(
        [
            {"name": "Ada Lovelace", "type": "individual", "country": "UK", "url": "ada.example"},
            {"name": "Open Rights Group", "kind": "organisation", "shoe": 3},
        ]
    ).encode()
    signatory_import = preview(letter, source, data, "list.json")
    rows = signatory_import.rows
    assert [(r["name"], r["kind"], r["country"], r["url"]) for r in rows] == [
        ("Ada Lovelace", "individual", "GB", "https://ada.example"),
        ("Open Rights Group", "organisation", "", ""),
    ]
    assert signatory_import.report["notices"] == ["Fields not read: shoe."]


def test_broken_json_names_its_line():
    assert refused(b'[{"name": "A"},\n{"name": }]', "list.json").startswith("Line 2: the JSON")


def test_yaml_keeps_every_value_as_text(letter, source):
    data = (
        b"- name: 0x0000ff\n  link: https://github.com/0x0000ff\n- name: 'no'\n  date: 2021-08-08\n"
    )
    rows = preview(letter, source, data, "list.yaml", default_kind="individual").rows
    assert [(r["name"], r["url"], r["first_listed"]) for r in rows] == [
        ("0x0000ff", "https://github.com/0x0000ff", ""),
        ("no", "", "2021-08-08"),
    ]


def test_a_zip_of_one_yaml_file_per_signer_as_github_letters_keep_them(letter, source):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("repo/_data/signed/bob.yaml", "name: Bob Builder\nlink: github.com/bob\n")
        archive.writestr("repo/_data/signed/alex.yml", "name: 0x0000ff\nlink: github.com/alex\n")
        archive.writestr("repo/_data/signed/.hidden.yaml", "name: Hidden\n")
        archive.writestr("repo/README.md", "# not a signer")
    rows = preview(letter, source, buffer.getvalue(), "signed.zip", default_kind="individual").rows
    assert [(r["name"], r["url"], r["origin"]) for r in rows] == [
        ("0x0000ff", "https://github.com/alex", "repo/_data/signed/alex.yml"),
        ("Bob Builder", "https://github.com/bob", "repo/_data/signed/bob.yaml"),
    ]


def test_a_file_error_writes_nothing_in_the_admin(curator_client, letter):
    from django.urls import reverse

    upload = io.BytesIO(b'name\n"Unclosed\nOther\n')
    upload.name = "list.csv"
    response = curator_client.post(
        reverse("admin:letters_letter_import", args=[letter.pk]),
        {
            "source_url": "https://example.org/list",
            "file": upload,
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    # Read by a job: the import's page gives the reason; the import is kept as failed,
    # without its file.
    assert response.status_code == 302
    page = curator_client.get(response.url).content.decode()
    assert "nothing was imported: Line 2: a quote" in page
    signatory_import = SignatoryImport.objects.get()
    assert (signatory_import.status, signatory_import.upload, signatory_import.rows) == (
        ImportStatus.FAILED,
        None,
        [],
    )
    assert not Signature.objects.exists()


def test_pasted_text_with_only_blank_lines_is_refused():
    with pytest.raises(ImportFileError, match="The list is empty"):
        read_text("\n  \n")
