"""The organisations and people of the demo data, with their aliases and slugs."""

from dataclasses import dataclass, field

from django.core.management.base import CommandError
from django.utils.text import slugify

from letters.lib.text import normalise
from letters.models import (
    OrganisationKind,
)
from letters.signature_list import search_text

from .tables import (
    ACADEMIC_WORDS,
    COMPANY_LEGAL_FORM,
    GOVERNMENT_PREFIXES,
    GOVERNMENT_SUFFIXES,
    MIXED_SIGNATORY_LETTERS,
    NGO_WORDS,
    NOT_ALIASES,
    ORGANISATION_KINDS,
)
from .values import FixtureRow, JsonObject, stated_country, unique

# ---------------------------------------------------------------------------


@dataclass(eq=False)
class Signer:
    """An organisation or a person, and everything the data states about them."""

    name: str
    published_names: list[str] = field(default_factory=list)
    extra_aliases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    org_types: set[str] = field(default_factory=set)
    signed_letters: set[str] = field(default_factory=set)
    organised: bool = False
    slug: str = ""

    @property
    def aliases(self) -> list[str]:
        names = unique([*self.published_names, *self.extra_aliases])
        own_name = normalise(self.name)
        return sorted(
            name for name in names if normalise(name) != own_name and name not in NOT_ALIASES
        )

    @property
    def search_text(self) -> str:
        return search_text([self.name, *self.aliases])

    @property
    def website(self) -> str:
        websites = unique(self.websites)
        return websites[0] if websites else ""

    @property
    def country(self) -> str:
        # Two sources disagreeing on the country is no fact; leave it empty.
        countries = unique(self.countries)
        return countries[0] if len(countries) == 1 else ""

    def note_row(self, letter_id: str, row: JsonObject) -> None:
        """Keep the facts a signatory row states about its signer."""
        self.countries.append(stated_country(row))
        self.websites.append(row.get("website") or "")
        self.org_types.add(row.get("org_type") or "")
        self.signed_letters.add(letter_id)


class Registry:
    """Canonical signers by name, each with every name it was published under."""

    def __init__(
        self, canonical: dict[str, str], extra_aliases: dict[str, list[str]] | None = None
    ) -> None:
        self.canonical = canonical
        self.extra_aliases = extra_aliases or {}
        self.signers: dict[str, Signer] = {}

    def get(self, published_name: str, usual_name: str | None = None) -> Signer:
        name = self.canonical.get(published_name) or usual_name or published_name
        if name not in self.signers:
            self.signers[name] = Signer(name, extra_aliases=list(self.extra_aliases.get(name, [])))
        signer = self.signers[name]
        signer.published_names.append(published_name)
        return signer

    def sorted(self) -> list[Signer]:
        return sorted(self.signers.values(), key=lambda signer: signer.slug)

    def assign_slugs(self) -> None:
        taken = set()
        for signer in sorted(self.signers.values(), key=lambda signer: signer.name):
            base = slugify(signer.name)
            if not base:
                raise CommandError(f"Cannot make a slug from {signer.name!r}")
            slug, number = base, 1
            while slug in taken:
                number += 1
                slug = f"{base}-{number}"
            signer.slug = slug
            taken.add(slug)

    def check_aliases(self, label: str, data_strings: list[str]) -> None:
        # Curated aliases must be spelled somewhere in the data, never made up.
        for signer in self.signers.values():
            for alias in signer.extra_aliases:
                if not any(alias in text for text in data_strings):
                    raise CommandError(f"{label} alias {alias!r} does not occur in the data")
        # An alias must name one signer only, and never another signer's own name.
        owners = {normalise(signer.name): signer for signer in self.signers.values()}
        for signer in self.signers.values():
            for alias in signer.aliases:
                owner = owners.setdefault(normalise(alias), signer)
                if owner is not signer:
                    raise CommandError(
                        f"{label} alias {alias!r} names both {owner.name!r} and {signer.name!r}"
                    )

    def alias_rows(self, model: str, owner_field: str) -> list[FixtureRow]:
        return [
            (
                model,
                {owner_field: [signer.slug], "name": alias, "normalised_name": normalise(alias)},
            )
            for signer in self.sorted()
            for alias in signer.aliases
        ]


def organisation_kind(signer: Signer) -> str:
    name = signer.name
    if name in ORGANISATION_KINDS:
        return ORGANISATION_KINDS[name]
    if (
        "government" in signer.org_types
        or name.startswith(GOVERNMENT_PREFIXES)
        or name.endswith(GOVERNMENT_SUFFIXES)
    ):
        return OrganisationKind.GOVERNMENT
    if COMPANY_LEGAL_FORM.search(name):
        return OrganisationKind.COMPANY
    if any(word in name for word in ACADEMIC_WORDS):
        return OrganisationKind.ACADEMIC
    if any(word in name for word in NGO_WORDS):
        return OrganisationKind.NGO
    if signer.organised or signer.signed_letters - MIXED_SIGNATORY_LETTERS:
        return OrganisationKind.NGO
    return OrganisationKind.OTHER


def signer_fields(signer: Signer) -> JsonObject:
    """The fields organisations and people share, as the fixture writes them."""
    return {
        "name": signer.name,
        "slug": signer.slug,
        "country": signer.country,
        "website": signer.website,
        "search_text": signer.search_text,
    }


def organisation_row(signer: Signer) -> FixtureRow:
    return ("organisation", {**signer_fields(signer), "kind": organisation_kind(signer)})


def person_row(signer: Signer) -> FixtureRow:
    return ("person", signer_fields(signer))


# ---------------------------------------------------------------------------
