"""The daily digest a hosted letter's contact may ask for: the signatures confirmed the
day before, with a link that turns the digest off without logging in.

Sent once per day and letter: the day is recorded on the contact in the transaction
that queues the email, so a second run (two workers, a retried task) finds it done.
"""

from datetime import date

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from letters.jobs.outbox import queue_email
from letters.models import LetterContact, Signature, SignatureStatus

from .changes import day_bounds, signatures_that_became
from .links import absolute, fingerprint, make_token, read_token, unsubscribe_headers

TOKEN_SALT = "letters.notifications.digest"


def unsubscribe_url(contact: LetterContact) -> str:
    token = make_token(TOKEN_SALT, contact.pk, contact.email.lower())
    return absolute(reverse("digest_unsubscribe", args=[token]))


def contact_for_token(token: str) -> LetterContact | None:
    """The contact an unsubscribe link was sent to, while it still has that address."""
    found = read_token(TOKEN_SALT, token)
    if found is None:
        return None
    pk, bound = found
    contact = LetterContact.objects.select_related("letter").filter(pk=pk).first()
    if contact is None or fingerprint(contact.email.lower()) != bound:
        return None
    return contact


def send_digests(day: date) -> int:
    """Queue the digest of `day` for every contact who asked for one and has not had it;
    a letter with no signature confirmed that day sends nothing. Returns how many."""
    sent = 0
    start, end = day_bounds(day)
    confirmed = signatures_that_became([SignatureStatus.CONFIRMED], start, end)
    contacts = LetterContact.objects.filter(daily_digest=True).exclude(last_digest_on__gte=day)
    for contact_id in contacts.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = (
                LetterContact.objects.select_for_update(of=("self",))
                .select_related("letter")
                .filter(pk=contact_id, daily_digest=True)
                .exclude(last_digest_on__gte=day)
                .first()
            )
            if claimed is None:
                continue  # another run got there first
            claimed.last_digest_on = day
            claimed.save(update_fields=["last_digest_on"])
            signatures = list(
                confirmed.filter(letter=claimed.letter)
                .select_related("organisation", "person")
                .order_by("list_rank", "pk")
            )
            if signatures:
                _queue_digest(claimed, day, signatures)
                sent += 1
    return sent


def _queue_digest(contact: LetterContact, day: date, signatures: list[Signature]) -> None:
    url = unsubscribe_url(contact)
    context = {
        "letter": contact.letter,
        "letter_url": absolute(contact.letter.get_absolute_url()),
        "day": day,
        "signatures": signatures,
        "unsubscribe_url": url,
    }
    body = render_to_string("letters/notifications/email/digest.txt", context)
    subject = ngettext(
        "%(count)s new signature on “%(title)s”",
        "%(count)s new signatures on “%(title)s”",
        len(signatures),
    ) % {
        "count": len(signatures),
        "title": contact.letter.title,
    }
    queue_email(
        "Daily digest", contact.email, subject[:200], body, headers=unsubscribe_headers(url)
    )
