import pytest

from tests import factories


@pytest.fixture
def letter(db):
    """The letter a signatory list is imported into."""
    return factories.LetterFactory(title="Letter under import", slug="letter-under-import")


@pytest.fixture
def source(db):
    """The published list an import cites."""
    return factories.SourceFactory(url="https://example.org/the-list")


@pytest.fixture
def known_signers(letter, five_rights, sofia):
    """What the messy file (data/import/messy.csv) is matched against: one organisation that
    already signs the letter, one only close to a name in the file, a charity with an alias
    and a person with accents."""
    open_rights = factories.OrganisationFactory(name="Open Rights Group")
    factories.SignatureFactory(letter=letter, organisation=open_rights)
    eff = factories.OrganisationFactory(name="Electronic Frontier Foundation")
    return {"open_rights": open_rights, "eff": eff, "five_rights": five_rights, "sofia": sofia}


def preview(letter, source, data, file_name="list.csv", user=None, **options):
    """An import of `data` (bytes, or text pasted) read and matched, as the admin runs it."""
    from letters.curation import writing

    pasted = isinstance(data, str)
    import_options = {"default_kind": "organisation", **options}
    if pasted:
        data, file_name, import_options["pasted"] = data.encode(), "", True
    signatory_import = writing.create_import(
        letter, source, data, options=import_options, file_name=file_name, user=user
    )
    return writing.preview_import(signatory_import.pk)


def confirm(signatory_import, user=None):
    from letters.curation import writing

    report = writing.confirm_import(signatory_import.pk, user=user)
    signatory_import.refresh_from_db()
    return report


def rows_by_name(signatory_import):
    return {row["name"]: row for row in signatory_import.rows}
