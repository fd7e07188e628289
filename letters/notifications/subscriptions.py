"""Following an organisation, a person or a letter by email.

subscribe (a form) → an email with a link → a page with a confirm button (POST, as mail
scanners follow links) → daily alerts of what changed, each with a one-click unsubscribe
(a link in the body, and the RFC 8058 List-Unsubscribe headers). Unsubscribing deletes
the subscription and its address. The retention task deletes unconfirmed subscriptions,
and the addresses of the emails sent, after SIGNUP_RETENTION_DAYS, like sign-ups.

Every subscribe request gets the same answer, new, repeated or already confirmed, so
nobody learns who follows what by probing.
"""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from letters.jobs.outbox import queue_email
from letters.models import (
    Endorsement,
    Letter,
    Organisation,
    Person,
    Signature,
    Subscription,
    SubscriptionKind,
)
from letters.signing import ratelimit
from letters.signing.services import hash_token, normalise_email

from .changes import changes_for, day_bounds
from .links import absolute, fingerprint, make_token, read_token, unsubscribe_headers

Target = Organisation | Person | Letter
TOKEN_SALT = "letters.notifications.unsubscribe"
# Each request sends an email to the address given, so an address and a network address
# each get a few a minute (someone following several pages at once) and a few dozen a
# day; an email domain gets the sign-ups' limits (letters/signing/ratelimit.py).
FOLLOW_LIMITS: ratelimit.Limits = ((3, 60), (20, 86_400))
_EMAIL_KEY_LENGTH = Subscription._meta.get_field("email_key").max_length


class RateLimited(Exception):
    """Too many subscribe requests from this network address or email domain."""


def public_target(kind: str, slug: str) -> Target:
    """What the public can follow (or read the feed of): a published letter, or an
    organisation or a person shown on one; 404 otherwise."""
    if kind == SubscriptionKind.ORGANISATION:
        return get_object_or_404(Organisation.objects.public(), slug=slug)
    if kind == SubscriptionKind.PERSON:
        return get_object_or_404(Person.objects.public(), slug=slug)
    return get_object_or_404(Letter.objects.published(), slug=slug)


def kind_of(target: Target) -> str:
    return SubscriptionKind(str(target._meta.model_name))


def subscribe(target: Target, email: str, ip_address: str | None, language: str = "") -> str | None:
    """Record a request to follow `target` and return the token to email, or None when
    nothing needs sending (already confirmed). `language` is the page's, which the alerts
    will be written in. Raises `RateLimited`."""
    email_key = normalise_email(email)[:_EMAIL_KEY_LENGTH]
    domain = email_key.rpartition("@")[2]
    limits = {
        f"follow:{ip_address}": FOLLOW_LIMITS,
        f"follow:{email_key}": FOLLOW_LIMITS,
        f"follow:@{domain}": ratelimit.email_domain_limits(domain),
    }
    if not ratelimit.allow_all(limits):
        raise RateLimited
    kind = kind_of(target)
    token = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS)
    with transaction.atomic():
        existing = Subscription.objects.filter(**{kind: target}, email_key=email_key).first()
        if existing is not None and existing.confirmed_at is not None:
            return None
        if existing is not None:
            # A lost email asked for again: a fresh link (the old one stops working).
            existing.token_hash, existing.expires_at = hash_token(token), expires_at
            existing.email, existing.language = email, language
            existing.save(update_fields=["token_hash", "expires_at", "email", "language"])
            return token
        try:
            with transaction.atomic():
                Subscription.objects.create(
                    kind=kind,
                    email=email,
                    email_key=email_key,
                    token_hash=hash_token(token),
                    ip_address=ip_address,
                    expires_at=expires_at,
                    language=language,
                    **{kind: target},
                )
        except IntegrityError:
            return None  # the same request, a moment before: its email is on its way
    return token


def send_confirmation(target: Target, email: str, token: str) -> None:
    subscription = Subscription.objects.get(token_hash=hash_token(token))
    context = {
        "target": target,
        "kind": subscription.get_kind_display().lower(),
        "confirm_url": absolute(reverse("follow_confirm", args=[token])),
        "hours": settings.SIGNUP_CONFIRMATION_HOURS,
    }
    body = render_to_string("letters/notifications/email/confirm_follow.txt", context)
    subject = gettext("Confirm you want email alerts about %(name)s") % {"name": target}
    queue_email(
        "Follow confirmation", email, subject[:200], body, expires_at=subscription.expires_at
    )


def find_by_token(token: str) -> Subscription | None:
    return (
        Subscription.objects.select_related("organisation", "person", "letter")
        .filter(token_hash=hash_token(token))
        .first()
    )


def confirm(subscription: Subscription) -> bool:
    """Confirm once; False if the link has expired."""
    if subscription.confirmed_at is not None:
        return True
    if subscription.expires_at <= timezone.now():
        return False
    subscription.confirmed_at = timezone.now()
    # Alerts start with what changes from today on.
    subscription.last_alert_on = timezone.localdate() - timedelta(days=1)
    subscription.save(update_fields=["confirmed_at", "last_alert_on"])
    return True


def unsubscribe_url(subscription: Subscription) -> str:
    token = make_token(TOKEN_SALT, subscription.pk, subscription.token_hash)
    return absolute(reverse("follow_unsubscribe", args=[token]))


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    found = read_token(TOKEN_SALT, token)
    if found is None:
        return None
    pk, bound = found
    subscription = (
        Subscription.objects.select_related("organisation", "person", "letter")
        .filter(pk=pk)
        .first()
    )
    if subscription is None or fingerprint(subscription.token_hash) != bound:
        return None
    return subscription


def send_alerts(day: date) -> int:
    """Queue, for each confirmed subscription not yet alerted for `day`, one email with
    what changed about its target that day (nothing when nothing did). The day is
    recorded in the transaction that queues the email: never twice. Returns how many."""
    start, end = day_bounds(day)
    due = Subscription.objects.confirmed().exclude(last_alert_on__gte=day)
    sent = 0
    for subscription_id in due.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(of=("self",))
                .select_related("organisation", "person", "letter")
                .filter(pk=subscription_id, confirmed_at__isnull=False)
                .exclude(last_alert_on__gte=day)
                .first()
            )
            if subscription is None:
                continue
            subscription.last_alert_on = day
            subscription.save(update_fields=["last_alert_on"])
            signatures, endorsements = changes_for(subscription.target, start, end)
            if signatures or endorsements:
                # The worker has no request to take a language from: the follower's.
                with translation.override(_alert_language(subscription)):
                    _queue_alert(subscription, day, signatures, endorsements)
                sent += 1
    return sent


def _alert_language(subscription: Subscription) -> str:
    """The language the follower asked in, while the site still offers it."""
    offered = {code for code, _ in settings.LANGUAGES}
    return subscription.language if subscription.language in offered else settings.LANGUAGE_CODE


def _queue_alert(
    subscription: Subscription,
    day: date,
    signatures: list[Signature],
    endorsements: list[Endorsement],
) -> None:
    url = unsubscribe_url(subscription)
    target = subscription.target
    context = {
        "target": target,
        "is_letter": subscription.kind == SubscriptionKind.LETTER,
        "target_url": absolute(target.get_absolute_url()),
        "day": day,
        "signatures": signatures,
        "endorsements": endorsements,
        "unsubscribe_url": url,
    }
    body = render_to_string("letters/notifications/email/alert.txt", context)
    subject = gettext("What changed about %(name)s") % {"name": target}
    queue_email(
        "Follow alert", subscription.email, subject[:200], body, headers=unsubscribe_headers(url)
    )
