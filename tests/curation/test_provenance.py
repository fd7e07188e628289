"""Nothing public without a source, whatever way a signature comes in: the letter form's
new rows, the signature admin and its actions, the shell, imports and sign-ups
(issue 12, section 2)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.models import IdentityBasis, Letter, Signature, SignatureStatus
from tests import factories
from tests.curation.test_admin import form_of, letter_change_url


def csv_names(client, letter):
    response = client.get(f"/letters/{letter.slug}/signatories.csv")
    rows = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    return [row["published_name"] for row in rows]


def test_a_signature_without_a_source_is_never_public(client, published_letter):
    """From the shell, or any path that forgets the source."""
    cited = factories.SignatureFactory(letter=published_letter, published_name="Cited Group")
    shell = Signature.objects.create(
        letter=published_letter,
        organisation=factories.OrganisationFactory(name="Uncited Group"),
        published_name="Uncited Group",
        status=SignatureStatus.CONFIRMED,
    )
    published_letter.refresh_from_db()
    assert (published_letter.listed_count, published_letter.public_count) == (1, 1)
    shell.refresh_from_db()
    assert shell.list_rank is None and not shell.sourced
    assert "Uncited Group" not in client.get(published_letter.get_absolute_url()).content.decode()
    assert csv_names(client, published_letter) == ["Cited Group"]
    api = client.get(f"/api/v1/letters/{published_letter.slug}/signatures/").json()
    assert [row["published_name"] for row in api["results"]] == ["Cited Group"]
    assert client.get(f"/api/v1/signatures/{shell.pk}/").status_code == 404
    assert cited.sourced


def test_a_source_makes_it_public_and_losing_it_hides_it_again(client, published_letter):
    signature = factories.SignatureFactory(letter=published_letter, sources=[])
    source = factories.SourceFactory()
    signature.sources.add(source)
    published_letter.refresh_from_db()
    assert published_letter.public_count == 1
    signature.status = SignatureStatus.CONFIRMED
    signature.save()  # an object in hand never writes back a stale `sourced`
    assert Signature.objects.get().sourced
    source.signatures.remove(signature)
    published_letter.refresh_from_db()
    assert published_letter.public_count == 0
    signature.sources.add(source)
    source.delete()
    published_letter.refresh_from_db()
    assert published_letter.public_count == 0 and not Signature.objects.get().sourced


def test_an_admin_action_does_not_make_an_unsourced_signature_public(
    admin_client, published_letter
):
    signature = factories.SignatureFactory(
        letter=published_letter, sources=[], status=SignatureStatus.PENDING
    )
    admin_client.post(
        reverse("admin:letters_signature_changelist"),
        {"action": "mark_confirmed", "_selected_action": [signature.pk], "index": 0},
    )
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    published_letter.refresh_from_db()
    assert published_letter.listed_count == 0


def test_a_confirmed_sign_up_has_its_provenance(hosted):
    signature = factories.SignatureFactory(
        letter=hosted, sources=[], status=SignatureStatus.PENDING
    )
    factories.SignupRequestFactory(letter=hosted, signature=signature, confirmed_at=timezone.now())
    signature.refresh_from_db()
    assert signature.sourced


def new_row(fields, index, **values):
    for name, value in values.items():
        fields[f"signatures-{index}-{name}"] = [str(value)]
    return fields


@pytest.fixture
def letter_form(admin_client, published_letter):
    return form_of(admin_client.get(letter_change_url(published_letter)), "letter_form").fields


def test_new_rows_without_a_source_are_refused_with_a_reason(
    admin_client, published_letter, letter_form
):
    organisation = factories.OrganisationFactory(name="Rowed Group")
    data = new_row(letter_form, 0, organisation=organisation.pk, published_name="Rowed Group")
    response = admin_client.post(letter_change_url(published_letter), data)
    assert response.status_code == 200
    assert "A signature is shown only with a source" in response.content.decode()
    assert not Signature.objects.exists()


def test_new_rows_cite_the_forms_source_and_go_public(
    admin_client, client, published_letter, letter_form, curator
):
    source = factories.SourceFactory(url="https://example.org/the-29-names")
    own = factories.SourceFactory(url="https://example.org/own")
    first = factories.OrganisationFactory(name="First Group")
    second = factories.PersonFactory(name="Second Person")
    data = {**letter_form, "new_signatories_source": [str(source.pk)]}
    new_row(data, 0, organisation=first.pk, published_name="First Group")
    new_row(data, 1, person=second.pk, published_name="Second Person", sources=own.pk)
    response = admin_client.post(letter_change_url(published_letter), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    by_name = {s.published_name: s for s in Signature.objects.all()}
    assert list(by_name["First Group"].sources.all()) == [source]
    assert list(by_name["Second Person"].sources.all()) == [own]
    assert by_name["First Group"].identity_basis == IdentityBasis.CURATOR
    assert by_name["First Group"].identity_evidence.startswith("Chosen by admin in the form of")
    published_letter.refresh_from_db()
    assert published_letter.public_count == 2
    assert csv_names(client, published_letter) == ["First Group", "Second Person"]


def test_a_signer_already_on_the_letter_is_a_form_error_not_a_500(
    admin_client, published_letter, letter_form
):
    source = factories.SourceFactory()
    signature = factories.SignatureFactory(letter=published_letter)
    data = {**letter_form, "new_signatories_source": [str(source.pk)]}
    new_row(data, 0, organisation=signature.organisation_id, published_name="Again")
    response = admin_client.post(letter_change_url(published_letter), data)
    assert response.status_code == 200
    assert "already signed this letter" in response.content.decode()
    assert Signature.objects.count() == 1


def test_the_same_signer_on_two_new_rows_is_a_form_error(
    admin_client, published_letter, letter_form
):
    source = factories.SourceFactory()
    organisation = factories.OrganisationFactory()
    data = {**letter_form, "new_signatories_source": [str(source.pk)]}
    new_row(data, 0, organisation=organisation.pk, published_name="One")
    new_row(data, 1, organisation=organisation.pk, published_name="Two")
    response = admin_client.post(letter_change_url(published_letter), data)
    assert response.status_code == 200
    assert "is on two rows: keep one" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_name_without_a_record_gets_a_readable_error(admin_client, published_letter, letter_form):
    source = factories.SourceFactory()
    data = {**letter_form, "new_signatories_source": [str(source.pk)]}
    new_row(data, 0, published_name="Just A Name")
    response = admin_client.post(letter_change_url(published_letter), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Choose the organisation or the person who signed (one, not both)" in content
    assert "signature_has_exactly_one_signer" not in content and "violated" not in content
    assert not Signature.objects.exists()


def test_the_signature_admin_refuses_a_public_status_without_a_source(
    admin_client, published_letter
):
    organisation = factories.OrganisationFactory()
    add = reverse("admin:letters_signature_add")
    data = {
        "letter": published_letter.pk,
        "organisation": organisation.pk,
        "published_name": "Added By Hand",
        "status": SignatureStatus.REPORTED,
        "entered_at_0": "2026-01-01",
        "entered_at_1": "10:00:00",
        "identity_basis": IdentityBasis.NAME_ONLY,
    }
    response = admin_client.post(add, data)
    assert response.status_code == 200
    assert "A signature is shown only with a source" in response.content.decode()
    response = admin_client.post(add, {**data, "sources": [factories.SourceFactory().pk]})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.sourced and signature.identity_basis == IdentityBasis.CURATOR


def test_the_letter_page_offers_the_short_path(admin_client, published_letter):
    content = admin_client.get(letter_change_url(published_letter)).content.decode()
    import_url = reverse("admin:letters_letter_import", args=[published_letter.pk])
    assert f'<a href="{import_url}" class="button">Import signatories' in content
    assert 'name="new_signatories_source"' in content
    # The new-signatory rows come before the other rows of the letter.
    assert content.index('id="signatures-group"') < content.index('id="reported_counts-group"')


def test_the_publishing_gate_names_the_unsourced(admin_client, draft_letter):
    factories.SignatureFactory(letter=draft_letter, sources=[], published_name="Ghost Group")
    form = form_of(admin_client.get(letter_change_url(draft_letter)), "letter_form").fields
    response = admin_client.post(
        letter_change_url(draft_letter), {**form, "visibility": ["published"]}
    )
    assert "1 signature has no source" in response.content.decode()
    assert Letter.objects.get(pk=draft_letter.pk).visibility == "draft"
