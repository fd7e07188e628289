"""An import's rows are kept a table row each and read, matched and written a chunk at a
time (letters/curation/import_rows.py): the chunks must not change what a list becomes."""

import pytest

from letters.curation import import_rows, writing
from letters.curation.rows import NEW, RowStatus
from letters.models import SignatoryImportRow, Signature
from tests import factories
from tests.curation.conftest import confirm, preview


def messy_list() -> str:
    """Rows whose reading depends on rows far from them: a duplicate of an earlier row,
    an organisation's name given first as an individual and only later as an organisation,
    namesakes told apart by their profiles, and a date column whose day order only a late
    row settles."""
    rows = [
        "name,kind,first_listed,url",
        "Open Web Collective,individual,03/04/2024,",
        "Same Group,organisation,03/04/2024,",
        "Alex Doe,individual,04/05/2024,https://github.com/alexdoe",
    ]
    rows += [f"Filler Organisation {n},organisation,01/02/2024," for n in range(12)]
    rows += [
        "Same Group,organisation,05/04/2024,",
        "Alex Doe,individual,06/05/2024,https://github.com/alex-doe-2",
        "Open Web Collective,organisation,07/04/2024,",
        "Late Date Trust,organisation,25/04/2024,",
    ]
    return "\n".join(rows) + "\n"


def test_rows_read_a_chunk_at_a_time_are_what_the_whole_list_gives(letter, source, monkeypatch):
    whole = preview(letter, source, messy_list().encode()).rows
    monkeypatch.setattr(import_rows, "CHUNK_SIZE", 4)
    chunked_import = preview(letter, source, messy_list().encode())

    assert chunked_import.rows == whole
    by_line = {row["line"]: row for row in whole}
    # Its organisation's row comes in a later chunk.
    assert by_line[2]["status"] == RowStatus.DUPLICATE
    assert by_line[2]["reason"].startswith("Listed as an organisation on line 19")
    assert by_line[17]["reason"] == "Same name as line 3."
    assert by_line[18]["status"] == RowStatus.NEW  # another Alex Doe's profile
    assert by_line[2]["first_listed"] == "2024-04-03"  # day first, as line 20 shows
    # The columns the preview filters and counts by follow each row's data.
    columns = SignatoryImportRow.objects.filter(signatory_import=chunked_import)
    assert {(r.status, r.choice) for r in columns} == {
        (r.data["status"], r.data["choice"]) for r in columns
    }
    assert import_rows.counts(chunked_import) == chunked_import.report["counts"]


def test_a_confirmation_in_chunks_writes_the_list_in_its_order_once(letter, source, monkeypatch):
    signatory_import = preview(letter, source, messy_list().encode())
    records = list(import_rows.undecided(signatory_import))
    for record in records:
        record.data["choice"] = NEW
    import_rows.save(records)
    monkeypatch.setattr(writing, "SIGNATURE_BATCH", 3)

    report = confirm(signatory_import)

    rows = signatory_import.rows
    written = [row for row in rows if row["outcome"] != "skipped"]
    listed = Signature.objects.filter(letter=letter).order_by("position")
    assert [s.published_name for s in listed] == [row["name"] for row in written]
    assert report["outcomes"] == import_rows.counts(signatory_import, "outcome")
    assert sum(report["outcomes"].values()) == len(rows)
    assert all(row["signer"] for row in written)


def test_a_record_chosen_in_two_chunks_signs_once(letter, source, monkeypatch):
    held = factories.OrganisationFactory(name="Held Foundation")
    signatory_import = preview(letter, source, "Held Foundation\nFiller\nOther\nHeld Fdn\n")
    records = list(import_rows.of(signatory_import))
    for record in records:
        record.data["choice"] = NEW
    for record in (records[0], records[3]):
        record.data["choice"] = str(held.pk)
    import_rows.save(records)
    monkeypatch.setattr(writing, "SIGNATURE_BATCH", 2)

    confirm(signatory_import)

    first, *_, last = signatory_import.rows
    assert first["outcome"] == "signed"
    assert last["outcome"] == "skipped"
    assert last["outcome_reason"] == "Held Foundation already signs this letter."
    assert Signature.objects.filter(letter=letter, organisation=held).count() == 1


def test_a_failed_chunk_leaves_nothing_written(letter, source, monkeypatch):
    signatory_import = preview(letter, source, "One\nTwo\nThree\nFour\nFive\n")
    records = list(import_rows.of(signatory_import))
    for record in records:
        record.data["choice"] = NEW
    import_rows.save(records)
    monkeypatch.setattr(writing, "SIGNATURE_BATCH", 2)
    written = []

    def failing_on_the_third_chunk(self, rows):
        written.append(rows)
        if len(written) == 3:
            raise RuntimeError("the database went away")
        return original(self, rows)

    original = writing._Writer.write
    monkeypatch.setattr(writing._Writer, "write", failing_on_the_third_chunk)
    with pytest.raises(RuntimeError):
        confirm(signatory_import)

    assert not Signature.objects.filter(letter=letter).exists()
    assert {row.get("outcome") for row in signatory_import.rows} == {None}
    signatory_import.refresh_from_db()
    assert signatory_import.status == "preview"


def test_a_preview_run_again_after_a_crash_starts_its_rows_again(letter, source):
    signatory_import = preview(letter, source, "One\nTwo\n")
    type(signatory_import).objects.filter(pk=signatory_import.pk).update(
        status="reading", upload=b"One\nTwo\nThree\n"
    )
    writing.preview_import(signatory_import.pk)
    assert [row["name"] for row in signatory_import.rows] == ["One", "Two", "Three"]
