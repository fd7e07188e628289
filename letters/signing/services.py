"""Sign-ups and withdrawals on hosted letters: the writes that span several models.

submit → an email with a link → a page with a confirm button (POST, because mail
scanners follow links) → a `pending` signature in the moderation queue → approved
(`confirmed`) or rejected by staff.

Every submission gets the same answer, new or duplicate, so nobody can learn who has
signed by probing; the email address owner is the only one told anything more.
"""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from letters.jobs.outbox import queue_email
from letters.lib.text import normalise, website_domain
from letters.models import (
    Letter,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    Signature,
    SignatureStatus,
    Signer,
    SignerKind,
    SignupAction,
    SignupLink,
    SignupRequest,
)

from . import ratelimit
from .ratelimit import lock
from .verification import verified_domain


def normalise_email(email: str) -> str:
    """One key per mailbox: case, '+tag' suffixes, Gmail's dots and Unicode forms (NFC or
    NFD domains, the Kelvin sign for K) do not make a new one."""
    email = unicodedata.normalize("NFKC", email)
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Folding can lengthen text ("ß" → "ss", "ﬃ" → "ffi"); the start of a key is key enough.
_EMAIL_KEY_LENGTH = SignupRequest._meta.get_field("email_key").max_length
_NAME_KEY_LENGTH = SignupRequest._meta.get_field("name_key").max_length
# The same request again from the same address this soon is the same click again (a
# double click, a reload, an impatient second press): it gets the same answer, and no
# second email, as the first one is on its way.
REPEAT_WINDOW = timedelta(minutes=2)


@dataclass
class Submission:
    """A sign-up or withdrawal, with the token to email when one must be sent."""

    request: SignupRequest
    token: str | None


class RateLimited(Exception):
    """Too many requests for this letter from the address or the email domain."""


def submit(letter: Letter, action: str, data: dict[str, Any], ip_address: str | None) -> Submission:
    """Record a request, or send a fresh link for the same pending one; never a second
    row for it, and never a link that stops the one already emailed from working.

    Returns no token when nothing needs sending: the same person already confirmed, or
    sent the same request from the same address a moment ago. Raises `RateLimited` when
    the address or the email domain has sent too many requests for this letter.
    """
    email_key = normalise_email(data["email"])[:_EMAIL_KEY_LENGTH]
    domain = email_key.rpartition("@")[2]
    name_key = normalise(data.get("name", ""))[:_NAME_KEY_LENGTH]
    with transaction.atomic():
        lock(f"signups:{letter.pk}")
        same = {"email_key": email_key}
        if action == SignupAction.SIGN:
            same["name_key"] = name_key  # one mailbox may sign for several organisations
        existing = (
            SignupRequest.objects.filter(letter=letter, action=action, **same)
            .order_by("-created_at")
            .first()
        )
        if existing is not None and _is_repeat(existing, ip_address):
            return Submission(existing, None)
        limits = {
            f"{action}:{letter.pk}:{ip_address}": ratelimit.PUBLIC_WRITE_LIMITS,
            f"{action}:{letter.pk}:@{domain}": ratelimit.email_domain_limits(domain),
        }
        if not ratelimit.allow_all(limits):
            raise RateLimited
        if existing is not None and existing.confirmed_at is not None:
            return Submission(existing, None)
        expires_at = timezone.now() + timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS)
        if existing is not None:
            # The same request again (a lost email): a fresh link, still one row.
            existing.expires_at = expires_at
            existing.save(update_fields=["expires_at"])
        request = existing or SignupRequest.objects.create(
            letter=letter,
            action=action,
            email=data["email"],
            email_key=email_key,
            email_domain=domain,
            name=data.get("name", ""),
            name_key=name_key,
            signer_kind=data.get("signer_kind") or SignerKind.INDIVIDUAL,
            affiliation=data.get("affiliation", ""),
            role=data.get("role", ""),
            country=data.get("country", ""),
            website=data.get("website", ""),
            contact_name=data.get("contact_name", ""),
            reason=data.get("reason", ""),
            ip_address=ip_address,
            expires_at=expires_at,
        )
        return Submission(request, _new_link(request, expires_at, ip_address))


def _is_repeat(request: SignupRequest, ip_address: str | None) -> bool:
    """The same pending request from the address its newest link went to, moments ago."""
    if request.confirmed_at is not None:
        return False
    newest = request.links.order_by("-created_at").first()
    return (
        newest is not None
        and newest.ip_address == ip_address
        and not newest.is_expired
        and newest.created_at > timezone.now() - REPEAT_WINDOW
    )


def _new_link(request: SignupRequest, expires_at: datetime, ip_address: str | None) -> str:
    """A new confirmation link for `request`; its earlier links keep working."""
    token, token_hash = _new_token()
    SignupLink.objects.create(
        request=request, token_hash=token_hash, expires_at=expires_at, ip_address=ip_address
    )
    return token


def find_link(token: str) -> SignupLink | None:
    """The link an emailed token belongs to, with its request and letter."""
    return (
        SignupLink.objects.select_related("request__letter", "request__signature")
        .filter(token_hash=hash_token(token))
        .first()
    )


def send_confirmation(submission: Submission, confirm_url: str) -> None:
    """Queue the email with the link (letters/jobs/outbox.py): a worker sends it and
    retries it, so a mail server that fails never fails the signer's request. It is not
    sent once the link has expired."""
    request = submission.request
    template = f"letters/signing/email/confirm_{request.action}.txt"
    body = render_to_string(template, {"request": request, "confirm_url": confirm_url})
    # The kind names the email in the staff's outbox, in English; the subject is the
    # signer's, in the language of the page they sent the form from.
    kind, subject = {
        SignupAction.SIGN: ("Sign-up confirmation", gettext("Confirm your signature: %(title)s")),
        SignupAction.WITHDRAW: (
            "Withdrawal confirmation",
            gettext("Confirm your withdrawal: %(title)s"),
        ),
    }[SignupAction(request.action)]
    subject = subject % {"title": request.letter.title}
    queue_email(kind, request.email, subject[:150], body, expires_at=request.expires_at)


class ConfirmationError(Exception):
    pass


def confirm(link: SignupLink) -> None:
    """Carry out a confirmed request, once: a pending signature, or a withdrawal."""
    with transaction.atomic():
        lock(f"signups:{link.request.letter_id}")
        request = SignupRequest.objects.get(pk=link.request_id)
        if request.confirmed_at is not None:
            return
        if link.is_expired:
            raise ConfirmationError("This link has expired.")
        request.confirmed_at = timezone.now()
        if request.action == SignupAction.SIGN:
            request.signature = _pending_signature(request)
        else:
            request.signature = _withdraw(request)
        request.save(update_fields=["confirmed_at", "signature"])
    link.request = request


def _pending_signature(request: SignupRequest) -> Signature | None:
    """The pending signature a confirmed sign-up makes, or None when its signer is
    already on the letter (the sign-up then changes nothing, and its mailbox cannot
    withdraw a signature it did not make).

    A sign-up naming an organisation we hold is that organisation's only when the email
    address is at its website's domain; otherwise it is the claim of the person who sent
    it, listed under their name with the organisation as affiliation (see verification.py).
    """
    lock(f"signer:{request.signer_kind}:{request.name_key}")  # one record per new signer
    signer = find_signer(request.signer_kind, request.name, request.website)
    domain = ""
    claimed: Organisation | None = None
    if isinstance(signer, Organisation):
        domain = verified_domain(request.email_domain, signer.website)
        if not domain:
            claimed, signer = signer, _contact_person(request)
    elif signer is None:
        signer = _create_signer(request.signer_kind, request.name, request.country, request.website)
        if isinstance(signer, Organisation):
            domain = verified_domain(request.email_domain, signer.website)
    field = "organisation" if isinstance(signer, Organisation) else "person"
    if Signature.objects.filter(letter=request.letter, **{field: signer}).exists():
        return None
    if claimed is not None:
        published_name = request.contact_name
        role = f"{request.role}, {request.name}" if request.role else request.name
    else:
        published_name = request.name
        role = request.role if field == "organisation" else request.affiliation
    signature = Signature(
        letter=request.letter,
        published_name=published_name,
        role=role[: Signature._meta.get_field("role").max_length],
        country=request.country,
        status=SignatureStatus.PENDING,
        signed_on_site_at=request.confirmed_at,
        verified_domain=domain,
        claimed_organisation=claimed,
        **{field: signer},
    )
    signature._change_reason = "Signed through the site (confirmed by email)"
    signature.save(force_insert=True)
    return signature


def _contact_person(request: SignupRequest) -> Person:
    """The person who signed for an organisation without being verified."""
    lock(f"signer:{SignerKind.INDIVIDUAL}:{normalise(request.contact_name)}")
    person = find_signer(SignerKind.INDIVIDUAL, request.contact_name)
    if isinstance(person, Person):
        return person
    created = _create_signer(SignerKind.INDIVIDUAL, request.contact_name, request.country)
    assert isinstance(created, Person)
    return created


def _withdraw(request: SignupRequest) -> Signature | None:
    """Withdraw the signature made through the same mailbox, if there is one."""
    signed = (
        SignupRequest.objects.filter(
            letter=request.letter,
            action=SignupAction.SIGN,
            email_key=request.email_key,
            confirmed_at__isnull=False,
            signature__isnull=False,
        )
        .select_related("signature")
        .first()
    )
    if signed is None or signed.signature is None:
        return None
    signature = signed.signature
    if signature.status in {SignatureStatus.PENDING, SignatureStatus.REJECTED}:
        # Never public: there is nothing to keep on record.
        signature.status = SignatureStatus.REJECTED
    else:
        signature.status = SignatureStatus.WITHDRAWN
        signature.withdrawn_on = timezone.localdate().isoformat()
        signature.withdrawal_reason = request.reason or "Withdrawn by the signatory."
    signature._change_reason = "Withdrawn through the site (confirmed by email)"
    signature.save()
    return signature


def find_signer(kind: str, name: str, website: str = "") -> Organisation | Person | None:
    """An existing organisation or person by normalised name, alias or website domain."""
    key = normalise(name)
    if kind == SignerKind.ORGANISATION:
        organisation_alias = OrganisationAlias.objects.filter(normalised_name=key).first()
        if organisation_alias is not None:
            return organisation_alias.organisation
        match = _by_normalised_name(Organisation.objects.all(), key)
        if match is None and website:
            domain = website_domain(website)
            candidates = Organisation.objects.filter(website__icontains=domain)
            match = next((o for o in candidates if website_domain(o.website) == domain), None)
        return match
    person_alias = PersonAlias.objects.filter(normalised_name=key).first()
    if person_alias is not None:
        return person_alias.person
    return _by_normalised_name(Person.objects.all(), key)


SignerT = TypeVar("SignerT", bound=Signer)


def _by_normalised_name(queryset: QuerySet[SignerT], key: str) -> SignerT | None:
    # search_text starts with the normalised canonical name, then " | " and the aliases.
    candidates = queryset.filter(search_text__startswith=key)
    return next((c for c in candidates if c.search_text.split(" | ")[0] == key), None)


# Attempts at a free slug before giving up: each retry follows a sign-up or an import that
# took the slug a moment before, so one retry is nearly always enough.
_SLUG_ATTEMPTS = 5


def _create_signer(kind: str, name: str, country: str, website: str = "") -> Organisation | Person:
    """A new organisation or person under a slug nothing else holds, even when another
    sign-up with a name of the same slug ("5-Rights Org", "5 Rights-Org") is confirmed at
    the same moment: the slug is locked while it is chosen and taken, and a slug taken by
    a writer that does not lock (an import) makes it choose again."""
    model: type[Organisation] | type[Person] = (
        Organisation if kind == SignerKind.ORGANISATION else Person
    )
    lock(f"slug:{model._meta.model_name}:{slugify(name)}")
    fields = {"name": name, "country": country, **({"website": website} if website else {})}
    for _ in range(_SLUG_ATTEMPTS - 1):
        slug = model.objects.unique_slug(name)
        try:
            with transaction.atomic():
                return model.objects.create(slug=slug, **fields)
        except IntegrityError:
            if not model.objects.filter(slug=slug).exists():
                raise  # another rule broke, not the slug's
    return model.objects.create(slug=model.objects.unique_slug(name), **fields)
