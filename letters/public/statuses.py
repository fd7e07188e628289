"""What each signature status means, in words for readers."""

from letters.models import SignatureStatus

# What each status means, next to the choices it explains (shown on /statuses/ and linked
# from every signatory's status on a letter page).
STATUS_EXPLANATIONS = {
    SignatureStatus.REPORTED: (
        "A public source lists this signatory: the letter itself, its organisers' page, a "
        "press release or a news report. We have not confirmed it with the signatory. "
        "Counted as listed."
    ),
    SignatureStatus.CONFIRMED: (
        "Listed, and confirmed: the signatory told us, or signed through this site and a "
        "curator approved it, or the signatory's own official page says so. Counted as listed."
    ),
    SignatureStatus.DISPUTED: (
        "A source lists this signatory, but the signatory or another reliable source says "
        "they did not sign, or the listing is in doubt. Shown for the record, not counted as "
        "listed."
    ),
    SignatureStatus.WITHDRAWN: (
        "The signatory signed and later withdrew, on the date shown. Kept on the list for the "
        "record, with the date and the reason; counted as listed only before that date."
    ),
    SignatureStatus.PENDING: (
        "A sign-up made through this site and confirmed by email, waiting for a curator. "
        "Never shown publicly until it is approved."
    ),
    SignatureStatus.REJECTED: (
        "A sign-up a curator turned down (spam, or a name we could not verify). Never shown "
        "publicly."
    ),
}
