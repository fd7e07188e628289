"""What each signature status means, and where a signature made on this site comes from,
in words for readers (the /statuses/ page)."""

from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext_lazy as _

from letters.models import SignatureStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What each status means, next to the choices it explains (shown on /statuses/ and linked
# from every signatory's status on a letter page).
STATUS_EXPLANATIONS = {
    SignatureStatus.REPORTED: _(
        "A public source lists this signatory: the letter itself, its organisers' page, a "
        "press release or a news report. We have not confirmed it with the signatory. "
        "Counted as listed."
    ),
    SignatureStatus.CONFIRMED: _(
        "Listed, and confirmed: the signatory told us, or signed through this site and a "
        "curator approved it (see below how each such signature was verified), or the "
        "signatory's own official page says so. Counted as listed."
    ),
    SignatureStatus.DISPUTED: _(
        "A source lists this signatory, but the signatory or another reliable source says "
        "they did not sign, or the listing is in doubt. Shown for the record, not counted as "
        "listed."
    ),
    SignatureStatus.WITHDRAWN: _(
        "The signatory signed and later withdrew, on the date shown. Kept on the list for the "
        "record, with the date and the reason (on the letter's page, in its feed and in its "
        "downloads); counted as listed only before that date."
    ),
    SignatureStatus.PENDING: _(
        "A sign-up made through this site and confirmed by email, waiting for a curator. "
        "Never shown publicly until it is approved."
    ),
    SignatureStatus.REJECTED: _(
        "A sign-up a curator turned down (spam, or a name we could not verify). Never shown "
        "publicly."
    ),
}


class ProvenanceCase(NamedTuple):
    anchor: str
    shown_as: "StrOrPromise"
    explanation: "StrOrPromise"


# What the line beside a signature made on this site says, case by case (the words come
# from `Signature.site_provenance`).
SITE_SIGNUP_CASES = [
    ProvenanceCase(
        "signed-on-site",
        _("Signed on this site on 3 March 2026; email confirmed"),
        _(
            "The signatory filled in this letter's sign form here and confirmed it through a "
            "link we emailed to the address they gave, on the date shown; then a curator "
            "approved it. We never publish the email address."
        ),
    ),
    ProvenanceCase(
        "verified-domain",
        _("verified from barnardos.org.uk"),
        _(
            "Signed for an organisation with an email address at the organisation's own "
            "website domain: whoever signed can receive mail there. Only then, or after a "
            "curator's check, is a sign-up listed as an organisation we already hold."
        ),
    ),
    ProvenanceCase(
        "verified-curator",
        _("verified by our curators: …"),
        _(
            "A curator checked by other means that the signatory speaks for the name they "
            "signed under, and recorded how; the record of that check is kept in the "
            "signature's history."
        ),
    ),
    ProvenanceCase(
        "not-verified",
        _("not verified"),
        _(
            "We know only that the signatory can read mail at the address they gave: the name "
            "is as they typed it. For an organisation we did not hold before, nobody has "
            "checked that the signatory speaks for it."
        ),
    ),
    ProvenanceCase(
        "affiliation-not-verified",
        _("affiliation not verified"),
        _(
            "Someone signed for an organisation we already hold, from an email address that is "
            "not at its website domain, and no curator has verified it. The signature is listed "
            "as theirs, under their own name, with the organisation as their affiliation: it is "
            "not counted as the organisation's, and the organisation's page does not show it. "
            "If a curator verifies it later, it becomes the organisation's signature."
        ),
    ),
]
