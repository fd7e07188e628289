"""Emails leave the request: a mail server that fails never fails the signer, the email is
retried with back-off, shown in the admin with its error when it gives up, and a curator's
retry sends it once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from letters.jobs import outbox
from letters.jobs.tasks import deliver_email, sweep
from letters.models import EmailStatus, OutboundEmail, SignupRequest
from letters.signing.tasks import anonymise_signups
from tests import factories
from tests.signing.helpers import new_ip

EMAILS = reverse("admin:letters_outboundemail_changelist")


def sign(client, letter, **fields):
    return client.post(
        reverse("sign_letter", args=[letter.slug]),
        factories.sign_form(**fields),
        REMOTE_ADDR=new_ip(),
    )


def make_due(email: OutboundEmail) -> None:
    """As if the wait before the next attempt had passed."""
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_a_refused_mail_server_still_thanks_the_signer(client, hosted, refusing_smtp):
    response = sign(client, hosted, email="ada@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent", args=[hosted.slug])
    assert SignupRequest.objects.filter(email="ada@example.org").count() == 1
    email = OutboundEmail.objects.get()
    assert (email.status, email.attempts, email.to) == (EmailStatus.QUEUED, 1, "ada@example.org")
    assert "ConnectionRefusedError" in email.last_error
    assert email.subject == f"Confirm your signature: {hosted.title}"
    # The first retry waits a minute.
    waited = email.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < waited <= timedelta(minutes=1)


def test_the_wait_between_attempts_doubles_up_to_an_hour():
    waits = [outbox.backoff(attempt) for attempt in range(1, 10)]

    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_retry_sends_once_the_server_is_back(client, hosted, refusing_smtp, working_smtp):
    sign(client, hosted, email="ada@example.org")
    email = OutboundEmail.objects.get()
    working_smtp()

    assert sweep.call() == {"jobs_resumed": 0, "emails_queued": 0}  # not due yet
    make_due(email)
    assert sweep.call()["emails_queued"] == 1

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "/signups/confirm/" in message.body
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert "ConnectionRefusedError" in email.last_error  # what delayed it, kept
    # Only the recipient keeps the confirmation link.
    assert email.body == ""
    assert email.sent_at is not None


def test_after_the_last_attempt_the_email_is_failed_and_waits_for_a_curator(
    client, hosted, refusing_smtp, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    sign(client, hosted, email="ada@example.org")
    email = OutboundEmail.objects.get()
    for _ in range(2):
        make_due(email)
        sweep.call()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 3)
    assert email.next_attempt_at is None
    make_due(email)
    assert sweep.call()["emails_queued"] == 0  # failed emails wait for a person


@pytest.fixture
def failed_email(client, hosted, refusing_smtp, settings) -> OutboundEmail:
    settings.EMAIL_MAX_ATTEMPTS = 1
    sign(client, hosted, email="ada@example.org")
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.FAILED
    return email


def test_the_admin_lists_failed_emails_with_their_error_and_never_the_link(
    curator_client, failed_email
):
    listing = curator_client.get(EMAILS, {"status__exact": "failed"}).content.decode()
    page = curator_client.get(
        reverse("admin:letters_outboundemail_change", args=[failed_email.pk])
    ).content.decode()

    assert "ada@example.org" in listing
    assert "ConnectionRefusedError" in listing
    assert "ConnectionRefusedError" in page
    assert 'value="Retry"' in page
    assert "/signups/confirm/" not in listing + page


def test_a_curator_retry_sends_the_email_once_however_often_it_is_clicked(
    curator_client, failed_email, working_smtp
):
    working_smtp()
    retry_url = reverse("admin:letters_outboundemail_retry", args=[failed_email.pk])

    first = curator_client.post(retry_url, follow=True)
    second = curator_client.post(retry_url, follow=True)
    listed = curator_client.post(
        EMAILS, {"action": "retry_selected", "_selected_action": [failed_email.pk]}, follow=True
    )

    assert len(mail.outbox) == 1
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.SENT
    assert "queued again" in first.content.decode()
    assert "Nothing to retry" in second.content.decode()
    assert "0 queued again. 1 had not failed" in listed.content.decode()


def test_retry_is_a_post_and_needs_the_change_permission(client, failed_email, django_user_model):
    retry_url = reverse("admin:letters_outboundemail_retry", args=[failed_email.pk])
    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    client.force_login(viewer)

    assert client.get(retry_url).status_code in {403, 405}
    assert client.post(retry_url).status_code == 403
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.FAILED


def test_a_confirmation_whose_link_expired_is_never_sent(
    client, hosted, refusing_smtp, working_smtp
):
    sign(client, hosted, email="ada@example.org")
    email = OutboundEmail.objects.get()
    SignupRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    OutboundEmail.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    working_smtp()

    make_due(email)
    sweep.call()

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "expired" in email.last_error
    assert mail.outbox == []
    assert outbox.retry(email) is False


def test_a_duplicate_task_for_the_same_attempt_sends_nothing_more(db):
    email = outbox.queue_email("Test", "ada@example.org", "Subject", "Body")

    deliver_email.call(email.pk, 0)  # the same task again, e.g. queued twice
    deliver_email.call(email.pk, 0)

    assert len(mail.outbox) == 1


def being_sent(since: timedelta) -> OutboundEmail:
    """An email a worker claimed `since` ago and has not finished sending."""
    return OutboundEmail.objects.create(
        kind="Test",
        to="ada@example.org",
        subject="Subject",
        body="Body",
        status=EmailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - since,
    )


def test_an_email_left_half_sent_by_a_dead_worker_is_tried_again(db):
    email = being_sent(outbox.SENDING_LEASE + timedelta(seconds=1))

    sweep.call()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_an_email_still_being_sent_is_left_alone(db):
    email = being_sent(timedelta(seconds=5))

    sweep.call()

    email.refresh_from_db()
    assert email.status == EmailStatus.SENDING
    assert mail.outbox == []


def test_anonymising_forgets_old_addresses_and_bodies(db, settings):
    old = outbox.queue_email("Test", "old@example.org", "Old", "Body")
    OutboundEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.SIGNUP_RETENTION_DAYS + 1),
        status=EmailStatus.FAILED,
        body="A link",
    )
    new = outbox.queue_email("Test", "new@example.org", "New", "Body")

    assert anonymise_signups.call()["emails"] == 1
    assert anonymise_signups.call()["emails"] == 0

    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.to, old.body) == ("", "")
    assert new.to == "new@example.org"
