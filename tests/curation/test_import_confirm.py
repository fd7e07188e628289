"""Confirming an import: all rows or none, sourced, with history; a re-import adds nothing."""

import csv
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from letters.curation import import_rows, matching, writing
from letters.curation.rows import RowStatus
from letters.models import (
    IdentityBasis,
    ImportStatus,
    Organisation,
    OrganisationKind,
    Person,
    SignatoryImport,
    Signature,
    SignatureStatus,
)
from tests import factories
from tests.curation.conftest import confirm, preview

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture
def messy_import(letter, source, known_signers):
    """The messy file, previewed, with the rows that wait for a choice decided: the close
    name is EFF, the two same-name rows are new records (nothing shows they are the
    records of that name)."""
    signatory_import = preview(letter, source, (DATA / "messy.csv").read_bytes(), "messy.csv")
    rows = signatory_import.rows
    for row in matching.undecided(rows):
        choice = "new" if row["status"] == RowStatus.SAME_NAME else str(row["candidates"][0]["id"])
        assert matching.set_choice(row, choice)
    import_rows.replace(signatory_import, rows)
    return signatory_import


def test_confirm_signs_matches_and_creates_new_records(messy_import, letter, curator):
    report = confirm(messy_import, curator)
    assert report["outcomes"] == {"signed": 2, "created": 7, "skipped": 11}
    names = set(letter.signatures.values_list("published_name", flat=True))
    assert names == {
        "Open Rights Group",  # signed before the import
        "5 RIGHTS",
        "5rights foundation",
        "Sofía Núñez",
        "Amnesty International",
        "Electronic Frontier Foundaton",
        "Foo, Bar and Baz",
        "Line Break Trust",
        "Privacy International",
        "Jane Roe",
    }
    five_rights = letter.signatures.get(published_name="5 RIGHTS")
    assert five_rights.organisation.name == "5Rights Foundation"
    assert five_rights.identity_basis == IdentityBasis.ALIAS
    # Found by every name, as a save would index it.
    assert five_rights.search_text == "5 rights | 5rights foundation"
    eff = letter.signatures.get(published_name="Electronic Frontier Foundaton")
    assert eff.organisation.name == "Electronic Frontier Foundation"
    assert eff.identity_basis == IdentityBasis.CURATOR
    charity = Organisation.objects.get(name="Privacy International")
    assert charity.kind == OrganisationKind.CHARITY and charity.slug == "privacy-international"
    assert charity.search_text == "privacy international" and charity.country == "GB"
    assert Person.objects.filter(name="Jane Roe").count() == 1
    letter.refresh_from_db()
    assert letter.listed_count == 10
    stored = SignatoryImport.objects.get(pk=messy_import.pk)
    assert stored.status == ImportStatus.CONFIRMED and stored.report == report


def test_every_imported_signature_cites_the_source_and_the_list_date(messy_import, letter, source):
    confirm(messy_import)
    imported = letter.signatures.exclude(published_name="Open Rights Group")
    assert {s.sources.get() for s in imported} == {source}
    assert set(imported.values_list("sourced", flat=True)) == {True}
    amnesty = imported.get(published_name="Amnesty International")
    assert amnesty.first_listed == "2020-02"


def test_history_records_the_user_and_the_source(messy_import, letter, curator):
    confirm(messy_import, curator)
    signature = letter.signatures.get(published_name="Amnesty International")
    created = signature.history.get()
    assert created.history_user == curator
    assert created.history_change_reason == "Imported from https://example.org/the-list"
    assert signature.organisation.history.get().history_user == curator


def test_confirmation_waits_until_every_row_is_decided(letter, source, known_signers):
    signatory_import = preview(letter, source, (DATA / "messy.csv").read_bytes(), "messy.csv")
    with pytest.raises(writing.ImportNotReady) as error:
        confirm(signatory_import)
    assert str(error.value).startswith("3 rows wait for your choice (lines 4, 6, 12)")
    assert letter.signatures.count() == 1
    assert SignatoryImport.objects.get().status == ImportStatus.PREVIEW


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
        confirm(messy_import)
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
    confirm(messy_import)
    assert letter.signatures.count() == 10


def test_an_import_is_confirmed_once(messy_import, letter):
    confirm(messy_import)
    with pytest.raises(writing.ImportAlreadyDone):
        confirm(messy_import)
    assert letter.signatures.count() == 10


def test_a_record_signed_meanwhile_is_skipped_not_doubled(messy_import, letter, five_rights):
    factories.SignatureFactory(letter=letter, organisation=five_rights)
    report = confirm(messy_import)
    row = next(row for row in messy_import.rows if row["name"] == "5 RIGHTS")
    assert row["outcome"] == "skipped"
    assert row["outcome_reason"] == "5Rights Foundation already signs this letter."
    assert report["outcomes"]["signed"] == 1


def test_new_slugs_never_collide(letter, source):
    factories.OrganisationFactory(name="Taken Name Ltd", slug="same-name")
    # Two names (normalise keeps "&") that slugify alike.
    signatory_import = preview(letter, source, "Same Name\nSame & name\n")
    rows = signatory_import.rows
    for row in rows:
        matching.set_choice(row, "new")
    import_rows.replace(signatory_import, rows)
    confirm(signatory_import)
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


def test_command_close_policy_decides_the_rows_that_wait(letter, tmp_path, capsys, five_rights):
    eff = factories.OrganisationFactory(name="Electronic Frontier Foundation")
    path = tmp_path / "list.txt"
    path.write_text("Electronic Frontier Foundaton\n5Rights Foundation\n", encoding="utf-8")
    args = [letter.slug, str(path), "--source", "https://example.org/x"]
    # No terminal to ask: nothing is written, and the rows to decide are listed.
    with pytest.raises(CommandError, match="2 rows wait for a choice and there is no terminal"):
        call_command("import_signatories", *args)
    assert "line 1: 'Electronic Frontier Foundaton': close" in capsys.readouterr().out
    assert not Signature.objects.exists() and not SignatoryImport.objects.exists()

    call_command("import_signatories", *args, "--close=skip", "--dry-run")
    assert "Preview (nothing written)" in capsys.readouterr().out
    call_command("import_signatories", *args, "--close=match")
    assert set(letter.signatures.values_list("organisation", "identity_basis")) == {
        (eff.pk, IdentityBasis.CURATOR),
        (five_rights.pk, IdentityBasis.CURATOR),
    }


def test_command_close_new_makes_new_records(letter, tmp_path, five_rights):
    path = tmp_path / "list.txt"
    path.write_text("5Rights Foundation\n", encoding="utf-8")
    call_command(
        "import_signatories", letter.slug, str(path), "--source", "https://e.org/", "--close=new"
    )
    assert Organisation.objects.filter(name="5Rights Foundation").count() == 2


def test_command_reads_a_folder_of_one_yaml_file_per_signer(letter, tmp_path, capsys):
    folder = tmp_path / "signed"
    folder.mkdir()
    (folder / "ada.yaml").write_text("name: Ada Lovelace\nlink: github.com/ada\n")
    (folder / "hex.yml").write_text("name: 0x0000ff\n")
    (folder / "notes.md").write_text("not a signer")
    call_command(
        "import_signatories",
        letter.slug,
        str(folder),
        "--source",
        "https://github.com/example/letter",
        "--kind",
        "individual",
    )
    assert sorted(letter.signatures.values_list("published_name", flat=True)) == [
        "0x0000ff",
        "Ada Lovelace",
    ]
    assert Person.objects.get(name="Ada Lovelace").website == "https://github.com/ada"


def test_command_imports_ten_thousand_rows_then_nothing_on_a_second_run(
    letter, tmp_path, capsys, curator
):
    path = tmp_path / "list.csv"
    write_csv(path, 10_000)
    args = [letter.slug, str(path), "--source", "https://example.org/big-list"]
    call_command("import_signatories", *args, "--first-listed", "2021-03", "--user", "curator")
    output = capsys.readouterr()
    assert "Import #" in output.out and "created 10,000" in output.out
    assert "Importing [" in output.err
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
        (["letter-under-import", "bad.csv", "--source", "https://e.org/"], "called 'name'"),
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


def test_a_name_signed_since_the_preview_is_not_listed_twice(letter, source):
    signatory_import = preview(letter, source, "Wombat Trust\n")
    assert signatory_import.rows[0]["status"] == RowStatus.NEW
    meanwhile = factories.OrganisationFactory(name="Wombat Trust")
    factories.SignatureFactory(letter=letter, organisation=meanwhile)

    report = confirm(signatory_import)

    assert Organisation.objects.filter(name="Wombat Trust").count() == 1
    [row] = signatory_import.rows
    assert row["outcome_reason"] == "Wombat Trust signed this letter since the preview."
    assert report["outcomes"] == {"skipped": 1}


def test_a_name_held_since_the_preview_is_no_evidence(letter, source):
    """A record of that name made since (elsewhere) is not this signer by name alone."""
    signatory_import = preview(letter, source, "Wombat Trust\n")
    factories.OrganisationFactory(name="Wombat Trust")
    confirm(signatory_import)
    assert Organisation.objects.filter(name="Wombat Trust").count() == 2


def download(client, letter, extension):
    response = client.get(f"/letters/{letter.slug}/signatories.{extension}")
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("extension", ["csv", "json"])
def test_the_sites_own_downloads_import_back_unchanged(client, letter, source, extension):
    """Into another database's letter: the same names, kinds, roles, countries, statuses,
    dates and sources; the records' own addresses join the records we hold."""
    charity = factories.OrganisationFactory(name="Child Safety Charity", country="IE")
    factories.SignatureFactory(
        letter=letter,
        organisation=charity,
        published_name="Child Safety Charity (Ireland)",
        role="Chief executive",
        country="IE",
        country_is_inferred=True,
        first_listed="2020-02-06",
        status=SignatureStatus.CONFIRMED,
    )
    person = factories.PersonFactory(name="Ada Lovelace")
    factories.PersonSignatureFactory(
        letter=letter,
        person=person,
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2021-03",
        withdrawal_reason="Asked to be removed.",
        first_listed="2020-02",
    )
    exported = download(client, letter, extension)
    fields = [
        "published_name",
        "organisation",
        "person",
        "role",
        "country",
        "country_is_inferred",
        "status",
        "first_listed",
        "withdrawn_on",
        "position",
    ]
    before = list(letter.signatures.order_by("position").values_list(*fields))
    sources_before = {
        s.published_name: set(s.sources.values_list("url", flat=True))
        for s in letter.signatures.all()
    }
    copy = factories.LetterFactory(title="A copy", slug="a-copy")

    signatory_import = preview(copy, source, exported, f"signatories.{extension}")
    assert [row["status"] for row in signatory_import.rows] == [RowStatus.EXACT, RowStatus.EXACT]
    confirm(signatory_import)

    after = list(copy.signatures.order_by("position").values_list(*fields))
    assert after == before
    for signature in copy.signatures.all():
        assert signature.identity_basis == IdentityBasis.RECORD_URL
        cited = set(signature.sources.values_list("url", flat=True))
        assert cited == sources_before[signature.published_name] | {source.url}
