import itertools
import time
from datetime import timedelta

import factory
from django.core import signing
from django.utils import timezone
from django.utils.text import slugify

from letters import models
from letters.lib.text import normalise
from letters.signing.forms import _STARTED_SALT as STARTED_SALT
from letters.signing.services import hash_token


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ["url"]

    url = factory.Sequence(lambda n: f"https://news.example.org/story-{n}")
    outlet = "Example News"
    headline = factory.Sequence(lambda n: f"Story {n}")
    date = "2020-02-06"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = models.OrganisationKind.NGO


class OrganisationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OrganisationAlias

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PersonAlias

    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Other Name {n}")


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Letter

    title = factory.Sequence(lambda n: f"Open letter {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    date = "2020-02-06"
    visibility = models.Visibility.PUBLISHED
    side = models.Side.AGAINST
    stance = "against E2EE rollout"
    summary = "A letter used in tests."


class ReportedCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReportedCount

    letter = factory.SubFactory(LetterFactory)
    signatories_text = "129"
    signatories_value = 129
    source = factory.SubFactory(SourceFactory)


class SignatureFactory(factory.django.DjangoModelFactory):
    """An organisation's signature; pass `person=...` with `organisation=None` for a person."""

    class Meta:
        model = models.Signature
        skip_postgeneration_save = True

    letter = factory.SubFactory(LetterFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    person = None
    published_name = factory.LazyAttribute(
        lambda o: (o.organisation or o.person).name if (o.organisation or o.person) else "Nobody"
    )
    status = models.SignatureStatus.REPORTED
    # Tests stand for curated data; pass identity_basis="name" for a match by name only.
    identity_basis = models.IdentityBasis.CURATOR

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        """Each signature cites a source, as nothing is public without one: a new one, or
        those given (`sources=[]` for a signature that cites none)."""
        if create:
            self.sources.add(*(extracted if extracted is not None else [SourceFactory()]))


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Endorsement

    letter = factory.SubFactory(LetterFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = None
    office = "Home Secretary"
    jurisdiction = "United Kingdom"
    date = "2020-02-06"
    quote = "I fully support this letter."
    source = factory.SubFactory(SourceFactory)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Quote

    letter = factory.SubFactory(LetterFactory)
    text = factory.Sequence(lambda n: f"Quoted passage {n}.")
    speaker = "the letter"
    source = factory.SubFactory(SourceFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Response

    letter = factory.SubFactory(LetterFactory)
    responder = "Facebook (spokesperson)"
    quote = "We disagree."
    source = factory.SubFactory(SourceFactory)


class LetterTextFactory(factory.django.DjangoModelFactory):
    """A letter's text in its original language, citing where it is published."""

    class Meta:
        model = models.LetterText

    letter = factory.SubFactory(LetterFactory)
    language = "en"
    is_original = True
    title = "Open letter"
    body = factory.Sequence(lambda n: f"We, the undersigned, ask for change number {n}.")
    source = factory.SubFactory(SourceFactory)


class PersonSignatureFactory(SignatureFactory):
    """A person's signature."""

    organisation = None
    person = factory.SubFactory(PersonFactory)


class AddresseeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Addressee

    letter = factory.SubFactory(LetterFactory)
    name = factory.Sequence(lambda n: f"Addressee {n}")


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organiser

    letter = factory.SubFactory(LetterFactory)
    name = factory.LazyAttribute(
        lambda o: (o.organisation or o.person).name if (o.organisation or o.person) else "Organiser"
    )
    organisation = None
    person = None


_bulk_serial = itertools.count()


def create_signatures(
    letter: models.Letter,
    count: int,
    *,
    name: str = "Signatory",
    status: str = models.SignatureStatus.REPORTED,
) -> list[models.Signature]:
    """Quickly add `count` signatures to a letter, alternately by an organisation (with an
    alias, "Also known as …") and by a person, each with its own source. Names are numbered
    on from the letter's existing signatures and zero-padded, so they sort the same way on
    every database: "Signatory 0001", "Signatory 0002", …
    """
    serial = next(_bulk_serial)
    first = letter.signatures.count() + 1
    numbers = range(first, first + count)
    organisations = models.Organisation.objects.bulk_create(
        models.Organisation(name=f"{name} {n:04} Org", slug=f"bulk-{serial}-org-{n}")
        for n in numbers
        if n % 2
    )
    models.OrganisationAlias.objects.bulk_create(
        models.OrganisationAlias(
            organisation=organisation,
            name=f"Also known as {organisation.slug}",
            normalised_name=normalise(f"Also known as {organisation.slug}"),
        )
        for organisation in organisations
    )
    people = models.Person.objects.bulk_create(
        models.Person(name=f"{name} {n:04} Person", slug=f"bulk-{serial}-person-{n}")
        for n in numbers
        if not n % 2
    )
    signers = iter(organisations), iter(people)
    signatures = []
    for n in numbers:
        signer = next(signers[0] if n % 2 else signers[1])
        signatures.append(
            models.Signature(
                letter=letter,
                organisation=signer if n % 2 else None,
                person=None if n % 2 else signer,
                published_name=f"{name} {n:04}",
                country="GB" if n % 3 else "FR",
                country_is_inferred=not n % 5,
                status=status,
                sourced=True,  # each cites its own source, added below
            )
        )
    signatures = models.Signature.objects.bulk_create(signatures)
    sources = models.Source.objects.bulk_create(
        models.Source(url=f"https://bulk.example.org/{serial}/{n}", outlet=f"Outlet {n}")
        for n in numbers
    )
    models.Signature.sources.through.objects.bulk_create(
        models.Signature.sources.through(signature=signature, source=source)
        for signature, source in zip(signatures, sources, strict=True)
    )
    return signatures


# ---------------------------------------------------------------------------
# Sign-ups, withdrawals and corrections from the public
# ---------------------------------------------------------------------------


class SignupRequestFactory(factory.django.DjangoModelFactory):
    """A sign-up as `letters.signing.services.submit` records it; `token` is the emailed secret."""

    class Meta:
        model = models.SignupRequest
        skip_postgeneration_save = True  # its link is a row of its own

    class Params:
        token = factory.Sequence(lambda n: f"test-token-{n}")

    letter = factory.SubFactory(LetterFactory, accepts_signups=True)
    action = models.SignupAction.SIGN
    signer_kind = models.SignerKind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"Signer {n}")
    name_key = factory.LazyAttribute(lambda o: normalise(o.name))
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    email_key = factory.LazyAttribute(lambda o: o.email.lower())
    email_domain = factory.LazyAttribute(lambda o: o.email_key.rpartition("@")[2])
    ip_address = "192.0.2.1"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48))
    link = factory.RelatedFactory(
        "tests.factories.SignupLinkFactory",
        factory_related_name="request",
        token_hash=factory.LazyAttribute(lambda o: hash_token(o.factory_parent.token)),
        expires_at=factory.SelfAttribute("..expires_at"),
        ip_address=factory.SelfAttribute("..ip_address"),
    )


class SignupLinkFactory(factory.django.DjangoModelFactory):
    """A confirmation link as emailed; its token is never stored, only its hash."""

    class Meta:
        model = models.SignupLink

    request = factory.SubFactory(SignupRequestFactory)
    token_hash = factory.Sequence(lambda n: hash_token(f"test-link-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48))


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CorrectionRequest

    letter = factory.SubFactory(LetterFactory)
    kind = models.CorrectionKind.ERROR
    details = "My name is misspelt."
    email = factory.Sequence(lambda n: f"reporter{n}@example.org")
    ip_address = "192.0.2.2"


def started(seconds_ago: float = 0) -> str:
    """The form's signed start time, as its page hands it out `seconds_ago` seconds ago."""
    signer = signing.TimestampSigner(salt=STARTED_SALT)
    stamped = f"form{signer.sep}{signing.b62_encode(int(time.time() - seconds_ago))}"
    return signing.Signer.sign(signer, stamped)


def sign_form(**fields) -> dict:
    """A valid sign form for an individual; override or add any field."""
    return {
        "signer_kind": models.SignerKind.INDIVIDUAL,
        "name": "Ada Lovelace",
        "affiliation": "Analytical Engine Society",
        "country": "GB",
        "email": "ada@example.org",
        "consent": "on",
        "homepage": "",
        "started": started(seconds_ago=3600),
        **fields,
    }


def organisation_sign_form(**fields) -> dict:
    organisation = {
        "signer_kind": models.SignerKind.ORGANISATION,
        "name": "Open Rights Group",
        "affiliation": "",
        "role": "Executive Director",
        "website": "https://www.openrightsgroup.org/",
        "contact_name": "Jim Killock",
        "email": "jim@openrightsgroup.org",
    }
    return sign_form(**{**organisation, **fields})


def withdraw_form(**fields) -> dict:
    return {
        "email": "ada@example.org",
        "reason": "",
        "homepage": "",
        "started": started(seconds_ago=3600),
        **fields,
    }


def correction_form(**fields) -> dict:
    return {
        "kind": models.CorrectionKind.ERROR,
        "details": "The name is misspelt: it is Lovelace, not Lovelance.",
        "email": "reporter@example.org",
        "homepage": "",
        "started": started(seconds_ago=3600),
        **fields,
    }
