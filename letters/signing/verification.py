"""Who may sign as an organisation: a sign-up is published as an organisation we hold only
when it is verified, either because the confirmed email address is at the organisation's
website domain, or because a curator records how they verified it.

An unverified claim is listed as the individual who made it, with the organisation as
affiliation (`Signature.claimed_organisation` keeps the claim for the moderators), until a
curator verifies it; then it becomes the organisation's signature.
"""

from django.contrib.auth.models import User
from django.db import transaction

from letters.lib.text import website_domain
from letters.models import (
    Addressee,
    Endorsement,
    Organiser,
    Person,
    Quote,
    Signature,
    SignupAction,
)

# Mail providers that many unrelated people share: an address there says nothing about
# who the sender works for.
SHARED_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "orange.fr",
        "free.fr",
        "btinternet.com",
    }
)
# Sites where anyone can have a page: a "website" there (facebook.com/barnardos) is not
# the organisation's own domain, and an address at the platform is its staff's.
_PLATFORM_DOMAINS = SHARED_MAIL_DOMAINS | {
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "youtube.com",
    "tiktok.com",
    "github.com",
    "github.io",
    "gitlab.com",
    "google.com",
    "medium.com",
    "substack.com",
    "wordpress.com",
    "blogspot.com",
    "wixsite.com",
    "squarespace.com",
    "linktr.ee",
}


def _ascii_domain(domain: str) -> str:
    """A domain in the ASCII form DNS uses, so that 'exämple.org' and 'xn--exmple-cua.org'
    compare equal."""
    domain = domain.strip().rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _is_within(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith(f".{parent}")


def verified_domain(email_domain: str, website: str) -> str:
    """The website's domain when the confirmed email address is at it, or at one of its
    sub-domains: 'barnardos.org.uk' for jane@barnardos.org.uk and
    https://www.barnardos.org.uk/. Empty when they differ, when there is no website, or
    when the website is on a platform or mail provider anyone can use."""
    site = _ascii_domain(website_domain(website)) if website else ""
    mail = _ascii_domain(email_domain)
    if not site or not mail or any(_is_within(site, p) for p in _PLATFORM_DOMAINS):
        return ""
    return site if _is_within(mail, site) else ""


class VerificationError(ValueError):
    """The signature cannot be verified as asked (nothing was changed)."""


def record_curator_verification(
    signature: Signature, method: str, user: User | None = None
) -> Signature:
    """Record how a curator verified a sign-up made on this site; kept in its history.

    A claim to sign for an organisation becomes that organisation's signature, under the
    name and with the role the signer gave; the person record made only to list the
    claim is deleted (it held nothing else, and the contact's name is not kept longer
    than the sign-up's retention period says).
    """
    with transaction.atomic():
        signature = (
            # Only the signature's row: PostgreSQL cannot lock the nullable side of a join.
            Signature.objects.select_for_update(of=("self",))
            .select_related("claimed_organisation", "person")
            .get(pk=signature.pk)
        )
        if signature.signed_on_site_at is None:
            raise VerificationError(
                f"“{signature.published_name}” was not signed on this site: its sources say "
                "where it comes from."
            )
        organisation = signature.claimed_organisation
        claimant = signature.person if organisation is not None else None
        if organisation is not None:
            if Signature.objects.filter(
                letter_id=signature.letter_id, organisation=organisation
            ).exists():
                raise VerificationError(
                    f"{organisation} already has a signature on this letter: reject this "
                    "sign-up, or merge the two by hand."
                )
            signup = (
                signature.signup_requests.filter(action=SignupAction.SIGN)
                .order_by("created_at")
                .first()
            )
            signature.organisation, signature.person = organisation, None
            signature.published_name = signup.name if signup else organisation.name
            signature.role = signup.role if signup else ""
            signature.claimed_organisation = None
        signature.verification_method = method
        signature._change_reason = f"Verified by a curator: {method}"[:100]
        signature._history_user = user
        signature.save()
        if claimant is not None:
            _delete_if_unused(claimant)
    return signature


def _delete_if_unused(person: Person) -> None:
    """Delete a person record that nothing refers to any more."""
    referred = (
        Signature.objects.filter(person=person).exists()
        or Endorsement.objects.filter(person=person).exists()
        or Organiser.objects.filter(person=person).exists()
        or Addressee.objects.filter(person=person).exists()
        or Quote.objects.filter(person=person).exists()
        or person.aliases.exists()
    )
    if not referred:
        person._change_reason = "Deleted: listed only an unverified claim, now verified"
        person.delete()
