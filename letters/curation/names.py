"""What a signatory's name tells about identity and kind, for matching imported rows.

Not the search rule (letters/lib/text.normalise, which readers' searches use): these are
the curator's matching keys. An identity key drops what weighs little in telling two
organisations apart (legal forms, "The", ".org", "Foundation"), so that "Proton" meets
"Proton AG" and "Matrix Foundation" meets "The Matrix.org Foundation" as close matches
to check. A weak name (one word, a handle, a placeholder such as "user32000") is never
enough to say that two lists name the same signer.
"""

import re
import unicodedata

from letters.lib.text import normalise
from letters.models import OrganisationKind, SignerKind

# Words that weigh little in an organisation's name: legal forms, articles, web suffixes
# and the generic "Foundation". Compared after normalise() with punctuation as spaces,
# so "e.V." is "e v" → "ev" (see _PUNCTUATION_JOINED).
LEGAL_FORMS = frozenset(
    [
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lllp",
        "plc",
        "gmbh",
        "ggmbh",
        "mbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ev",
        "eg",
        "kg",
        "ohg",
        "oy",
        "ab",
        "asbl",
        "vzw",
        "cic",
        "cio",
        "lp",
        "pbc",
        "pty",
        "pte",
        "corp",
        "corporation",
        "co",
        "company",
        "cooperative",
        "coop",
        "aps",
        "kft",
        "sro",
        "zrt",
    ]
)
WEAK_WORDS = LEGAL_FORMS | frozenset(
    [
        "the",
        "org",
        "com",
        "net",
        "io",
        "eu",
        "foundation",
        "fondation",
        "stiftung",
        "fundacion",
        "fundacao",
    ]
)
# Words that say a name is an organisation's, with the kind they suggest (the first
# found wins; OTHER when a word tells only that it is an organisation).
ORGANISATION_WORDS: dict[str, str] = {
    **dict.fromkeys(LEGAL_FORMS, OrganisationKind.COMPANY),
    # German and Austrian registered associations ("e.V."), not companies.
    "ev": OrganisationKind.NGO,
    **dict.fromkeys(
        [
            "university",
            "universitat",
            "universite",
            "universidad",
            "college",
            "institute",
            "institut",
            "school",
            "academy",
            "laboratory",
            "lab",
            "labs",
        ],
        OrganisationKind.ACADEMIC,
    ),
    **dict.fromkeys(
        ["coalition", "alliance", "network", "federation", "consortium", "union"],
        OrganisationKind.COALITION,
    ),
    **dict.fromkeys(["charity", "trust"], OrganisationKind.CHARITY),
    **dict.fromkeys(
        [
            "association",
            "foundation",
            "fondation",
            "stiftung",
            "society",
            "council",
            "committee",
            "centre",
            "center",
            "collective",
            "initiative",
            "campaign",
            "project",
            "league",
            "movement",
            "ngo",
            "verein",
            "club",
        ],
        OrganisationKind.NGO,
    ),
    **dict.fromkeys(
        ["ministry", "department", "agency", "commission", "parliament", "government", "authority"],
        OrganisationKind.GOVERNMENT,
    ),
    **dict.fromkeys(
        [
            "group",
            "software",
            "technologies",
            "technology",
            "systems",
            "solutions",
            "studio",
            "studios",
            "media",
            "press",
            "news",
            "partners",
            "consulting",
            "services",
            "holdings",
        ],
        OrganisationKind.OTHER,
    ),
}
_PUNCTUATION = re.compile(r"[^\w\s]+")
# "e.V.", "S.A." and "B.V." are one word each once their dots go.
_PUNCTUATION_JOINED = re.compile(r"\b(\w)\.(\w)\.?(?=\s|$)")
_HANDLE = re.compile(r"^@?[\w.-]*(\d|_)[\w.-]*$|^@\w+$")
_PLACEHOLDER_LIKE = re.compile(
    r"^(user|anonymous|anon|guest|signer|signatory|member|person|supporter|someone|"
    r"individual|test|name)[\s_.-]*\d*$"
)


def words(name: str) -> list[str]:
    """The name's words, case- and accent-folded, punctuation as spaces.

    Split at punctuation before normalise(), which drops apostrophes and dots (search
    finds "Barnardos" in "Barnardo's"): as matching keys, "Matrix.org" is two words, so
    that ".org" weighs little, and "e.V." one."""
    joined = _PUNCTUATION_JOINED.sub(r"\1\2", unicodedata.normalize("NFC", name))
    return _PUNCTUATION.sub(" ", normalise(_PUNCTUATION.sub(" ", joined))).split()


def name_key(name: str) -> str:
    """The exact-match key: two names are the same name when their keys are equal."""
    return " ".join(words(name))


def identity_key(name: str) -> str:
    """The name without what weighs little: 'The Matrix.org Foundation' → 'matrix'. A
    name made only of such words keeps them all."""
    all_words = words(name)
    core = [word for word in all_words if word not in WEAK_WORDS]
    return " ".join(core or all_words)


def is_weak_name(name: str) -> bool:
    """A name that alone cannot tell one signer from another: one word ('Alexander'), a
    handle ('dino_zood', '@alex'), or placeholder-like ('user32000', 'Anonymous5247')."""
    key = name_key(name)
    if not key:
        return True
    stripped = name.strip()
    if _PLACEHOLDER_LIKE.match(key) or (" " not in stripped and _HANDLE.match(stripped)):
        return True
    return len(key.split()) < 2


def guess_kind(name: str, role: str = "") -> tuple[str, str, str] | None:
    """(kind, organisation kind, why) when the name says it is an organisation's, as
    'Foundation', 'Ltd' or 'University' do; None when it does not say."""
    for word in words(name):
        if word in ORGANISATION_WORDS:
            return (
                SignerKind.ORGANISATION,
                ORGANISATION_WORDS[word],
                f"guessed from '{word}' in the name",
            )
    if role:
        return SignerKind.INDIVIDUAL, OrganisationKind.OTHER, "a name with an affiliation"
    return None
