"""A signer hears when moderation approves or rejects their sign-up, on every path (the
list's actions, a bulk action run as a job, the change form), and whoever reported a
correction hears when it is resolved; nobody is written to once their address is gone."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from letters.models import CorrectionStatus, Signature, SignatureStatus
from letters.signing.tasks import anonymise_signups
from tests import factories
from tests.notifications.helpers import sent_to

CHANGELIST = reverse("admin:letters_signature_changelist")


def pending_signup(letter, email):
    signature = factories.SignatureFactory(
        letter=letter, status=SignatureStatus.PENDING, published_name="Ada <b>Lovelace</b>"
    )
    factories.SignupRequestFactory(
        letter=letter,
        email=email,
        name="Ada <b>Lovelace</b>",
        confirmed_at=timezone.now(),
        signature=signature,
    )
    return signature


@pytest.mark.parametrize(
    ("action", "subject_start"),
    [
        ("mark_confirmed", "Your signature is published"),
        ("mark_rejected", "Your signature was not accepted"),
    ],
)
def test_moderation_action_emails_the_signer_once(curator_client, hosted, action, subject_start):
    signature = pending_signup(hosted, "ada@example.org")
    data = {"action": action, "_selected_action": [signature.pk]}
    curator_client.post(CHANGELIST, data)
    curator_client.post(CHANGELIST, data)  # clicked twice: the status no longer changes

    [message] = sent_to("ada@example.org")
    assert message.subject.startswith(subject_start)
    assert "Hosted letter" in message.subject
    assert 'as "Ada <b>Lovelace</b>"' in message.body  # plain text, as typed
    assert "https://tracker.example/letters/hosted-letter/" in message.body


def test_bulk_approval_run_as_a_job_emails_every_signer(curator_client, hosted, settings):
    settings.BULK_ACTION_JOB_THRESHOLD = 2
    signatures = [pending_signup(hosted, f"signer{n}@example.org") for n in range(3)]
    data = {"action": "mark_confirmed", "_selected_action": [s.pk for s in signatures]}
    response = curator_client.post(CHANGELIST, data, follow=True)

    assert "in the background" in response.content.decode()
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"signer{n}@example.org" for n in range(3)]


def test_approval_on_the_change_form_emails_the_signer(curator_client, hosted):
    signature = pending_signup(hosted, "ada@example.org")
    url = reverse("admin:letters_signature_change", args=[signature.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "status": SignatureStatus.CONFIRMED,
            "sources": [source.pk for source in signature.sources.all()],
        }
    )
    response = curator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.CONFIRMED
    [message] = sent_to("ada@example.org")
    assert message.subject.startswith("Your signature is published")


def test_other_status_changes_and_imported_signatures_email_nobody(curator_client, hosted):
    pending = pending_signup(hosted, "ada@example.org")
    imported = factories.SignatureFactory(letter=hosted, status=SignatureStatus.REPORTED)
    curator_client.post(CHANGELIST, {"action": "mark_disputed", "_selected_action": [pending.pk]})
    curator_client.post(CHANGELIST, {"action": "mark_rejected", "_selected_action": [imported.pk]})

    assert mail.outbox == []


def test_no_email_once_the_address_is_forgotten(curator_client, hosted):
    signature = pending_signup(hosted, "ada@example.org")
    anonymise_signups.call(days=0)
    data = {"action": "mark_confirmed", "_selected_action": [signature.pk]}
    curator_client.post(CHANGELIST, data)

    assert Signature.objects.get(pk=signature.pk).status == SignatureStatus.CONFIRMED
    assert mail.outbox == []


def test_resolving_a_correction_emails_its_reporter_once(curator_client, hosted):
    report = factories.CorrectionRequestFactory(letter=hosted, email="reporter@example.org")
    url = reverse("admin:letters_correctionrequest_change", args=[report.pk])
    data = {
        "status": CorrectionStatus.DONE,
        "staff_notes": "",
        "corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "0",
        "corrections-0-made_on": "2026-03-01",
        "corrections-0-change": "Fixed a misspelt name",
        "corrections-0-reason": "Reported by the signatory",
    }
    response = curator_client.post(url, data)
    assert response.status_code == 302
    curator_client.post(url, {**data, "corrections-TOTAL_FORMS": "0"})  # saved again

    [message] = sent_to("reporter@example.org")
    assert "acted on" in message.subject
    assert "https://tracker.example/letters/hosted-letter/corrections/" in message.body


def test_declining_corrections_emails_those_who_gave_an_address(curator_client, hosted):
    with_email = factories.CorrectionRequestFactory(letter=hosted, email="a@example.org")
    without = factories.CorrectionRequestFactory(letter=hosted, email="")
    done = factories.CorrectionRequestFactory(
        letter=hosted, email="b@example.org", status=CorrectionStatus.DONE
    )
    changelist = reverse("admin:letters_correctionrequest_changelist")
    data = {"action": "mark_declined", "_selected_action": [with_email.pk, without.pk, done.pk]}
    curator_client.post(changelist, data)

    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "declined" in mail.outbox[0].subject
