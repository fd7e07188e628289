"""The editorial input to the demo fixture: what the shared data cannot say by itself
(see the package docstring)."""

import re

from letters.models import (
    OrganisationKind,
)

# The date the demo data was compiled. It stands in for "when we recorded it" so that
# building the fixture twice gives the same file.
ENTERED_AT = "2026-11-29T00:00:00Z"

DEFAULT_OUTPUT = "fixtures/encryption_debate.json"

# Every letter in the shared data belongs to this one debate (shared/data/README.md).
DEBATE_TOPIC = {
    "slug": "end-to-end-encryption-debate",
    "name": "The end-to-end encryption debate",
    "description": (
        "Letters for and against end-to-end encryption of messages and stored data, weighing "
        "privacy and security against child safety and lawful access."
    ),
}

# ---------------------------------------------------------------------------
# Curation tables
# ---------------------------------------------------------------------------

# Published organisation name -> canonical name. Canonical names are names the data
# itself uses, never ones we made up.
ORGANISATION_CANONICAL = {
    "5 Rights": "5Rights Foundation",
    "NSPCC (National Society for the Prevention of Cruelty to Children)": "NSPCC",
    "Center for Democracy & Technology (CDT)": "Center for Democracy & Technology",
    "ACLU": "American Civil Liberties Union",
    "Electronic Frontier Foundation (EFF)": "Electronic Frontier Foundation",
    "Derechos Digitales, América Latina": "Derechos Digitales",
    "The Canadian Centre for Child Protection": "Canadian Centre for Child Protection",
    "Canadian Centre for Child Protection (C3P)": "Canadian Centre for Child Protection",
    "National Center for Missing & Exploited Children (NCMEC)": (
        "National Center for Missing & Exploited Children"
    ),
    "National Police Chiefs’ Council (NPCC)": "National Police Chiefs’ Council",
    "Global Encryption Coalition (members)": "Global Encryption Coalition",
    "Australian Government": "Government of Australia",
    "Apple, Inc.": "Apple Inc.",
    "Apple": "Apple Inc.",
    # Facebook stays a separate record: letters of 2019-2020 address "Facebook", and
    # showing them as addressed to "Meta" would rewrite history.
    "Meta": "Meta Platforms",
    "Meta (Facebook)": "Meta Platforms",
}

# Names the data spells out only inside another published name, e.g. the organiser
# "NSPCC (National Society for the Prevention of Cruelty to Children)".
ORGANISATION_EXTRA_ALIASES = {
    "NSPCC": ["National Society for the Prevention of Cruelty to Children"],
}

# Published names that point to an organisation but are not a name of it.
NOT_ALIASES = {"Global Encryption Coalition (members)"}

# Published person name -> canonical name.
PERSON_CANONICAL = {
    "William Barr": "William P. Barr",
    "Kevin McAleenan": "Kevin K. McAleenan",
}

# Organisers are organisations unless listed here.
ORGANISER_PEOPLE = {"Nadim Kobeissi", "Georgio Nicolas", "Sergio Nicolas", "Sarah Gardner"}
# An anonymous survivor: shown by name, linked to no record.
UNLINKED_ORGANISERS = {'survivor "Frida"'}

# Endorsers are people unless listed here.
ORGANISATION_ENDORSERS = {"National Police Chiefs’ Council (NPCC)"}

# Addressees that are a group or an organisation, not a person.
NON_PERSON_ADDRESSEES = {
    "The technology industry",
    "Technology companies",
    "Social media companies",
    "Companies with online messaging platforms",
    "Members of the US Senate Judiciary Committee",
    "Apple Inc.",
    "Meta",
}

# Kinds the rules in organisation_kind() would get wrong or cannot tell.
ORGANISATION_KINDS = {
    "Apple Inc.": OrganisationKind.COMPANY,
    "Facebook": OrganisationKind.COMPANY,
    "Meta Platforms": OrganisationKind.COMPANY,
    "Snap": OrganisationKind.COMPANY,
    "SafeToNet": OrganisationKind.COMPANY,
    "MacDailyNews": OrganisationKind.MEDIA,
    "Global Encryption Coalition": OrganisationKind.COALITION,
    "National Police Chiefs’ Council": OrganisationKind.LAW_ENFORCEMENT,
    "US DHS": OrganisationKind.GOVERNMENT,
    "United States Senate": OrganisationKind.GOVERNMENT,
    # A non-profit despite the "Inc.".
    "Restore The Fourth, Inc.": OrganisationKind.NGO,
    "D64 - Zentrum für Digitalen Fortschritt (Centre for Digital Progress)": (OrganisationKind.NGO),
    "Digital Society Switzerland": OrganisationKind.NGO,
    "Samuelson-Glushko Canadian Internet Policy & Public Interest Clinic (CIPPIC)": (
        OrganisationKind.ACADEMIC
    ),
    "Centro de Ensino e Pesquisa em Inovação (CEPI), FGV Direito SP, Brasil": (
        OrganisationKind.ACADEMIC
    ),
    # A trade association, a professional society's committee, a domain registry.
    "ACT | The App Association": OrganisationKind.OTHER,
    "ACM US Technology Policy Committee": OrganisationKind.OTHER,
    "Canadian Internet Registration Authority": OrganisationKind.OTHER,
}
GOVERNMENT_PREFIXES = ("Government of",)
GOVERNMENT_SUFFIXES = ("Home Office", "Department of Justice", "Government")
COMPANY_LEGAL_FORM = re.compile(r"\b(LLC|GmbH|Ltd|Inc|UG|A/S)\b")
ACADEMIC_WORDS = ("Universidad", "Universidade", "University")
NGO_WORDS = ("Foundation", "e. V.")
# Letters whose signatory list mixes companies, software projects and NGOs, so that
# signing one says nothing about what kind of organisation the signer is. Signers of
# the other letters are civil-society or child-protection groups unless a rule or the
# table above says otherwise.
MIXED_SIGNATORY_LETTERS = {"2021-08-06_apple-privacy-letter"}

OFFICIAL_HOST_MARKERS = ("gov.uk", "justice.gov", "securitepublique", "publicsafety", "nsicop")
# News sites cited for a quote or a fact without being listed as coverage.
NEWS_HOSTS = {
    "androidcentral.com",
    "citylife.capetown",
    "livenewsclub.com",
    "staging.medianama.com",
    "www.risk-uk.com",
}
# A coverage outlet described with one of these words is a copy of another outlet's
# story: "The New York Times (syndicated via ...)", "Associated Press (via Truthdig)".
COPY_OUTLET_WORDS = re.compile(r"\b(syndicated|republished|via)\b", re.IGNORECASE)

COUNTRY_NAMES = {"the United Kingdom": "United Kingdom", "the United States": "United States"}
