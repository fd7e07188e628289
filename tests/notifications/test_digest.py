"""A hosted letter's contact: the daily digest of the signatures confirmed the day
before, sent once per day through the outbox, and turned off from its link without
logging in."""

from datetime import UTC, date, datetime

import pytest
from django.core import mail
from django.urls import reverse
from freezegun import freeze_time

from letters.jobs.schedule import enqueue_due
from letters.models import LetterContact, PeriodicTask, SignatureStatus
from letters.notifications import digest
from tests import factories
from tests.notifications.helpers import link_in

DAY = date(2026, 3, 2)


def confirmed_on(letter, moment, name):
    """A signature that reached "confirmed" at `moment` (its history says when)."""
    with freeze_time(moment):
        return factories.SignatureFactory(
            letter=letter, status=SignatureStatus.CONFIRMED, published_name=name
        )


@pytest.fixture
def contact(hosted):
    return LetterContact.objects.create(
        letter=hosted, email="organiser@example.org", daily_digest=True
    )


def test_digest_lists_the_days_confirmed_signatures_once(contact, hosted):
    confirmed_on(hosted, datetime(2026, 3, 1, 23, 0), "The day before")
    confirmed_on(hosted, datetime(2026, 3, 2, 9, 0), "Ada <Lovelace>")
    confirmed_on(hosted, datetime(2026, 3, 3, 1, 0), "The day after")
    with freeze_time(datetime(2026, 3, 2, 15, 0)):
        pending = factories.SignatureFactory(letter=hosted, status=SignatureStatus.PENDING)
    factories.SignatureFactory(status=SignatureStatus.CONFIRMED)  # another letter

    assert digest.send_digests(DAY) == 1
    assert digest.send_digests(DAY) == 0  # a second run, a second worker: nothing more

    [message] = mail.outbox
    assert message.to == ["organiser@example.org"]
    assert message.subject == "1 new signature on “Hosted letter”"
    assert "- Ada <Lovelace>" in message.body
    assert "The day before" not in message.body and "The day after" not in message.body
    assert pending.published_name not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_signature_edited_after_its_confirmation_is_not_news_again(contact, hosted):
    signature = confirmed_on(hosted, datetime(2026, 3, 1, 12, 0), "Confirmed earlier")
    with freeze_time(datetime(2026, 3, 2, 12, 0)):
        signature.role = "Director"
        signature.save()

    assert digest.send_digests(DAY) == 0
    assert mail.outbox == []


def test_approval_by_moderation_counts_on_the_day_it_happens(contact, hosted, curator_client):
    with freeze_time(datetime(2026, 2, 20, 12, 0)):
        signature = factories.SignatureFactory(letter=hosted, status=SignatureStatus.PENDING)
    with freeze_time(datetime(2026, 3, 2, 12, 0)):
        data = {"action": "mark_confirmed", "_selected_action": [signature.pk]}
        curator_client.post(reverse("admin:letters_signature_changelist"), data)

    assert digest.send_digests(DAY) == 1
    assert signature.published_name in mail.outbox[0].body


def test_no_digest_without_the_opt_in(contact, hosted):
    contact.daily_digest = False
    contact.save()
    confirmed_on(hosted, datetime(2026, 3, 2, 9, 0), "Someone")

    assert digest.send_digests(DAY) == 0
    assert mail.outbox == []


def test_the_unsubscribe_link_turns_the_digest_off_without_logging_in(client, contact, hosted):
    confirmed_on(hosted, datetime(2026, 3, 2, 9, 0), "Someone")
    digest.send_digests(DAY)
    path = link_in(mail.outbox[0], "/digest/unsubscribe/")

    page = client.get(path)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    assert LetterContact.objects.get(pk=contact.pk).daily_digest is True  # GET changes nothing

    client.post(path)
    assert LetterContact.objects.get(pk=contact.pk).daily_digest is False
    assert "No more daily digests" in client.get(path).content.decode()


def test_one_click_unsubscribe_from_the_header_needs_no_csrf_token(contact, hosted):
    from django.test import Client

    confirmed_on(hosted, datetime(2026, 3, 2, 9, 0), "Someone")
    digest.send_digests(DAY)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = header.strip("<>").removeprefix("https://tracker.example")

    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert LetterContact.objects.get(pk=contact.pk).daily_digest is False


def test_a_link_sent_to_an_old_address_or_forged_does_nothing(client, contact, hosted):
    old_path = reverse("digest_unsubscribe", args=[digest.unsubscribe_url(contact).split("/")[-2]])
    contact.email = "new-organiser@example.org"
    contact.save()

    assert client.post(old_path).status_code == 404
    assert client.post(reverse("digest_unsubscribe", args=["forged"])).status_code == 404
    assert LetterContact.objects.get(pk=contact.pk).daily_digest is True


def test_the_worker_schedule_sends_the_digest_each_day(contact, hosted):
    confirmed_on(hosted, datetime(2026, 3, 2, 9, 0), "Someone")
    with freeze_time(datetime(2026, 3, 2, 12, 0)):
        enqueue_due(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # first sight: runs tomorrow
    assert mail.outbox == []

    with freeze_time(datetime(2026, 3, 3, 0, 0, 30)):
        queued = enqueue_due(datetime(2026, 3, 3, 0, 0, 30, tzinfo=UTC))
        assert "daily-notifications" in queued
        assert [m.to for m in mail.outbox] == [["organiser@example.org"]]
    with freeze_time(datetime(2026, 3, 3, 0, 5)):
        assert "daily-notifications" not in enqueue_due(datetime(2026, 3, 3, 0, 5, tzinfo=UTC))
    assert len(mail.outbox) == 1
    assert PeriodicTask.objects.filter(name="daily-notifications").exists()


def test_a_curator_sets_the_contact_and_the_digest_in_the_letter_form(curator_client, hosted):
    from tests.curation.test_admin import form_of, letter_change_url

    form = form_of(curator_client.get(letter_change_url(hosted)), "letter_form")
    data = {
        **form.fields,
        "contact-TOTAL_FORMS": ["1"],
        "contact-0-email": ["organiser@example.org"],
        "contact-0-daily_digest": ["on"],
    }
    response = curator_client.post(letter_change_url(hosted), data)

    assert response.status_code == 302
    contact = LetterContact.objects.get(letter=hosted)
    assert (contact.email, contact.daily_digest) == ("organiser@example.org", True)
