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
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

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
    SignupRequest,
)

from .ratelimit import lock


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


@dataclass
class Submission:
    """A sign-up or withdrawal, with the token to email when one must be sent."""

    request: SignupRequest
    token: str | None


def submit(letter: Letter, action: str, data: dict[str, Any], ip_address: str | None) -> Submission:
    """Record a request, or refresh the same pending one; never a second row for it.

    Returns no token when nothing needs confirming (the same person already confirmed).
    """
    email_key = normalise_email(data["email"])[:_EMAIL_KEY_LENGTH]
    name_key = normalise(data.get("name", ""))[:_NAME_KEY_LENGTH]
    lifetime = timedelta(hours=settings.SIGNUP_CONFIRMATION_HOURS)
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
        if existing is not None and existing.confirmed_at is not None:
            return Submission(existing, None)
        token, token_hash = _new_token()
        if existing is not None:
            # The same request again (a lost email): a fresh link, still one row.
            existing.token_hash = token_hash
            existing.expires_at = timezone.now() + lifetime
            existing.save(update_fields=["token_hash", "expires_at"])
            return Submission(existing, token)
        request = SignupRequest.objects.create(
            letter=letter,
            action=action,
            email=data["email"],
            email_key=email_key,
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
            token_hash=token_hash,
            expires_at=timezone.now() + lifetime,
        )
        return Submission(request, token)


def send_confirmation(submission: Submission, confirm_url: str) -> None:
    """Queue the email with the link (letters/jobs/outbox.py): a worker sends it and
    retries it, so a mail server that fails never fails the signer's request. It is not
    sent once the link has expired."""
    request = submission.request
    template = f"letters/signing/email/confirm_{request.action}.txt"
    body = render_to_string(template, {"request": request, "confirm_url": confirm_url})
    kind, subject = {
        SignupAction.SIGN: ("Sign-up confirmation", "Confirm your signature"),
        SignupAction.WITHDRAW: ("Withdrawal confirmation", "Confirm your withdrawal"),
    }[SignupAction(request.action)]
    subject = f"{subject}: {request.letter.title}"
    queue_email(kind, request.email, subject[:150], body, expires_at=request.expires_at)


class ConfirmationError(Exception):
    pass


def confirm(request: SignupRequest) -> None:
    """Carry out a confirmed request, once: a pending signature, or a withdrawal."""
    with transaction.atomic():
        lock(f"signups:{request.letter_id}")
        request = SignupRequest.objects.get(pk=request.pk)
        if request.confirmed_at is not None:
            return
        if request.is_expired:
            raise ConfirmationError("This link has expired.")
        request.confirmed_at = timezone.now()
        if request.action == SignupAction.SIGN:
            request.signature = _pending_signature(request)
        else:
            request.signature = _withdraw(request)
        request.save(update_fields=["confirmed_at", "signature"])


def _pending_signature(request: SignupRequest) -> Signature:
    lock(f"signer:{request.signer_kind}:{request.name_key}")  # one record per new signer
    signer = find_signer(request.signer_kind, request.name, request.website)
    field = "organisation" if request.signer_kind == SignerKind.ORGANISATION else "person"
    if signer is not None:
        existing = Signature.objects.filter(letter=request.letter, **{field: signer}).first()
        if existing is not None:
            return existing
    else:
        signer = _create_signer(request)
    role = request.role if field == "organisation" else request.affiliation
    signature = Signature(
        letter=request.letter,
        published_name=request.name,
        role=role,
        country=request.country,
        status=SignatureStatus.PENDING,
        **{field: signer},
    )
    signature._change_reason = "Signed through the site (confirmed by email)"
    signature.save(force_insert=True)
    return signature


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


def _create_signer(request: SignupRequest) -> Organisation | Person:
    model = Organisation if request.signer_kind == SignerKind.ORGANISATION else Person
    slug = model.objects.unique_slug(request.name)
    fields = {"name": request.name, "slug": slug, "country": request.country}
    if request.website:
        fields["website"] = request.website
    return model.objects.create(**fields)
