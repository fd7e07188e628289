"""Every email the site sends goes through here: written to the database in the request
(`queue_email`), delivered by a worker (`deliver`), retried with back-off, and shown in
the admin with its error when it could not go out.

Delivery is at least once: an email is marked sent right after the mail server accepts
it, so only a worker killed between those two moments sends it twice (the sweep finds
it "being sent" for too long and tries again); it is never lost, and never sent twice by
two workers, a duplicate task, or a retry clicked twice (`deliver` claims the email with
a conditional UPDATE on its number of attempts).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from letters.models import EmailStatus, OutboundEmail

from . import tasks
from .queue import enqueue

logger = logging.getLogger(__name__)

# A claim older than this is a worker that died while sending (EMAIL_TIMEOUT is 30 s).
SENDING_LEASE = timedelta(minutes=10)
# When the sweep next looks at an email it has just queued, if no worker got to it.
REQUEUE_AFTER = timedelta(minutes=5)


def queue_email(
    kind: str,
    to: str,
    subject: str,
    body: str,
    *,
    expires_at: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Write the email and queue its delivery; never raises for a mail server problem.
    `headers` are extra ones, such as List-Unsubscribe."""
    # One transaction for the email and its task (on the database queue): one write,
    # which matters on SQLite, where writers take turns.
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            kind=kind[:100],
            to=to,
            subject=subject[:200],
            body=body,
            expires_at=expires_at,
            headers=headers or {},
            next_attempt_at=timezone.now() + REQUEUE_AFTER,
        )
        enqueue(tasks.deliver_email, email.pk, 0)
    return email


def backoff(attempts: int) -> timedelta:
    """The wait after the n-th failed attempt: 1, 2, 4, … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def deliver(email_id: int, attempt: int) -> None:
    """Send the email if it is still waiting for its attempt number `attempt`."""
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, status=EmailStatus.QUEUED, attempts=attempt
    ).update(status=EmailStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return  # sent, failed for good, or being sent by another worker
    email = OutboundEmail.objects.get(pk=email_id)
    if email.expires_at is not None and email.expires_at <= now:
        _fail(email, "Not sent: it expired before it could be delivered.")
        return
    message = EmailMessage(
        email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to], headers=email.headers
    )
    try:
        message.send()
    except Exception as error:
        # Anything the transport raises (refused, timed out, TLS, authentication): the
        # email waits and is tried again later, up to EMAIL_MAX_ATTEMPTS.
        reason = f"{type(error).__name__}: {error}"
        if email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            _fail(email, reason)
        else:
            logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, reason)
            OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
                status=EmailStatus.QUEUED,
                last_error=reason,
                next_attempt_at=timezone.now() + backoff(email.attempts),
            )
        return
    # The body may hold a confirmation link, the headers an unsubscribe link: once
    # sent, only the recipient keeps them.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), body="", headers={}, next_attempt_at=None
    )


def _fail(email: OutboundEmail, reason: str) -> None:
    logger.error("Email %s failed for good: %s", email.pk, reason)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, last_error=reason, next_attempt_at=None
    )


def queue_due() -> int:
    """Queue the emails whose next attempt is due (retries after a failure, emails whose
    task was lost) and those a dead worker left half-sent. Returns how many."""
    now = timezone.now()
    OutboundEmail.objects.filter(
        status=EmailStatus.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(
        status=EmailStatus.QUEUED,
        next_attempt_at=now,
        last_error="The worker stopped while sending; it may have been sent already.",
    )
    due = list(
        OutboundEmail.objects.filter(status=EmailStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", "attempts")[:1000]
    )
    if due:
        # Not looked at again for a while, even if the queue drops these tasks.
        OutboundEmail.objects.filter(pk__in=[pk for pk, _ in due]).update(
            next_attempt_at=now + REQUEUE_AFTER
        )
    for pk, attempts in due:
        enqueue(tasks.deliver_email, pk, attempts)
    return len(due)


def retry(email: OutboundEmail) -> bool:
    """Try a failed email again now (a curator's retry). False, and nothing done, unless
    it had failed or it has expired: a retry clicked twice sends it once."""
    if email.expires_at is not None and email.expires_at <= timezone.now():
        return False
    if not OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).update(
        status=EmailStatus.QUEUED, next_attempt_at=timezone.now() + REQUEUE_AFTER
    ):
        return False
    email.refresh_from_db(fields=["attempts"])
    enqueue(tasks.deliver_email, email.pk, email.attempts)
    return True


def forget_older_than(cutoff: datetime) -> int:
    """Clear the address, body and headers (an unsubscribe link) of emails written
    before `cutoff` (retention)."""
    return (
        OutboundEmail.objects.filter(created_at__lt=cutoff)
        .exclude(to="", body="", headers={})
        .update(to="", body="", headers={})
    )
