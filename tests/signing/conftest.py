import pytest
from django.core import mail

from tests.signing.helpers import row_counts


@pytest.fixture
def nothing_written(db):
    """Fails the test if any sign-up, signature, signer, report or correction was written,
    or any mail sent."""
    before = row_counts()
    yield
    assert row_counts() == before
    assert mail.outbox == []
