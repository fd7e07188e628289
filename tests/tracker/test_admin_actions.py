"""An admin action on a selection that is not made of ids gets a 400, never a 500, and
changes nothing."""

import pytest

from letters.models import SignatureStatus
from tests import factories


@pytest.mark.parametrize("selected", ["abc", "1 OR 1=1", "", "9" * 40])
def test_a_malformed_selection_is_refused(curator_client, selected):
    signature = factories.SignatureFactory(status=SignatureStatus.PENDING)
    response = curator_client.post(
        "/admin/letters/signature/",
        {"action": "mark_rejected", "_selected_action": [str(signature.pk), selected]},
    )
    assert response.status_code == 400
    assert "selection is not valid" in response.content.decode()
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.PENDING


def test_a_valid_selection_still_reaches_the_action(curator_client):
    signature = factories.SignatureFactory(status=SignatureStatus.PENDING)
    response = curator_client.post(
        "/admin/letters/signature/",
        {"action": "mark_rejected", "_selected_action": [str(signature.pk)]},
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.REJECTED
