"""Large, clearly synthetic letters for benchmarks and scale tests.

Everything it creates is marked: the letter's slug starts with `synthetic-`, its title
with "[Synthetic data]", its summary and signatories note say it is generated, and its
signers' slugs start with the letter's slug. It never changes real data, and the same
seed always gives the same letter.

Rows go in with `bulk_create` in batches inside one transaction, so 100,000 signatories
take seconds. Derived columns (`search_text`, the listed count) are set exactly as the
app sets them on save, without a query per row.
"""

import datetime
import random
from dataclasses import dataclass

from django.core.management.base import CommandError
from django.db import connection

from letters.lib.countries import country_code
from letters.lib.progress import Progress
from letters.models import (
    IdentityBasis,
    Letter,
    Organisation,
    OrganisationKind,
    Person,
    Side,
    Signature,
    SignatureStatus,
    Source,
    SourceKind,
    Visibility,
)
from letters.signature_list import search_text

SLUG_PREFIX = "synthetic-"
TITLE_PREFIX = "[Synthetic data]"
BATCH_SIZE = 5000
ORGANISATION_SHARE = 0.4
ROLE_SHARE = 0.35
LETTER_DATE = datetime.date(2025, 1, 15)
LISTING_DAYS = 120
ENTERED_AT = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)

COUNTRIES = [
    "Argentina",
    "Australia",
    "Austria",
    "Belgium",
    "Brazil",
    "Canada",
    "Chile",
    "Colombia",
    "Czechia",
    "Denmark",
    "Egypt",
    "Finland",
    "France",
    "Germany",
    "Ghana",
    "Greece",
    "India",
    "Indonesia",
    "Ireland",
    "Italy",
    "Japan",
    "Kenya",
    "Mexico",
    "Netherlands",
    "New Zealand",
    "Nigeria",
    "Norway",
    "Pakistan",
    "Philippines",
    "Poland",
    "Portugal",
    "South Africa",
    "South Korea",
    "Spain",
    "Sweden",
    "Switzerland",
    "Turkey",
    "United Kingdom",
    "United States",
    "Vietnam",
]
CITIES = [
    "Accra",
    "Berlin",
    "Bogotá",
    "Cape Town",
    "Dublin",
    "Glasgow",
    "Jakarta",
    "Kraków",
    "Lagos",
    "Lisbon",
    "Manchester",
    "Melbourne",
    "Montréal",
    "Mumbai",
    "Nairobi",
    "Oslo",
    "São Paulo",
    "Seoul",
    "Toronto",
    "Zürich",
]
REGIONS = [
    "Northern",
    "Southern",
    "Eastern",
    "Western",
    "Central",
    "Coastal",
    "Highland",
    "Nordic",
    "Baltic",
    "Pacific",
    "Atlantic",
    "Alpine",
    "Andean",
    "Caribbean",
    "Mediterranean",
    "Global",
    "International",
    "National",
    "Open",
    "Independent",
]
TOPICS = [
    "Digital Rights",
    "Child Safety",
    "Privacy",
    "Internet Freedom",
    "Press Freedom",
    "Online Safety",
    "Civil Liberties",
    "Human Rights",
    "Open Technology",
    "Cybersecurity",
    "Data Protection",
    "Youth Welfare",
    "Family Support",
    "Media Literacy",
    "Free Expression",
    "Consumer Rights",
    "Encryption",
    "Tech Accountability",
    "Children's Rights",
    "Survivors' Support",
]
BODIES = [
    "Foundation",
    "Alliance",
    "Coalition",
    "Network",
    "Institute",
    "Trust",
    "Association",
    "Society",
    "Council",
    "Centre",
    "Initiative",
    "Collective",
    "Forum",
    "Project",
    "Federation",
    "Campaign",
]
CAUSES = [
    "Safer Childhoods",
    "Digital Dignity",
    "Secure Communications",
    "an Open Internet",
    "Online Privacy",
    "Children's Welfare",
    "Accountable Technology",
    "Safe Families",
    "Strong Encryption",
    "Digital Inclusion",
]
# Repeated kinds are the common ones: most organisations on such letters are NGOs and charities.
ORGANISATION_KINDS = [
    OrganisationKind.NGO,
    OrganisationKind.NGO,
    OrganisationKind.CHARITY,
    OrganisationKind.CHARITY,
    OrganisationKind.COALITION,
    OrganisationKind.ACADEMIC,
    OrganisationKind.COMPANY,
    OrganisationKind.MEDIA,
    OrganisationKind.OTHER,
]
FIRST_NAMES = [
    "Amara",
    "Aisha",
    "Ana",
    "Anders",
    "Björn",
    "Carlos",
    "Chen",
    "Chloé",
    "Daniel",
    "David",
    "Elena",
    "Emma",
    "Fatima",
    "François",
    "Grace",
    "Hannah",
    "Hiroshi",
    "Ines",
    "Ingrid",
    "James",
    "José",
    "Kwame",
    "Laura",
    "Léa",
    "Liam",
    "Lucía",
    "Łukasz",
    "Maria",
    "Mohammed",
    "Nadia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rahul",
    "Ruth",
    "Samuel",
    "Sofía",
    "Søren",
    "Thomas",
    "Wei",
    "Yusuf",
    "Zoë",
    "Zanele",
]
SURNAMES = [
    "Adeyemi",
    "Ahmed",
    "Álvarez",
    "Andersson",
    "Banerjee",
    "Bianchi",
    "Brown",
    "Chen",
    "Costa",
    "Dubois",
    "Dvořák",
    "Fernández",
    "Fischer",
    "García",
    "Hansen",
    "Hughes",
    "Ivanova",
    "Jensen",
    "Kim",
    "Kowalski",
    "Kumar",
    "Lefèvre",
    "Lindqvist",
    "Mensah",
    "Moreau",
    "Müller",
    "Murphy",
    "Nakamura",
    "Ndlovu",
    "Nguyen",
    "Novák",
    "Núñez",
    "O'Brien",
    "Okafor",
    "Olsen",
    "Patel",
    "Pereira",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Søndergaard",
    "Tanaka",
    "Thompson",
    "Wanjiru",
    "Williams",
    "Yılmaz",
    "Zhang",
]
ROLES = [
    "Professor of Computer Science",
    "Professor of Law",
    "Paediatrician",
    "Security researcher",
    "Software engineer",
    "Primary school teacher",
    "Parent",
    "Journalist",
    "Child psychologist",
    "Cryptographer",
    "Social worker",
    "Privacy lawyer",
    "Youth worker",
    "Student",
    "Retired police officer",
]


@dataclass(frozen=True)
class Signer:
    """One generated signatory, before it becomes rows."""

    name: str
    country: str
    is_organisation: bool
    kind: str
    role: str
    first_listed: str | None


def organisation_name(rng: random.Random, country: str) -> str:
    pattern = rng.randrange(4)
    if pattern == 0:
        return f"{rng.choice(REGIONS)} {rng.choice(TOPICS)} {rng.choice(BODIES)}"
    if pattern == 1:
        return f"{rng.choice(BODIES)} for {rng.choice(CAUSES)} {country}"
    if pattern == 2:
        return f"{rng.choice(TOPICS)} {rng.choice(BODIES)} of {country}"
    return f"{rng.choice(CITIES)} {rng.choice(TOPICS)} {rng.choice(BODIES)}"


def first_listed(rng: random.Random) -> str | None:
    """Mostly a day, sometimes only a month, sometimes unknown: as real lists are sourced."""
    roll = rng.random()
    if roll < 0.1:
        return None
    day = LETTER_DATE + datetime.timedelta(days=rng.randrange(LISTING_DAYS))
    if roll < 0.2:
        return day.strftime("%Y-%m")
    return day.isoformat()


def generate_signers(count: int, seed: int) -> list[Signer]:
    rng = random.Random(seed)
    signers = []
    for _ in range(count):
        country = rng.choice(COUNTRIES)
        listed = first_listed(rng)
        code = country_code(country)
        if rng.random() < ORGANISATION_SHARE:
            name = organisation_name(rng, country)
            signers.append(Signer(name, code, True, rng.choice(ORGANISATION_KINDS), "", listed))
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
            role = rng.choice(ROLES) if rng.random() < ROLE_SHARE else ""
            signers.append(Signer(name, code, False, "", role, listed))
    return signers


def create_letter(slug: str, signatories: int) -> Letter:
    return Letter.objects.create(
        slug=slug,
        title=f"{TITLE_PREFIX} Benchmark letter with {signatories:,} signatories",
        title_is_descriptive=True,
        date=LETTER_DATE.isoformat(),
        visibility=Visibility.PUBLISHED,
        side=Side.MIXED,
        stance="synthetic benchmark data",
        summary=(
            "Generated benchmark data, not a real letter: every name, country and date on "
            "this page was produced by `manage.py make_synthetic_letter` to measure the "
            "tracker at scale."
        ),
        signatories_note=(
            f"Synthetic: {signatories:,} generated signatories. None of these people or "
            "organisations exists or signed anything."
        ),
    )


def synthetic_source(letter: Letter) -> Source:
    """What the generated list cites: nothing is public without a source, and this one
    says plainly that there is none (the .invalid domain never resolves)."""
    source, _ = Source.objects.get_or_create(
        url=f"https://synthetic.invalid/{letter.slug}",
        defaults={
            "outlet": "Synthetic data (not a real source)",
            "headline": f"{TITLE_PREFIX} generated list",
            "kind": SourceKind.OTHER,
        },
    )
    return source


def insert_signers(letter: Letter, signers: list[Signer], progress: Progress) -> None:
    source = synthetic_source(letter)
    through = Signature.sources.through
    for start in range(0, len(signers), BATCH_SIZE):
        batch = list(enumerate(signers[start : start + BATCH_SIZE], start=start + 1))
        owners = [signer_row(letter, signer, position) for position, signer in batch]
        # Both databases return the new primary keys, so the signatures can point at them.
        Organisation.objects.bulk_create(o for o in owners if isinstance(o, Organisation))
        Person.objects.bulk_create(o for o in owners if isinstance(o, Person))
        signatures = Signature.objects.bulk_create(
            signature_row(letter, signer, position, owner)
            for (position, signer), owner in zip(batch, owners, strict=True)
        )
        through.objects.bulk_create(
            through(signature_id=signature.pk, source_id=source.pk) for signature in signatures
        )
        progress.advance(len(batch))


def signer_row(letter: Letter, signer: Signer, position: int) -> Organisation | Person:
    # The normalised name is what a save() stores for a signer without aliases.
    if signer.is_organisation:
        return Organisation(
            name=signer.name,
            slug=f"{letter.slug}-org-{position:06d}",
            country=signer.country,
            kind=signer.kind,
            search_text=search_text([signer.name]),
        )
    return Person(
        name=signer.name,
        slug=f"{letter.slug}-person-{position:06d}",
        country=signer.country,
        search_text=search_text([signer.name]),
    )


def signature_row(
    letter: Letter, signer: Signer, position: int, owner: Organisation | Person
) -> Signature:
    # Published under the signer's own name, with no aliases: the search text is the
    # signer's name alone, set here to save a query per row.
    return Signature(
        letter=letter,
        organisation=owner if isinstance(owner, Organisation) else None,
        person=owner if isinstance(owner, Person) else None,
        published_name=signer.name,
        role=signer.role,
        position=position,
        status=SignatureStatus.REPORTED,
        first_listed=signer.first_listed,
        entered_at=ENTERED_AT,
        country=signer.country,
        search_text=search_text([signer.name]),
        sourced=True,  # cites synthetic_source(), added with it
        identity_basis=IdentityBasis.NEW,
    )


def delete_synthetic_letter(letter: Letter) -> None:
    """Delete a synthetic letter, its signatures, and the synthetic signers that signed it.

    Signatures go with one DELETE rather than through the ORM's collector, which would send
    a signal (and recount) per row; the search index follows through its own triggers.
    Signers are PROTECTed, so any real row that points at one makes the whole command fail
    and roll back rather than lose data.
    """
    if not letter.title.startswith(TITLE_PREFIX):
        raise CommandError(f"Letter {letter.slug!r} is not marked synthetic; not deleting it.")
    signatures = Signature.objects.filter(letter=letter)
    organisation_ids = list(
        signatures.exclude(organisation=None).values_list("organisation_id", flat=True)
    )
    person_ids = list(signatures.exclude(person=None).values_list("person_id", flat=True))
    Signature.sources.through.objects.filter(signature__letter=letter).delete()
    Source.objects.filter(url=f"https://synthetic.invalid/{letter.slug}").delete()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Signature._meta.db_table)
        cursor.execute(f"DELETE FROM {table} WHERE letter_id = %s", [letter.pk])
    for model, ids in ((Organisation, organisation_ids), (Person, person_ids)):
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            model.objects.filter(pk__in=chunk, slug__startswith=SLUG_PREFIX).delete()
    letter.delete()
