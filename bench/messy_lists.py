"""Messy signatory lists, as real published ones are: thousands of rows, every kind of
mess issue 12 names, in every format the import reads. Made up (no real signatory), and
deterministic for a seed.

Each row knows the mess it carries and what the import should make of it
(`MessyRow.expect_*`), so that tests can check every row, and the README's walk-through
can show a curator what to expect:

    .venv/bin/python -m bench.messy_lists var/messy --rows 3000

writes list.csv, list.xlsx (with a two-row header), list.json, signers.zip (one YAML
file per signer, as GitHub-signed letters keep them) and pasted.txt.
"""

import argparse
import csv
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "tor",
    "vel",
    "sa",
    "nu",
    "dri",
    "bel",
    "fon",
    "gar",
    "hel",
    "jun",
    "kor",
    "lin",
    "mar",
    "nor",
    "pel",
]
FIRST_NAMES = [
    "Amara",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Elif",
    "Farah",
    "Goran",
    "Hana",
    "Imre",
    "Jonas",
    "Keiko",
    "Lars",
]
BODIES = ["Foundation", "Alliance", "Trust", "Network", "Institute", "Society", "Centre"]
LEGAL_FORMS = ["Ltd", "GmbH", "AG", "Inc.", "LLC", "e.V.", "S.A."]
# Countries as lists write them, with the code the import must store.
COUNTRIES = [
    ("UK", "GB"),
    ("U.K.", "GB"),
    ("United Kingdom", "GB"),
    ("Deutschland", "DE"),
    ("USA", "US"),
    ("United States of America", "US"),
    ("GB", "GB"),
    ("Royaume-Uni", "GB"),
    ("france", "FR"),
    ("España", "ES"),
    ("", ""),
]
# Dates as lists write them, with the partial ISO date the import must store.
DATES = [
    ("2021-08-08T16:17:13+02:00", "2021-08-08"),
    ("22/01/2024", "2024-01-22"),
    ("January 2024", "2024-01"),
    ("8 Aug 2021", "2021-08-08"),
    ("2020", "2020"),
    ("2020-02-06", "2020-02-06"),
    ("", ""),
]
COLUMNS = ["Full Name", "Type", "Country", "Affiliation", "Signed at", "Link", "Email"]
KEYS = ["name", "kind", "country", "role", "date", "url", "email"]


@dataclass
class MessyRow:
    """One row as the list writes it, the mess it carries, and what the import must find:
    its status when the row alone decides it, a fragment of the reason, clean values."""

    cells: dict[str, str]
    mess: str
    expect_status: str = "new"
    expect_reason: str = ""
    expect: dict[str, str] = field(default_factory=dict)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _base_row(rng: random.Random, serial: int) -> MessyRow:
    """A clean row: an organisation or a person, with a country and a date as lists
    write them."""
    country, code = rng.choice(COUNTRIES)
    date, iso = rng.choice(DATES)
    if rng.random() < 0.5:
        name = f"{_word(rng)} {_word(rng)} {rng.choice(BODIES)} {serial}"
        cells = {"name": name, "kind": rng.choice(["Organisation", "org", ""])}
        kind = "organisation"
    else:
        name = f"{rng.choice(FIRST_NAMES)} {_word(rng)}{serial}"
        cells = {"name": name, "kind": rng.choice(["Individual", "person"])}
        cells["role"] = rng.choice(["", f"{_word(rng)} University", "Independent"])
        kind = "individual"
    cells.update(country=country, date=date)
    expect = {"name": name, "kind": kind, "country": code, "first_listed": iso}
    return MessyRow(cells, "clean", expect=expect)


def _messes(rng: random.Random, serial: int) -> list[Callable[[MessyRow], MessyRow]]:
    """Each kind of mess, applied to a clean row."""

    def spaces_and_case(row: MessyRow) -> MessyRow:
        row.cells["name"] = f"  {row.cells['name'].replace(' ', '   ')} "
        row.mess = "spaces"
        return row

    def html(row: MessyRow) -> MessyRow:
        row.cells["name"] = f"<b>{row.expect['name']}</b>&nbsp;"
        row.mess = "html"
        return row

    def angle_brackets(row: MessyRow) -> MessyRow:
        name = f"Volkov <{_word(rng)}{serial}> Alexandr"
        row.cells.update(name=name, kind="individual")
        row.expect.update(name=name, kind="individual")
        row.mess = "angle brackets kept"
        return row

    def comma_in_name(row: MessyRow) -> MessyRow:
        name = f"Collé {_word(rng)} {serial}, LLC"
        row.cells.update(name=name, kind="")
        row.expect.update(name=name, kind="organisation")
        row.mess = "comma in name, legal form tells the kind"
        return row

    def legal_form_kind_guess(row: MessyRow) -> MessyRow:
        name = f"{_word(rng)} {_word(rng)} {serial} {rng.choice(LEGAL_FORMS)}"
        row.cells.update(name=name, kind="")
        row.expect.update(name=name, kind="organisation")
        row.mess = "kind guessed"
        return row

    def bad_country(row: MessyRow) -> MessyRow:
        row.cells["country"] = rng.choice(["Narnia", "Latin America (region)", '=HYPERLINK("x")'])
        return _invalid(row, "bad country", "country")

    def bad_date(row: MessyRow) -> MessyRow:
        row.cells["date"] = rng.choice(["yesterday", "31/02/2024", "2020-13"])
        return _invalid(row, "bad date", "first listed")

    def placeholder(row: MessyRow) -> MessyRow:
        row.cells["name"] = rng.choice(["n/a", "Anonymous", "-", "None", "TBC"])
        return _invalid(row, "placeholder", "placeholder")

    def invisible(row: MessyRow) -> MessyRow:
        row.cells["name"] = rng.choice(["\u3164", "\u0301\u0302", "\u3164 \u200b"])
        return _invalid(row, "invisible name", "no visible character")

    def formula(row: MessyRow) -> MessyRow:
        row.cells["name"] = f'=HYPERLINK("http://x.example/{serial}")'
        return _invalid(row, "formula", "formula")

    def unknown_kind(row: MessyRow) -> MessyRow:
        row.cells["kind"] = "robot"
        return _invalid(row, "unknown kind", "unknown kind")

    def long_name(row: MessyRow) -> MessyRow:
        row.cells["name"] = "x" * 400
        return _invalid(row, "long name", "longer than")

    def handle_with_link(row: MessyRow) -> MessyRow:
        handle = f"{_word(rng).lower()}_{serial}"
        row.cells.update(name=handle, kind="individual", url=f"github.com/{handle}")
        row.expect.update(name=handle, kind="individual", url=f"https://github.com/{handle}")
        row.mess = "handle with a profile link"
        return row

    def email(row: MessyRow) -> MessyRow:
        row.cells["email"] = f"contact{serial}@{_word(rng).lower()}.example"
        row.mess = "email (only the domain is kept)"
        return row

    return [
        spaces_and_case,
        html,
        angle_brackets,
        comma_in_name,
        legal_form_kind_guess,
        bad_country,
        bad_date,
        placeholder,
        invisible,
        formula,
        unknown_kind,
        long_name,
        handle_with_link,
        email,
    ]


def _invalid(row: MessyRow, mess: str, reason: str) -> MessyRow:
    row.mess, row.expect_status, row.expect_reason = mess, "invalid", reason
    return row


def _pairs(rng: random.Random, serial: int) -> list[MessyRow]:
    """Rows that are messy together: duplicates, namesakes, an organisation twice."""
    first = rng.choice(FIRST_NAMES)
    namesake = {"kind": "individual", "country": "", "date": ""}
    organisation = f"{_word(rng)} {_word(rng)} Coalition {serial}"
    return [
        # Two people of one first name with different profiles: two signers.
        MessyRow(
            {**namesake, "name": first, "url": f"https://github.com/{first.lower()}{serial}a"},
            "namesake 1",
            expect={"name": first, "kind": "individual"},
        ),
        MessyRow(
            {**namesake, "name": first, "url": f"https://github.com/{first.lower()}{serial}b"},
            "namesake 2 (another link: another signer)",
            expect={"name": first, "kind": "individual"},
        ),
        # The same person twice, in other case and spacing: a duplicate.
        MessyRow(
            {**namesake, "name": f"{first} {_word(rng)}{serial}x"},
            "repeated 1",
            expect={"kind": "individual"},
        ),
        # An organisation, and its name again listed as an individual: counted once.
        MessyRow(
            {"name": organisation, "kind": "organisation", "country": "UK", "date": ""},
            "organisation",
            expect={"name": organisation, "kind": "organisation", "country": "GB"},
        ),
        MessyRow(
            {"name": organisation.upper(), "kind": "individual", "country": "", "date": ""},
            "organisation listed as an individual",
            expect_status="duplicate",
            expect_reason="listed as an organisation",
        ),
    ]


def messy_rows(count: int = 3000, seed: int = 12) -> list[MessyRow]:
    """`count` rows (about): one in three carries a mess, and every 40 rows a group of
    rows messy together."""
    rng = random.Random(seed)
    rows: list[MessyRow] = []
    serial = 0
    while len(rows) < count:
        serial += 1
        if serial % 40 == 0:
            group = _pairs(rng, serial)
            repeated = group[2]
            rows += group
            again = dict(repeated.cells, name=f"  {repeated.cells['name'].upper()} ")
            rows.append(MessyRow(again, "repeated 2", "duplicate", "same name as line"))
            continue
        row = _base_row(rng, serial)
        if rng.random() < 0.35:
            row = rng.choice(_messes(rng, serial))(row)
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------


def as_csv(rows: list[MessyRow]) -> bytes:
    """A CSV as a spreadsheet saves it: byte-order mark, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.cells.get(key, "") for key in KEYS])
    return ("\ufeff" + buffer.getvalue()).encode()


def as_xlsx(rows: list[MessyRow]) -> bytes:
    """An XLSX with a title row and a two-row header: 'Signatory' merged over the name
    and type columns, the column titles under it."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Signatories of the open letter (made-up data)"])
    sheet.append(["Signatory", None, "Where", None, "When", "Links", None])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("F2:G2")
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row.cells.get(key, "") for key in KEYS])
    # Text that starts with "=" is what the cell shows, not a formula to compute.
    for cells in sheet.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_json(rows: list[MessyRow]) -> bytes:
    records = [{key: row.cells.get(key, "") for key in KEYS} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode()


def _yaml_scalar(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def as_yaml_zip(rows: list[MessyRow]) -> bytes:
    """One YAML file per signer, as GitHub-signed letters keep them (signed/NNNN.yaml:
    name, link, affiliation), plus one whose name YAML 1.1 would read as a number."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, row in enumerate(rows, 1):
            lines = [f"name: {_yaml_scalar(row.cells['name'])}"]
            if row.cells.get("url"):
                lines.append(f"link: {row.cells['url']}")
            if row.cells.get("role"):
                lines.append(f"affiliation: {_yaml_scalar(row.cells['role'])}")
            if row.cells.get("kind"):
                lines.append(f"type: {_yaml_scalar(row.cells['kind'])}")
            archive.writestr(f"signed/{number:05d}.yaml", "\n".join(lines) + "\n")
        archive.writestr(
            "signed/zz-hex.yaml", "name: 0x0000ff\nlink: https://github.com/0x0000ff\n"
        )
    return buffer.getvalue()


def as_pasted(rows: list[MessyRow]) -> str:
    """The list as a page prints it: 'Name (Affiliation)', 'Name, Country' or 'Name'."""
    lines = []
    for row in rows:
        name, role, country = row.cells["name"], row.cells.get("role"), row.cells.get("country")
        if role:
            lines.append(f"{name} ({role})")
        elif country and not country.startswith("="):
            lines.append(f"{name}, {country}")
        else:
            lines.append(name)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=12)
    arguments = parser.parse_args()
    rows = messy_rows(arguments.rows, arguments.seed)
    folder: Path = arguments.folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "list.csv").write_bytes(as_csv(rows))
    (folder / "list.xlsx").write_bytes(as_xlsx(rows))
    (folder / "list.json").write_bytes(as_json(rows))
    (folder / "signers.zip").write_bytes(as_yaml_zip(rows))
    (folder / "pasted.txt").write_text(as_pasted(rows), encoding="utf-8")
    messes: dict[str, int] = {}
    for row in rows:
        messes[row.mess] = messes.get(row.mess, 0) + 1
    print(
        f"{len(rows):,} rows in {folder}/: list.csv, list.xlsx, list.json, signers.zip, pasted.txt"
    )
    for mess, total in sorted(messes.items(), key=lambda item: -item[1]):
        print(f"  {total:5,}  {mess}")


if __name__ == "__main__":
    main()
