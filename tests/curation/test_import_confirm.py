"""Confirming an import: all rows or none, sourced, with history; a re-import adds nothing."""

import csv
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from letters.curation import matching, reading, writing
from letters.curation.rows import SKIP, RowStatus
from letters.models import (
    ImportStatus,
    Organisation,
    OrganisationKind,
    Person,
    SignatoryImport,
    Signature,
)
from tests import factories

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def messy_import(letter, source, known_signers):
    raw = reading.read_rows((DATA / "messy.csv").read_bytes(), "messy.csv")
    return writing.preview(letter, source, raw, file_name="messy.csv")


def test_confirm_signs_matches_and_creates_new_records(messy_import, letter, curator):
    report = writing.confirm(messy_import, user=curator)
    assert report["outcomes"] == {"signed": 2, "created": 5, "skipped": 13}
    names = set(letter.signatures.values_list("published_name", flat=True))
    assert names == {
        "Open Rights Group",  # signed before the import
        "5 RIGHTS",
        "Sofía Núñez",
        "Amnesty International",
        "Foo, Bar and Baz",
        "Line Break Trust",
        "Privacy International",
        "Jane Roe",
    }
    five_rights = letter.signatures.get(published_name="5 RIGHTS")
    assert five_rights.organisation.name == "5Rights Foundation"
    # Found by every name, as a save would index it.
    assert five_rights.search_text == "5 rights | 5rights foundation"
    charity = Organisation.objects.get(name="Privacy International")
    assert charity.kind == OrganisationKind.CHARITY and charity.slug == "privacy-international"
    assert charity.search_text == "privacy international"
    assert Person.objects.filter(name="Jane Roe").count() == 1
    letter.refresh_from_db()
    assert letter.listed_count == 8
    assert messy_import.status == ImportStatus.CONFIRMED
    stored = SignatoryImport.objects.get(pk=messy_import.pk)
    assert stored.status == ImportStatus.CONFIRMED and stored.report == report


def test_every_imported_signature_cites_the_source_and_the_list_date(messy_import, letter, source):
    writing.confirm(messy_import)
    imported = letter.signatures.exclude(published_name="Open Rights Group")
    assert imported.count() == 7
    for signature in imported:
        assert list(signature.sources.all()) == [source]
        assert signature.status == "reported"
    assert imported.get(published_name="Amnesty International").first_listed == "2020-02"
    # Appended after the existing signatory, in the file's order.
    assert list(letter.signatures.order_by("position").values_list("published_name", flat=True))[
        :3
    ] == ["Open Rights Group", "5 RIGHTS", "Amnesty International"]


def test_history_records_the_user_and_the_source(messy_import, letter, curator):
    writing.confirm(messy_import, user=curator)
    signature = letter.signatures.get(published_name="Jane Roe")
    (entry,) = signature.history.all()
    assert entry.history_user == curator
    assert entry.history_change_reason == "Imported from https://example.org/the-list"
    assert entry.history_type == "+"
    person_entry = signature.person.history.get()
    assert person_entry.history_user == curator
    assert person_entry.history_change_reason == "Imported from https://example.org/the-list"


def test_curator_choices_are_applied(messy_import, letter):
    rows = messy_import.rows
    close = next(row for row in rows if row["status"] == "close")
    eff_pk = close["candidates"][0][0]
    assert matching.set_choice(close, str(eff_pk))
    amnesty = next(row for row in rows if row["name"] == "Amnesty International")
    assert matching.set_choice(amnesty, SKIP)
    SignatoryImport.objects.filter(pk=messy_import.pk).update(rows=rows)
    writing.confirm(messy_import)
    eff = letter.signatures.get(published_name="Electronic Frontier Foundaton")
    assert eff.organisation_id == eff_pk
    assert not letter.signatures.filter(published_name="Amnesty International").exists()
    assert not Organisation.objects.filter(name="Amnesty International").exists()


def test_a_database_error_half_way_leaves_everything_unchanged(messy_import, letter):
    before = {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "signatures": Signature.objects.count(),
        "history": Organisation.history.count() + Signature.history.count(),
        "sources": Signature.sources.through.objects.count(),
    }
    # By the history step the organisations, people, signatures and their sources are
    # all written.
    write_history = writing._insert_history
    failed = []

    def failing(model, *args):
        if model is Signature:
            failed.append(model)
            raise DatabaseError("disk full")
        return write_history(model, *args)

    with mock.patch.object(writing, "_insert_history", failing), pytest.raises(DatabaseError):
        writing.confirm(messy_import)
    assert failed
    after = {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "signatures": Signature.objects.count(),
        "history": Organisation.history.count() + Signature.history.count(),
        "sources": Signature.sources.through.objects.count(),
    }
    assert after == before
    assert SignatoryImport.objects.get(pk=messy_import.pk).status == ImportStatus.PREVIEW
    letter.refresh_from_db()
    assert letter.listed_count == 1
    # Nothing half-done blocks a second attempt.
    writing.confirm(messy_import)
    assert letter.signatures.count() == 8


def test_an_import_is_confirmed_once(messy_import, letter):
    writing.confirm(messy_import)
    with pytest.raises(writing.ImportAlreadyDone):
        writing.confirm(messy_import)
    assert letter.signatures.count() == 8


def test_a_record_signed_meanwhile_is_skipped_not_doubled(messy_import, letter, five_rights):
    factories.SignatureFactory(letter=letter, organisation=five_rights)
    report = writing.confirm(messy_import)
    row = next(row for row in messy_import.rows if row["name"] == "5 RIGHTS")
    assert row["outcome"] == "skipped"
    assert row["outcome_reason"] == "5Rights Foundation already signs this letter."
    assert report["outcomes"]["signed"] == 1


def test_new_slugs_never_collide(letter, source):
    factories.OrganisationFactory(name="Taken Name Ltd", slug="same-name")
    # Two names (normalise keeps "&") that slugify alike.
    raw = reading.read_text("Same Name\nSame & name\n")
    signatory_import = writing.preview(letter, source, raw)
    writing.confirm(signatory_import)
    slugs = sorted(
        Organisation.objects.filter(name__startswith="Same").values_list("slug", flat=True)
    )
    assert slugs == ["same-name-2", "same-name-3"]


def write_csv(path, count, offset=0):
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["name", "type", "country"])
        for number in range(offset, offset + count):
            writer.writerow([f"Signatory Organisation {number:05d}", "organisation", "France"])


def test_command_imports_ten_thousand_rows_then_nothing_on_a_second_run(
    letter, tmp_path, capsys, curator
):
    path = tmp_path / "list.csv"
    write_csv(path, 10_000)
    args = [letter.slug, str(path), "--source", "https://example.org/big-list"]
    call_command("import_signatories", *args, "--first-listed", "2021-03", "--user", "curator")
    output = capsys.readouterr()
    assert "Import #" in output.out and "created 10,000" in output.out
    assert "20,000/20,000" in output.err
    letter.refresh_from_db()
    assert letter.listed_count == 10_000
    assert set(letter.signatures.values_list("first_listed", flat=True)) == {"2021-03"}
    organisations = Organisation.objects.count()
    call_command("import_signatories", *args)
    assert "skipped 10,000" in capsys.readouterr().out
    assert Organisation.objects.count() == organisations
    assert Signature.objects.count() == 10_000


def test_command_dry_run_writes_nothing(letter, tmp_path, capsys):
    path = tmp_path / "names.txt"
    path.write_text("Alpha Trust\nn/a\n", encoding="utf-8")
    call_command(
        "import_signatories",
        letter.slug,
        str(path),
        "--source",
        "https://example.org/x",
        "--dry-run",
    )
    output = capsys.readouterr().out
    assert "line 2: 'n/a': invalid" in output
    assert "Preview (nothing written): 2 rows: invalid 1, new 1." in output
    assert not Organisation.objects.exists() and not SignatoryImport.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["no-such-letter", "list.csv", "--source", "https://e.org/"], "No letter"),
        (["letter-under-import", "missing.csv", "--source", "https://e.org/"], "Cannot read"),
        (["letter-under-import", "list.csv", "--source", "not a url"], "is not a URL"),
        (
            [
                "letter-under-import",
                "list.csv",
                "--source",
                "https://e.org/",
                "--first-listed",
                "May",
            ],
            "--first-listed",
        ),
        (
            ["letter-under-import", "list.csv", "--source", "https://e.org/", "--user", "nobody"],
            "No user",
        ),
        (["letter-under-import", "bad.csv", "--source", "https://e.org/"], "one called 'name'"),
    ],
)
def test_command_refuses_bad_input_clearly(letter, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "list.csv", 2)
    (tmp_path / "bad.csv").write_text("title,country\nA,B\n")
    with pytest.raises(CommandError, match=message):
        call_command("import_signatories", *arguments)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("model_name", ["Signature", "Organisation"])
def test_import_history_rows_are_those_simple_history_would_write(
    db, django_user_model, model_name
):
    from django.utils import timezone

    from letters import models

    model = getattr(models, model_name)
    user = django_user_model.objects.create_user("importer")
    record = factories.SignatureFactory(published_name='Zoë’s "Group"', country="")
    if model_name == "Organisation":
        record = record.organisation
    model.history.all().delete()
    now = timezone.now()

    writing._insert_history(model, [record], user, "Imported from https://example.org", now)
    ours = model.history.get()
    model.history.bulk_history_create(
        [record],
        default_user=user,
        default_change_reason="Imported from https://example.org",
        default_date=now,
    )
    theirs = model.history.exclude(pk=ours.pk).get()

    def columns(row):
        return {
            field.attname: getattr(row, field.attname)
            for field in row._meta.concrete_fields
            if not field.primary_key
        }

    assert columns(ours) == columns(theirs)
    assert ours.history_user == user and ours.history_type == "+"


def test_a_new_name_created_since_the_preview_is_matched_not_duplicated(letter, source):
    signatory_import = writing.preview(letter, source, reading.read_text("Wombat Trust\n"))
    assert signatory_import.rows[0]["status"] == RowStatus.NEW
    meanwhile = factories.OrganisationFactory(name="Wombat Trust")

    report = writing.confirm(signatory_import)

    assert Organisation.objects.filter(name="Wombat Trust").count() == 1
    assert letter.signatures.get().organisation == meanwhile
    [row] = signatory_import.rows
    assert row["outcome"] == "signed"
    assert row["outcome_reason"] == "Matched at confirmation: created since the preview."
    assert report["outcomes"] == {"signed": 1}
