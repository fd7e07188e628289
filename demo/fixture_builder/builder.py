"""Build the demo fixture `fixtures/encryption_debate.json` from the shared letter data.

Reads every `*.json` file in `SHARED_DATA_DIR/letters` (one open letter per file; the
fields are described in `shared/data/README.md`) and writes one Django JSON fixture.
The fixture has no primary keys: every object and every reference is written with its
natural key, so `loaddata` works on a database that already holds data, and loading it
a second time changes nothing.

Nothing is invented. Every name, date, quote and URL comes from the data, and `null`
in the data stays empty. The only editorial input is the curation tables below, which
say what the data cannot say by itself:

- `ORGANISATION_CANONICAL` maps a published organisation name to the one organisation
  it names ("5 Rights" -> "5Rights Foundation"). A signatory's `name_normalized` does
  the same for its row. Every published name that differs from the canonical name,
  and every `name_variants` entry, becomes an `OrganisationAlias`.
  `ORGANISATION_EXTRA_ALIASES` adds names that the data spells out only inside another
  string, and `NOT_ALIASES` lists names that point to an organisation without being a
  name of it.
- `PERSON_CANONICAL` does the same for people ("William Barr" -> "William P. Barr").
- `ORGANISER_PEOPLE`, `UNLINKED_ORGANISERS`, `ORGANISATION_ENDORSERS` and
  `NON_PERSON_ADDRESSEES` say which organisers, endorsers and addressees are people,
  organisations or neither.
- `ORGANISATION_KINDS` classifies the organisations that the rules in
  `organisation_kind()` would get wrong or could not decide.
- `OFFICIAL_HOST_MARKERS`, `NEWS_HOSTS` and `COPY_OUTLET_WORDS` classify sources.

Curators' notes (`curation_note`, on a letter or a coverage item) go to `staff_notes` (the
letter's, the source's) and nowhere else: the build stops if one would reach any other
field. Every other note is a public caveat, shown beside what it qualifies.

Every field of every model is written, defaults included, and so are the derived
columns (`Letter.listed_count` and `public_count`, `Signature.list_rank`, `search_text`,
alias `normalised_name`) computed as
`letters/signals.py` computes them, so that a reload is a no-op. If a model gains or
loses a field, the build stops and says so rather than writing a fixture that would
drift. Objects come in dependency order (sources, organisations, people, letters, each
letter after the one it answers, then the rows that hang off letters).

The output is deterministic: files are read in name order, rows keep the order of the
data, shared objects (sources, organisations, people, aliases) are sorted, and
`Signature.entered_at` is the fixed `ENTERED_AT` rather than the time of the build.
"""

import json
import re
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.core.management.base import CommandError

from letters.models import (
    EndorsementStance,
    IdentityBasis,
    SignatureStatus,
)
from letters.signature_list import search_text

from .letter_rows import (
    in_answer_order,
    letter_row,
    quote_row,
    reported_count_row,
    response_row,
    signature_note,
)
from .signers import Registry, Signer, organisation_row, person_row
from .sources import collect_sources
from .tables import (
    DEBATE_TOPIC,
    ENTERED_AT,
    NON_PERSON_ADDRESSEES,
    ORGANISATION_CANONICAL,
    ORGANISATION_ENDORSERS,
    ORGANISATION_EXTRA_ALIASES,
    ORGANISER_PEOPLE,
    PERSON_CANONICAL,
    UNLINKED_ORGANISERS,
)
from .values import (
    FixtureRow,
    JsonObject,
    is_inferred,
    partial_date,
    signature_country,
    source_key,
    unique,
)

# ---------------------------------------------------------------------------

# Everything referenced comes before what references it.
MODEL_ORDER = (
    "topic",
    "source",
    "organisation",
    "organisationalias",
    "person",
    "personalias",
    "letter",
    "reportedcount",
    "addressee",
    "organiser",
    "signature",
    "endorsement",
    "quote",
    "response",
)


class FixtureBuilder:
    def __init__(self, letters: list[JsonObject]) -> None:
        self.letters = in_answer_order(letters)
        self.letters_by_id = {letter["id"]: letter for letter in letters}
        self.data_strings = strings_in(letters)
        self.sources = collect_sources(self.letters)
        self.organisations = Registry(ORGANISATION_CANONICAL, ORGANISATION_EXTRA_ALIASES)
        self.people = Registry(PERSON_CANONICAL)
        self.rows: dict[str, list[JsonObject]] = {model: [] for model in MODEL_ORDER}

    def build(self) -> list[JsonObject]:
        for letter in self.letters:
            self.add_letter(letter)
        self.organisations.assign_slugs()
        self.people.assign_slugs()
        self.organisations.check_aliases("Organisation", self.data_strings)
        self.people.check_aliases("Person", self.data_strings)
        self.link_speakers()
        shared = [
            ("topic", dict(DEBATE_TOPIC)),
            *self.sources.rows(),
            *(organisation_row(signer) for signer in self.organisations.sorted()),
            *self.organisations.alias_rows("organisationalias", "organisation"),
            *(person_row(signer) for signer in self.people.sorted()),
            *self.people.alias_rows("personalias", "person"),
        ]
        for model, fields in shared:
            self.rows[model].append(fields)
        objects = [
            fixture_object(model, fields) for model in MODEL_ORDER for fields in self.rows[model]
        ]
        check_curation_notes_stay_private(self.letters, objects)
        return objects

    def add(self, model_and_fields: FixtureRow) -> None:
        model, fields = model_and_fields
        self.rows[model].append(fields)

    def add_letter(self, letter: JsonObject) -> None:
        slug = letter["id"]
        _, letter_fields = letter_row(letter, self.letters_by_id)
        self.add(("letter", letter_fields))
        for count in letter.get("reported_counts", []):
            self.add(reported_count_row(slug, count))
        for position, addressee in enumerate(letter["addressees"], start=1):
            self.add(self.addressee_row(slug, position, addressee))
        for position, organiser in enumerate(letter["organisers"], start=1):
            self.add(self.organiser_row(slug, position, organiser))
        signatures = [
            self.signature_row(slug, position, row)[1]
            for position, row in enumerate(letter["signatories"], start=1)
        ]
        for fields in signatures:
            self.add(("signature", fields))
        # As LetterQuerySet.recount_signatures summarises them (all are listed and public).
        letter_fields["signatory_countries"] = sorted(
            {fields["country"] for fields in signatures if fields["country"]}
        )
        letter_fields["listing_timeline"] = dict(
            sorted(Counter(f["first_listed"] for f in signatures if f["first_listed"]).items())
        )
        for endorsement in letter["endorsements"]:
            self.add(self.endorsement_row(slug, endorsement))
        for position, quote in enumerate(letter.get("quotes", []), start=1):
            self.add(quote_row(slug, position, quote))
        for response in letter.get("responses", []):
            self.add(response_row(slug, response))

    def addressee_row(self, slug: str, position: int, addressee: JsonObject) -> FixtureRow:
        name, organisation = addressee["name"], addressee.get("organisation")
        is_person = name not in NON_PERSON_ADDRESSEES and name != organisation
        return (
            "addressee",
            {
                "letter": [slug],
                "name": name,
                "role": addressee.get("role") or "",
                "person": self.people.get(name) if is_person else None,
                "organisation": self.organisations.get(organisation) if organisation else None,
                "position": position,
            },
        )

    def organiser_row(self, slug: str, position: int, organiser: JsonObject) -> FixtureRow:
        name = organiser["name"]
        person = organisation = None
        if name in ORGANISER_PEOPLE:
            person = self.people.get(name)
        elif name not in UNLINKED_ORGANISERS:
            organisation = self.organisations.get(name)
            organisation.organised = True
        return (
            "organiser",
            {
                "letter": [slug],
                "name": name,
                "role": organiser.get("role") or "",
                "person": person,
                "organisation": organisation,
                "source": source_key(organiser.get("source_url")),
                "position": position,
            },
        )

    def signature_row(self, slug: str, position: int, row: JsonObject) -> FixtureRow:
        if row["kind"] == "organisation":
            signer = self.organisations.get(row["name"], row.get("name_normalized"))
            signer.extra_aliases += [
                re.sub(r"\s*\([^)]*\)$", "", variant)  # drop the compiler's remark
                for variant in row.get("name_variants", [])
            ]
        elif row["kind"] == "individual":
            signer = self.people.get(row["name"])
        else:
            raise CommandError(f"{slug}: unknown signatory kind {row['kind']!r}")
        identity_basis, identity_evidence = self.identity_of(signer, row)
        signer.note_row(slug, row)
        country, country_note = signature_country(row.get("country"))
        note = " ".join(part for part in (signature_note(row), country_note) if part)
        sources = [
            [url]
            for url in unique(
                [
                    row["source_url"],
                    *row.get("also_listed_at", []),
                    row.get("source_url_mirror"),
                    row.get("source_url_github"),
                ]
            )
        ]
        return (
            "signature",
            {
                "letter": [slug],
                "organisation": signer if row["kind"] == "organisation" else None,
                "person": signer if row["kind"] == "individual" else None,
                "published_name": row["name"],
                "role": row.get("role") or "",
                "position": position,
                "status": SignatureStatus.REPORTED,
                # The date of the source that lists the row, never the letter's date.
                "first_listed": self.sources.date_of(row["source_url"]),
                "entered_at": ENTERED_AT,
                "country": country,
                "country_is_inferred": bool(country) and is_inferred(row),
                "withdrawn_on": None,
                "withdrawal_reason": "",
                "other_published_names": "",
                "note": note,
                "sources": sources,
                "sourced": bool(sources),
                "identity_basis": identity_basis,
                "identity_evidence": identity_evidence,
                # Taken from published lists, never signed on this site.
                "signed_on_site_at": None,
                "verified_domain": "",
                "verification_method": "",
                "claimed_organisation": None,
                "search_text": None,  # needs the signer's final aliases, see fixture_object()
                # Positions are unique per letter, so the list places follow them.
                "list_rank": position,
            },
        )

    def identity_of(self, signer: Signer, row: JsonObject) -> tuple[str, str]:
        """Why the row's record is its signer: a record's first row makes it; a later row
        joins it on a curated canonical name, or else by its name alone (not established:
        comparisons do not count it)."""
        if not signer.signed_letters:
            return IdentityBasis.NEW, ""
        curated = ORGANISATION_CANONICAL if row["kind"] == "organisation" else PERSON_CANONICAL
        if row["name"] in curated or row.get("name_normalized"):
            return IdentityBasis.CURATOR, "Canonical name given by the demo data's curators."
        return IdentityBasis.NAME_ONLY, "Same name in the demo data."

    def endorsement_row(self, slug: str, endorsement: JsonObject) -> FixtureRow:
        name = endorsement["name"]
        is_organisation = name in ORGANISATION_ENDORSERS
        return (
            "endorsement",
            {
                "letter": [slug],
                "person": None if is_organisation else self.people.get(name),
                "organisation": self.organisations.get(name) if is_organisation else None,
                "office": endorsement.get("office") or "",
                "jurisdiction": endorsement.get("jurisdiction") or "",
                "date": partial_date(endorsement.get("date")),
                "date_note": endorsement.get("date_note") or "",
                "quote": endorsement.get("quote") or "",
                "stance": EndorsementStance.SUPPORTS,
                "source": [endorsement["source_url"]],
                "note": endorsement.get("note") or "",
            },
        )

    def link_speakers(self) -> None:
        """Link a quote to the known person whose name starts its speaker string."""
        names = sorted(
            (
                (name, signer)
                for signer in self.people.signers.values()
                for name in [signer.name, *signer.aliases]
            ),
            key=lambda pair: (-len(pair[0]), pair[0]),  # the longest matching name wins
        )
        for quote in self.rows["quote"]:
            for name, signer in names:
                if re.match(rf"{re.escape(name)}(?=$|[,(\s])", quote["speaker"]):
                    quote["person"] = signer
                    break


def model_fields(model_name: str) -> list[str]:
    """The fields Django serialises for a model, in model order."""
    opts = apps.get_model("letters", model_name)._meta
    names = [f.name for f in opts.concrete_fields if not f.primary_key]
    return names + [f.name for f in opts.many_to_many]


def fixture_object(model_name: str, fields: JsonObject) -> JsonObject:
    """One fixture object: every field present, in model order, signers as natural keys."""
    expected = model_fields(model_name)
    if set(fields) != set(expected):
        raise CommandError(
            f"letters.{model_name}: the builder writes {sorted(fields)} but the model has "
            f"{sorted(expected)}; update build_fixtures"
        )
    if model_name == "signature":
        signer = fields["organisation"] or fields["person"]
        fields = {
            **fields,
            "search_text": search_text([fields["published_name"], signer.name, *signer.aliases]),
        }
    return {
        "model": f"letters.{model_name}",
        "fields": {
            name: [fields[name].slug] if isinstance(fields[name], Signer) else fields[name]
            for name in expected
        },
    }


# Natural keys as each model's natural_key() builds them, to refuse duplicates that
# loaddata would silently merge into one row.
NATURAL_KEYS = {
    "topic": ("slug",),
    "source": ("url",),
    "organisation": ("slug",),
    "organisationalias": ("organisation", "name"),
    "person": ("slug",),
    "personalias": ("person", "name"),
    "letter": ("slug",),
    "reportedcount": ("letter", "source", "signatories_text"),
    "addressee": ("letter", "name"),
    "organiser": ("letter", "name"),
    "signature": ("letter", "organisation", "person"),
    "endorsement": ("letter", "source", "organisation", "person"),
    "quote": ("letter", "text"),
    "response": ("letter", "source", "responder"),
}


def check_natural_keys(objects: list[JsonObject]) -> None:
    keys = Counter(
        (
            obj["model"],
            json.dumps(
                [
                    obj["fields"][name]
                    for name in NATURAL_KEYS[obj["model"].removeprefix("letters.")]
                ]
            ),
        )
        for obj in objects
    )
    duplicates = [key for key, count in keys.items() if count > 1]
    if duplicates:
        raise CommandError(f"Objects with the same natural key: {duplicates}")


def curation_notes(value: object) -> list[str]:
    """Every `curation_note` anywhere in a JSON value: curators' notes, staff only."""
    if isinstance(value, dict):
        own = [value["curation_note"]] if value.get("curation_note") else []
        return own + [note for item in value.values() for note in curation_notes(item)]
    if isinstance(value, list):
        return [note for item in value for note in curation_notes(item)]
    return []


def check_curation_notes_stay_private(letters: list[JsonObject], objects: list[JsonObject]) -> None:
    """Refuse a fixture in which a curator's note reaches any field but `staff_notes`."""
    notes = set(curation_notes(letters))
    leaks = [
        f"{obj['model']}.{name}"
        for obj in objects
        for name, value in obj["fields"].items()
        if name != "staff_notes" and isinstance(value, str) and any(note in value for note in notes)
    ]
    if leaks:
        raise CommandError(f"A curation_note would be public in: {', '.join(sorted(set(leaks)))}")


def read_letters(data_dir: Path) -> list[JsonObject]:
    paths = sorted(data_dir.glob("*.json"))
    if not paths:
        raise CommandError(f"No *.json files in {data_dir}")
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def strings_in(value: object) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return []
