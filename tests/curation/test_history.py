"""History (django-simple-history): every change to a tracked record is kept with who made
it and why, admin bulk actions and demo loads included."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from letters.models import Letter, Organisation, Signature, SignatureStatus, Source
from letters.signing.services import confirm
from tests import factories
from tests.curation.conftest import confirm as confirm_import
from tests.curation.conftest import preview


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_superuser("alice-curator", password="x")


@pytest.fixture
def importer(db, django_user_model):
    return django_user_model.objects.create_superuser("bob-importer", password="x")


def changelist_action(client, action: str, signatures, **extra):
    return client.post(
        reverse("admin:letters_signature_changelist"),
        {"action": action, "_selected_action": [s.pk for s in signatures], **extra},
        follow=True,
    )


def test_signature_history_page_shows_import_confirmation_and_withdrawal(client, staff, importer):
    letter = factories.LetterFactory()
    source = factories.SourceFactory(url="https://example.org/the-list")
    pending = preview(letter, source, "Open Rights Group", user=importer)
    confirm_import(pending, importer)
    signature = Signature.objects.get(letter=letter)
    client.force_login(staff)

    changelist_action(client, "mark_confirmed", [signature])
    changelist_action(
        client,
        "mark_withdrawn",
        [signature],
        apply="1",
        withdrawn_on="2021-03-03",
        reason="Left the coalition.",
    )
    page = client.get(reverse("admin:letters_signature_history", args=[signature.pk]))

    content = page.content.decode()
    assert page.status_code == 200
    assert "Imported from https://example.org/the-list" in content
    assert "Marked confirmed (admin action)" in content
    assert "Marked withdrawn (admin action)" in content
    assert content.count("alice-curator") >= 2
    assert "bob-importer" in content
    rows = list(signature.history.order_by("history_date", "history_id"))
    assert [(r.history_type, r.status, r.history_user.username) for r in rows] == [
        ("+", SignatureStatus.REPORTED, "bob-importer"),
        ("~", SignatureStatus.CONFIRMED, "alice-curator"),
        ("~", SignatureStatus.WITHDRAWN, "alice-curator"),
    ]
    assert rows[-1].withdrawal_reason == "Left the coalition."


def test_a_bulk_action_writes_one_history_row_per_changed_signature(client, staff):
    letter = factories.LetterFactory()
    signatures = factories.create_signatures(letter, 3, status=SignatureStatus.PENDING)
    already = factories.SignatureFactory(letter=letter, status=SignatureStatus.CONFIRMED)
    client.force_login(staff)

    changelist_action(client, "mark_confirmed", [*signatures, already])

    for signature in signatures:
        latest = signature.history.latest()
        assert latest.status == SignatureStatus.CONFIRMED
        assert latest.history_user == staff
        assert latest.history_change_reason == "Sign-up approved"
    assert already.history.count() == 1  # unchanged: no new row
    letter.refresh_from_db()
    assert letter.listed_count == 4


def test_sign_up_confirmation_and_withdrawal_record_history(db):
    signup = factories.SignupRequestFactory()
    confirm(signup.links.get())
    signup.refresh_from_db()
    created = signup.signature.history.get()
    assert created.history_change_reason == "Signed through the site (confirmed by email)"

    Signature.objects.filter(pk=signup.signature.pk).update(status=SignatureStatus.CONFIRMED)
    withdrawal = factories.SignupRequestFactory(
        letter=signup.letter, action="withdraw", email=signup.email, email_key=signup.email_key
    )
    confirm(withdrawal.links.get())
    latest = signup.signature.history.latest()
    assert latest.status == SignatureStatus.WITHDRAWN
    assert latest.history_change_reason == "Withdrawn through the site (confirmed by email)"


def test_letter_and_organisation_admins_have_a_history_page(admin_client, db):
    letter = factories.LetterFactory()
    organisation = factories.OrganisationFactory()
    for url in (
        reverse("admin:letters_letter_history", args=[letter.pk]),
        reverse("admin:letters_organisation_history", args=[organisation.pk]),
        reverse("admin:letters_source_history", args=[factories.SourceFactory().pk]),
    ):
        assert admin_client.get(url).status_code == 200


def test_load_demo_records_initial_history_once(db):
    call_command("load_demo", verbosity=0)

    for model in (Letter, Signature, Organisation, Source):
        assert model.objects.exists()
        assert not model.objects.exclude(pk__in=model.history.values("id")).exists()
    letter = Letter.objects.first()
    assert letter.history.get().history_change_reason == "Loaded from fixtures"
    before = Signature.history.count()

    call_command("load_demo", verbosity=0)

    assert Signature.history.count() == before


@pytest.mark.parametrize(
    "version", ["abc", "1.5", "-1", "99999999"], ids=["word", "decimal", "negative", "missing"]
)
def test_a_malformed_or_missing_history_record_is_a_404(admin_client, version):
    organisation = factories.OrganisationFactory()
    url = f"/admin/letters/organisation/{organisation.pk}/history/{version}/"

    assert admin_client.get(url).status_code == 404
    bad_object = f"/admin/letters/organisation/abc/history/{version}/"
    assert admin_client.get(bad_object).status_code == 404
