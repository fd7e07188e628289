"""Telling people what became of what they sent: a signer when moderation approves or
rejects their sign-up, whoever reported a correction when it is resolved.

Only while their address is still kept: the retention task (letters/signing/tasks.py)
clears it, and after that nobody is written to. Called where the change happens, inside
its transaction, so the email is queued exactly when the change is committed.
"""

from collections.abc import Mapping

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from letters.jobs.outbox import queue_email
from letters.models import (
    CorrectionRequest,
    CorrectionStatus,
    SignatureStatus,
    SignupAction,
    SignupRequest,
)

from .links import absolute

# A sign-up is news to its signer when it leaves moderation one way or the other.
MODERATION_OUTCOMES = {SignatureStatus.CONFIRMED: "approved", SignatureStatus.REJECTED: "rejected"}


def notify_moderation(previous: Mapping[int, str], status: str) -> int:
    """Email the signers of the signatures `previous` (id → status before the change)
    that were pending and are now `status`, approved or rejected. Returns how many."""
    outcome = MODERATION_OUTCOMES.get(SignatureStatus(status))
    pending = [pk for pk, was in previous.items() if was == SignatureStatus.PENDING]
    if outcome is None or not pending:
        return 0
    signups = (
        SignupRequest.objects.filter(
            signature__in=pending,
            action=SignupAction.SIGN,
            confirmed_at__isnull=False,
            anonymised_at__isnull=True,
        )
        .exclude(email="")
        .select_related("letter", "signature")
    )
    sent = 0
    for signup in signups:
        subject = {
            "approved": gettext("Your signature is published: %(title)s"),
            "rejected": gettext("Your signature was not accepted: %(title)s"),
        }[outcome] % {"title": signup.letter.title}
        context = {
            "signup": signup,
            "letter_url": absolute(signup.letter.get_absolute_url()),
        }
        body = render_to_string(f"letters/notifications/email/signature_{outcome}.txt", context)
        queue_email(f"Signature {outcome}", signup.email, subject[:200], body)
        sent += 1
    return sent


def notify_correction_resolved(request: CorrectionRequest, previous_status: str) -> bool:
    """Email whoever reported `request` now that it is acted on or declined (once: only
    when it leaves "open"). Returns whether an email was queued."""
    if (
        previous_status != CorrectionStatus.OPEN
        or request.status == CorrectionStatus.OPEN
        or not request.email
    ):
        return False
    subject = gettext("Your report on “%(title)s”: %(outcome)s") % {
        "title": request.letter.title,
        "outcome": request.get_status_display().lower(),
    }
    context = {
        "report": request,
        "acted_on": request.status == CorrectionStatus.DONE,
        "log_url": absolute(reverse("correction_log", args=[request.letter.slug])),
    }
    body = render_to_string("letters/notifications/email/correction_resolved.txt", context)
    queue_email("Correction resolved", request.email, subject[:200], body)
    return True
