"""Each signatory's status in words, linked to the page that explains every status."""

from django.utils.html import escape

from letters.models import SignatureStatus
from letters.public.statuses import STATUS_EXPLANATIONS
from tests import factories


def test_statuses_page_explains_every_status(client, db):
    response = client.get("/statuses/")

    content = response.content.decode()
    assert response.status_code == 200
    for status in SignatureStatus:
        assert f'id="status-{status.value}"' in content
        assert escape(str(STATUS_EXPLANATIONS[status])) in content


def test_each_signatory_shows_its_status_linked_to_its_explanation(client, db):
    letter = factories.LetterFactory()
    factories.SignatureFactory(letter=letter, published_name="Reported Org")
    factories.SignatureFactory(
        letter=letter,
        published_name="Gone Org",
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2021-03-03",
        withdrawal_reason="Changed its mind.",
    )

    content = client.get(letter.get_absolute_url()).content.decode()

    assert (
        '<a class="status-link" href="/statuses/#status-reported">'
        '<span class="badge badge-reported">reported</span></a>'
    ) in content
    assert "withdrawn on 3 March 2021</span></a>" in content
    assert 'href="/statuses/#status-withdrawn"' in content


def test_signer_page_links_each_status(client, db):
    organisation = factories.OrganisationFactory()
    factories.SignatureFactory(organisation=organisation, status=SignatureStatus.CONFIRMED)

    content = client.get(organisation.get_absolute_url()).content.decode()

    assert '<a href="/statuses/#status-confirmed">Confirmed</a>' in content
