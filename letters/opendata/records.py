"""Public records as plain data, shared by the API and the downloads. Only public fields:
never staff notes, emails, IP addresses or sign-up requests."""

from typing import Any, TypedDict

from django.conf import settings
from django.urls import reverse

from letters.models import (
    Addressee,
    Endorsement,
    Letter,
    LetterText,
    Organisation,
    Organiser,
    Person,
    Signature,
    Source,
    Visibility,
)

# A JSON object as json.dumps() takes it.
JsonObject = dict[str, Any]


class SignatureRecord(TypedDict):
    """One public signature as the API and both downloads give it."""

    id: int
    position: int | None
    published_name: str
    canonical_name: str
    canonical_slug: str
    canonical_url: str
    kind: str
    role: str
    country: str
    country_is_inferred: bool
    status: str
    first_listed: str | None
    withdrawn_on: str | None
    withdrawal_reason: str
    note: str
    source_urls: list[str]
    # Signed through this site's form: the day the email was confirmed, and how the signer
    # was verified ("domain", "curator", "none"); all null or empty for a signature from
    # a published source.
    signed_on_site_on: str | None
    verification: str | None
    verified_domain: str
    verification_method: str


class ApiSignatureRecord(SignatureRecord):
    """A signature in the API, which also names its letter."""

    letter: str


def licence() -> dict[str, str]:
    return {"name": settings.DATA_LICENCE_NAME, "url": settings.DATA_LICENCE_URL}


def signature_record(signature: Signature, base_url: str) -> SignatureRecord:
    """One public signature as plain data: the API's row, built from a model instance.

    Reads `organisation`, `person` and `sources.all()`: select and prefetch them. The
    downloads build the same dict from plain values (`download_records`).
    """
    signer = signature.signer
    assert signer is not None  # a saved signature has one
    return {
        "id": signature.pk,
        "position": signature.list_rank,
        "published_name": signature.published_name,
        "canonical_name": signer.name,
        "canonical_slug": signer.slug,
        "canonical_url": base_url + signer.get_absolute_url(),
        "kind": signature.kind,
        "role": signature.role,
        "country": signature.country,
        "country_is_inferred": signature.country_is_inferred,
        **standing_fields(
            signature.status,
            signature.first_listed,
            signature.withdrawn_on,
            signature.withdrawal_reason,
        ),
        "note": signature.note,
        "source_urls": [source.url for source in signature.sources.all()],
        **site_signup_fields(signature),
    }


class StandingFields(TypedDict):
    status: str
    first_listed: str | None
    withdrawn_on: str | None
    withdrawal_reason: str


def standing_fields(
    status: str, first_listed: str | None, withdrawn_on: str | None, withdrawal_reason: str
) -> StandingFields:
    """Where a signature stands, as every record of one says it (see `SignatureRecord`):
    a partial date as written, an unknown one as null."""
    return {
        "status": status,
        "first_listed": first_listed or None,
        "withdrawn_on": withdrawn_on or None,
        "withdrawal_reason": withdrawal_reason,
    }


class SiteSignupFields(TypedDict):
    signed_on_site_on: str | None
    verification: str | None
    verified_domain: str
    verification_method: str


def site_signup_fields(signature: Signature) -> SiteSignupFields:
    """Where a signature made on this site's form comes from (see `SignatureRecord`)."""
    return {
        "signed_on_site_on": Signature.day_signed_on_site(signature.signed_on_site_at),
        "verification": signature.verification,
        "verified_domain": signature.verified_domain,
        "verification_method": signature.verification_method,
    }


def letter_text_record(text: LetterText) -> JsonObject:
    """The letter in one of its languages, with its source (None: published on this site,
    which only a hosted letter may be)."""
    return {
        "language": text.language,
        "language_name": str(text.language_info["name"]),
        "is_original": text.is_original,
        "translated_by": text.translated_by,
        "title": text.title,
        "body": text.body,
        "source": source_record(text.source) if text.source else None,
    }


def letter_metadata(letter: Letter, base_url: str) -> JsonObject:
    """What describes a letter in its JSON download and in the API. Reads the letter's
    texts (one query)."""
    texts = LetterText.objects.filter(letter=letter).sourced().select_related("source")
    return {
        "slug": letter.slug,
        "title": letter.title,
        "title_is_descriptive": letter.title_is_descriptive,
        "url": base_url + letter.get_absolute_url(),
        "date": letter.date or None,
        "date_note": letter.date_note,
        "summary": letter.summary,
        "asks": letter.ask_list,
        "platforms": letter.platform_list,
        "side": letter.side,
        "stance": letter.stance,
        "signatories_note": letter.signatories_note,
        "notes": letter.notes,
        "listed_count": letter.listed_count,
        "public_count": letter.public_count,
        "last_reviewed_on": letter.last_reviewed_on.isoformat()
        if letter.last_reviewed_on
        else None,
        "texts": [letter_text_record(text) for text in texts],
    }


def source_record(source: Source, base: str = "") -> JsonObject:
    """A source; `base` is unused (a source's URL is its own), as every record takes it."""
    return {
        "id": source.pk,
        "url": source.url,
        "outlet": source.outlet,
        "headline": source.headline,
        "headline_is_rebuilt": source.headline_is_rebuilt,
        "date": source.date or None,
        "kind": source.kind,
        "is_copy": source.is_copy,
        "authors": source.authors,
        "note": source.note,
        "archived_url": source.archived_url,
    }


def letter_sources(letter: Letter) -> list[JsonObject]:
    """The letter's own documents, then its coverage, each marked with its role."""
    documents = [{**source_record(s), "role": "document"} for s in letter.documents.all()]
    coverage = [{**source_record(s), "role": "coverage"} for s in letter.coverage.all()]
    return documents + coverage


# ---------------------------------------------------------------------------


def signer_ref(signer: Organisation | Person, base: str) -> JsonObject:
    kind = "organisation" if isinstance(signer, Organisation) else "person"
    api_name = "api_organisation_detail" if kind == "organisation" else "api_person_detail"
    return {
        "kind": kind,
        "slug": signer.slug,
        "name": signer.name,
        "url": base + signer.get_absolute_url(),
        "api_url": base + reverse(api_name, args=[signer.slug]),
    }


def letter_summary(letter: Letter, base: str) -> JsonObject:
    """A letter in a list. Reads `topics.all()`: prefetch it."""
    return {
        "slug": letter.slug,
        "title": letter.title,
        "date": letter.date or None,
        "side": letter.side,
        "stance": letter.stance,
        "listed_count": letter.listed_count,
        "public_count": letter.public_count,
        "topics": [topic.slug for topic in letter.topics.all()],
        "url": base + letter.get_absolute_url(),
        "api_url": base + reverse("api_letter_detail", args=[letter.slug]),
    }


def party_record(party: Addressee | Organiser, base: str) -> JsonObject:
    signer = party.person or party.organisation
    return {
        "name": party.name,
        "role": party.role,
        "signer": signer_ref(signer, base) if signer else None,
    }


def letter_detail_record(letter: Letter, base: str) -> JsonObject:
    answered = letter.in_response_to
    return {
        **letter_metadata(letter, base),
        "topics": [topic.slug for topic in letter.topics.all()],
        "in_response_to": (
            answered.slug if answered and answered.visibility == Visibility.PUBLISHED else None
        ),
        "addressees": [party_record(a, base) for a in letter.addressees.all()],
        "organisers": [party_record(o, base) for o in letter.organisers.all()],
        "reported_counts": [
            {
                "signatories_text": count.signatories_text,
                "signatories_value": count.signatories_value,
                "countries": count.countries,
                "note": count.note,
                "source": source_record(count.source),
            }
            for count in letter.reported_counts.all()
        ],
        "sources": letter_sources(letter),
        "signatures_url": base + reverse("api_letter_signature_list", args=[letter.slug]),
        "endorsements_url": base + reverse("api_endorsement_list") + f"?letter={letter.slug}",
        "csv_url": base + reverse("letter_signatories_csv", args=[letter.slug]),
        "json_url": base + reverse("letter_signatories_json", args=[letter.slug]),
    }


def api_signature_record(signature: Signature, base: str) -> ApiSignatureRecord:
    return {**signature_record(signature, base), "letter": signature.letter.slug}


def organisation_record(organisation: Organisation, base: str) -> JsonObject:
    return {
        **signer_ref(organisation, base),
        "country": organisation.country,
        "organisation_kind": organisation.kind,
        "website": organisation.website,
    }


def person_record(person: Person, base: str) -> JsonObject:
    return {**signer_ref(person, base), "country": person.country, "website": person.website}


def signed_record(signature: Signature) -> JsonObject:
    """A signature seen from its signer's page."""
    return {
        "id": signature.pk,
        "letter": signature.letter.slug,
        "letter_title": signature.letter.title,
        "published_name": signature.published_name,
        "role": signature.role,
        **standing_fields(
            signature.status,
            signature.first_listed,
            signature.withdrawn_on,
            signature.withdrawal_reason,
        ),
        **site_signup_fields(signature),
    }


def endorsement_record(endorsement: Endorsement, base: str) -> JsonObject:
    endorser = endorsement.endorser
    assert endorser is not None  # a saved endorsement has one
    return {
        "id": endorsement.pk,
        "letter": endorsement.letter.slug,
        "endorser": signer_ref(endorser, base),
        "office": endorsement.office,
        "jurisdiction": endorsement.jurisdiction,
        "date": endorsement.date or None,
        "stance": endorsement.stance,
        "quote": endorsement.quote,
        "note": endorsement.note,
        "source": source_record(endorsement.source),
    }
