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
