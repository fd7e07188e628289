"""Who each row is: matching rows against the organisations and people we hold.

A row joins a record we hold only on evidence beyond its name (issue 12): the record's
own address on this site (a download imported back), an alias a curator recorded, the
same profile or website address, an email domain that is the record's website, or the
same affiliation. A row that has only the name of a record, a weak name (one word, a
handle, "user32000") with any evidence but an alias, an organisation's name given as an
individual, or a name close to one we hold, waits for a curator's choice: it is never
joined, created or dropped silently.

Every name, alias and website we hold is loaded once per import (`KnownSigners`), so
the number of queries does not grow with the rows; close names are found with rapidfuzz
among the names that share a word (or its first letters) with the row.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from letters.lib.text import website_domain
from letters.models import (
    IdentityBasis,
    Letter,
    Organisation,
    OrganisationAlias,
    OrganisationRedirect,
    Person,
    PersonAlias,
    PersonRedirect,
    Signature,
    Signer,
    SignerKind,
)
from letters.signature_list import search_text

from .names import identity_key, is_weak_name, name_key
from .rows import (
    AS_ORGANISATION,
    NEW,
    SKIP,
    TO_CHECK,
    UNDECIDED,
    Candidate,
    ImportRow,
    RowStatus,
    is_profile_url,
    organisation_domain,
    url_key,
)

# Similarity (rapidfuzz ratio, 0–100) from which a name is offered as a close match.
CLOSE_MATCH_CUTOFF = 86
CLOSE_MATCH_LIMIT = 3
# Words this short must be the same in both names: one letter makes another name of them
# ("Rahul" and "Raul", "Micha" and "Michał" are different people).
SHORT_WORD = 5
# Close names are looked for among names sharing a word, or a word's first letters, with
# the row (a token); when those lists hold more names than we do, among all of them.
PREFIX_LENGTH = 4

# Reports progress as (rows done, rows in all).
ProgressCallback = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    pass


@dataclass
class KnownSigners:
    """Every organisation (or person) we hold: names, aliases, websites, loaded once."""

    model: type[Signer]
    kind: str
    names: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_alias: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_identity: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_url: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    websites: dict[int, str] = field(default_factory=dict)
    by_slug: dict[str, int] = field(default_factory=dict)
    signed: set[int] = field(default_factory=set)
    # The normalised affiliations each record signed with, loaded for a row's candidates.
    roles: dict[int, set[str]] = field(default_factory=dict)
    # Close matching: each name's key and its owner, in all and for each token. Lists of
    # keys, not positions in one list, so that rapidfuzz scores each token's names in one
    # call, without a union of positions built in Python first (twice as fast).
    keys: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    keys_by_token: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    owners_by_token: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls, kind: str, letter: Letter) -> "KnownSigners":
        organisations = kind == SignerKind.ORGANISATION
        model: type[Signer] = Organisation if organisations else Person
        known = cls(model, kind)
        rows = model.objects.order_by().values_list("pk", "name", "slug", "website")
        for pk, name, slug, website in rows.iterator(chunk_size=5000):
            known.names[pk] = name
            known.by_name[name_key(name)].append(pk)
            known.by_identity[identity_key(name)].append(pk)
            known.by_slug[slug] = pk
            if website:
                known.websites[pk] = url_key(website)
                known.by_url[url_key(website)].append(pk)
            known._index(name_key(name), pk)
        alias_model = OrganisationAlias if organisations else PersonAlias
        owner = "organisation_id" if organisations else "person_id"
        for pk, alias in alias_model.objects.order_by("name").values_list(owner, "name"):
            known.aliases[pk].append(alias)
            key = name_key(alias)
            if pk not in known.by_alias[key]:
                known.by_alias[key].append(pk)
                known._index(key, pk)
        redirects = OrganisationRedirect if organisations else PersonRedirect
        for old_slug, pk in redirects.objects.values_list("old_slug", owner):
            known.by_slug.setdefault(old_slug, pk)
        signed = Signature.objects.filter(letter=letter).exclude(**{owner: None})
        known.signed = set(signed.values_list(owner, flat=True))
        return known

    def _index(self, key: str, pk: int) -> None:
        self.keys.append(key)
        self.owners.append(pk)
        for token in _tokens(key):
            self.keys_by_token[token].append(key)
            self.owners_by_token[token].append(pk)

    def load_roles(self, pks: set[int]) -> None:
        """The affiliations these records signed with (only people have them)."""
        wanted = [pk for pk in pks if pk not in self.roles]
        for pk in wanted:
            self.roles[pk] = set()
        if not wanted or self.kind != SignerKind.INDIVIDUAL:
            return
        for start in range(0, len(wanted), 500):
            signatures = Signature.objects.filter(person_id__in=wanted[start : start + 500])
            for pk, role in signatures.exclude(role="").values_list("person_id", "role"):
                self.roles[pk].add(identity_key(role))

    def close_to(self, name: str, exclude: set[int]) -> list[int]:
        """Records whose name or alias is close to `name`, best first: the same name once
        legal forms and the like are left out, or a ratio of at least CLOSE_MATCH_CUTOFF
        with every short word the same."""
        key, core = name_key(name), identity_key(name)
        found: dict[int, float] = {
            pk: 100.0 for pk in self.by_identity.get(core, []) if pk not in exclude
        }
        tokens = [token for token in _tokens(key) if token in self.keys_by_token]
        lists = [(self.keys_by_token[token], self.owners_by_token[token]) for token in tokens]
        if sum(len(keys) for keys, _ in lists) > len(self.keys):
            lists = [(self.keys, self.owners)]
        for keys, owners in lists:
            matches = process.extract(
                key, keys, scorer=fuzz.ratio, score_cutoff=CLOSE_MATCH_CUTOFF, limit=20
            )
            for other, score, position in matches:
                pk = owners[position]
                if pk not in exclude and _short_words_agree(key, other):
                    found[pk] = max(found.get(pk, 0.0), score)
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        return [pk for pk, _ in ranked[:CLOSE_MATCH_LIMIT]]

    def signature_search_text(self, pk: int, published_name: str) -> str:
        """A signature's search text (letters/signature_list.py), from the names loaded
        here rather than a query per row."""
        return search_text([published_name, self.names[pk], *self.aliases.get(pk, ())])

    def candidate(self, pk: int, basis: str = "", evidence: str = "") -> Candidate:
        return {
            "id": pk,
            "name": self.names[pk],
            "kind": self.kind,
            "basis": basis,
            "evidence": evidence,
        }

    def evidence(self, row: ImportRow, pk: int) -> tuple[str, str]:
        """(basis, evidence) that the row's signer is record `pk`, beyond the name; or
        ("", "") when there is none."""
        row_url = url_key(row["url"]) if row["url"] else ""
        if row_url and self.websites.get(pk) == row_url:
            return IdentityBasis.PROFILE_URL, f"same address: {row['url']}"
        domain = organisation_domain(row)
        website = self.websites.get(pk, "")
        if domain and website and website_domain(website) == domain:
            return IdentityBasis.EMAIL_DOMAIN, f"email at {domain}, the record's website"
        if row["role"] and identity_key(row["role"]) in self.roles.get(pk, set()):
            return IdentityBasis.AFFILIATION, f"same affiliation: {row['role']}"
        return "", ""

    def differs(self, row: ImportRow, pk: int) -> bool:
        """The row and the record give different profile addresses: two signers."""
        row_url = url_key(row["url"]) if row["url"] else ""
        website = self.websites.get(pk, "")
        return bool(row_url and website and row_url != website and is_profile_url(row["url"]))


def _tokens(key: str) -> set[str]:
    """What close names share with a name: a word, or a long word's first letters."""
    tokens = set()
    for word in key.split():
        tokens.add(word)
        if len(word) > PREFIX_LENGTH:
            tokens.add(word[:PREFIX_LENGTH] + "…")
    return tokens


def _short_words_agree(key: str, other: str) -> bool:
    """Every short word of each name is a word of the other: a close match may differ by
    a typo in a long word, never in a short one (or a first name)."""
    these, those = key.split(), other.split()
    if len(these) == 1 and len(those) == 1:
        return len(key) > SHORT_WORD and len(other) > SHORT_WORD
    return all(word in those for word in these if len(word) <= SHORT_WORD) and all(
        word in these for word in those if len(word) <= SHORT_WORD
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _set(row: ImportRow, status: str, reason: str, choice: str) -> None:
    row["status"], row["reason"], row["choice"] = status, reason, choice


def _in_list_key(row: ImportRow) -> tuple[str, str]:
    return row["kind"], name_key(row["name"])


@dataclass
class _Seen:
    """What earlier rows of the list were: for duplicates within it."""

    names: dict[tuple[str, str], list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    records: dict[tuple[str, int], int] = field(default_factory=dict)


def organisation_lines(rows: Iterable[ImportRow]) -> dict[str, int]:
    """The line of each organisation's name in the list, by its key: an individual row
    with one of these names is the organisation listed twice."""
    return {
        name_key(row["name"]): row["line"]
        for row in rows
        if row["kind"] == SignerKind.ORGANISATION and row["status"] != RowStatus.INVALID
    }


@dataclass
class Classifier:
    """Classifies a list's rows in file order, a chunk at a time if need be: it keeps
    what earlier rows were, for duplicates within the list."""

    known: dict[str, KnownSigners]
    organisation_rows: dict[str, int]
    seen: _Seen = field(default_factory=_Seen)

    def classify(self, rows: Iterable[ImportRow]) -> None:
        """Set each row's status, reason, candidates and default choice. Rows a curator
        already chose for keep their choice when it is still offered."""
        for row in rows:
            previous_choice = row["choice"] if row["chosen_by_curator"] else None
            if row["status"] != RowStatus.INVALID:
                row["candidates"] = []
                _classify_row(row, self.known, self.seen, self.organisation_rows)
            else:
                row["choice"] = SKIP
            if previous_choice is not None and not set_choice(row, previous_choice):
                row["chosen_by_curator"] = False


def classify(
    rows: list[ImportRow],
    known: dict[str, KnownSigners],
    progress: ProgressCallback = _no_progress,
) -> None:
    """Classify a whole list held in memory (`Classifier`)."""
    classifier = Classifier(known, organisation_lines(rows))
    for start in range(0, len(rows), 1000):
        classifier.classify(rows[start : start + 1000])
        progress(min(start + 1000, len(rows)), len(rows))
    progress(len(rows), len(rows))


def _classify_row(
    row: ImportRow,
    known: dict[str, KnownSigners],
    seen: _Seen,
    organisation_rows: dict[str, int],
) -> None:
    signers = known[row["kind"]]
    key = _in_list_key(row)
    url = url_key(row["url"]) if row["url"] else ""
    for line, earlier_url in seen.names.get(key, []):
        if not (url and earlier_url and url != earlier_url):
            why = "Same name" + (" and address" if url and url == earlier_url else "")
            _set(row, RowStatus.DUPLICATE, f"{why} as line {line}.", SKIP)
            return
    seen.names[key].append((row["line"], url))

    candidates = _known_candidates(row, signers)
    established = [c for c in candidates if c["basis"]]
    same_signer = [c for c in candidates if c["basis"] or not signers.differs(row, c["id"])]
    on_letter = [c for c in same_signer if c["id"] in signers.signed]
    if on_letter:
        pk = on_letter[0]["id"]
        row["candidates"] = on_letter
        _set(row, RowStatus.SIGNED, f"{signers.names[pk]} already signed this letter.", SKIP)
        return
    if len(established) == 1:
        chosen = established[0]
        earlier = seen.records.get((row["kind"], chosen["id"]))
        row["candidates"] = established
        if earlier is not None:
            _set(row, RowStatus.DUPLICATE, f"Same signatory as line {earlier}.", SKIP)
            return
        seen.records[(row["kind"], chosen["id"])] = row["line"]
        weak = is_weak_name(row["name"]) and chosen["basis"] not in (
            IdentityBasis.ALIAS,
            IdentityBasis.RECORD_URL,
        )
        if weak:
            _set(
                row,
                RowStatus.SAME_NAME,
                f"{_capital(chosen['evidence'])}, but '{row['name']}' is a single word, a "
                "handle or placeholder-like: choose whether it is the same signer.",
                UNDECIDED,
            )
        else:
            status = RowStatus.ALIAS if chosen["basis"] == IdentityBasis.ALIAS else RowStatus.EXACT
            _set(row, status, _capital(chosen["evidence"]) + ".", str(chosen["id"]))
        return
    if established:
        row["candidates"] = established
        _set(
            row,
            RowStatus.SAME_NAME,
            f"{len(established)} records have this name and some evidence: choose one.",
            UNDECIDED,
        )
        return
    if same_signer:
        row["candidates"] = same_signer
        names = ", ".join(f"{c['name']} (#{c['id']})" for c in same_signer)
        _set(
            row,
            RowStatus.SAME_NAME,
            f"Same name as {names}, with nothing else to show it is the same signer: choose.",
            UNDECIDED,
        )
        return
    if candidates:  # same name, a different profile address: another signer
        row["candidates"] = candidates
        _set(
            row,
            RowStatus.NEW,
            f"Same name as {candidates[0]['name']} (#{candidates[0]['id']}), but another "
            "address: a new record.",
            NEW,
        )
        return
    if row["kind"] == SignerKind.INDIVIDUAL and _organisation_as_individual(
        row, known[SignerKind.ORGANISATION], organisation_rows
    ):
        return
    close = signers.close_to(row["name"], exclude=set())
    if close:
        row["candidates"] = [signers.candidate(pk) for pk in close]
        _set(
            row,
            RowStatus.CLOSE,
            "A similar name exists: choose it, or create a new record.",
            UNDECIDED,
        )
        return
    _set(row, RowStatus.NEW, "", NEW)


def _known_candidates(row: ImportRow, signers: KnownSigners) -> list[Candidate]:
    """Records the row may be: its record's own address, its alias, its name or its
    profile address, each with the evidence found."""
    found: dict[int, Candidate] = {}
    slug = row["record_slug"]
    if slug and slug in signers.by_slug:
        pk = signers.by_slug[slug]
        found[pk] = signers.candidate(
            pk, IdentityBasis.RECORD_URL, f"the record's own page ({slug})"
        )
    key = name_key(row["name"])
    for pk in signers.by_alias.get(key, []):
        found.setdefault(
            pk, signers.candidate(pk, IdentityBasis.ALIAS, f"an alias of {signers.names[pk]}")
        )
    by_name = [pk for pk in signers.by_name.get(key, []) if pk not in found]
    if row["url"] and is_profile_url(row["url"]):
        by_name += [pk for pk in signers.by_url.get(url_key(row["url"]), []) if pk not in found]
    signers.load_roles(set(by_name))
    for pk in dict.fromkeys(by_name):
        basis, evidence = signers.evidence(row, pk)
        found[pk] = signers.candidate(pk, basis, evidence)
    return list(found.values())


def _organisation_as_individual(
    row: ImportRow, organisations: KnownSigners, organisation_rows: dict[str, int]
) -> bool:
    """Flag an individual row that carries an organisation's name: never made a person
    silently, never counted twice."""
    key = name_key(row["name"])
    line = organisation_rows.get(key)
    if line is not None:
        _set(
            row,
            RowStatus.DUPLICATE,
            f"Listed as an organisation on line {line}: not counted twice.",
            SKIP,
        )
        return True
    pks = organisations.by_name.get(key, []) or organisations.by_alias.get(key, [])
    if not pks:
        return False
    pk = pks[0]
    if pk in organisations.signed:
        _set(
            row,
            RowStatus.DUPLICATE,
            f"{organisations.names[pk]} already signs this letter as an organisation: "
            "not counted twice.",
            SKIP,
        )
        return True
    row["candidates"] = [organisations.candidate(pk)]
    _set(
        row,
        RowStatus.ORGANISATION,
        f"The name of the organisation {organisations.names[pk]} (#{pk}), listed as an "
        "individual: sign as the organisation, or as a person of that name?",
        UNDECIDED,
    )
    return True


def choices_for(row: ImportRow) -> list[tuple[str, str]]:
    """What a curator may choose for a row, as (value, label)."""
    if row["status"] == RowStatus.INVALID:
        return [(SKIP, "Skip (invalid)")]
    options = []
    if row["choice"] == UNDECIDED:
        options.append((UNDECIDED, "— choose —"))
    for candidate in row["candidates"]:
        if candidate["kind"] != row["kind"]:
            value = f"{AS_ORGANISATION}{candidate['id']}"
            options.append((value, f"Sign as the organisation {candidate['name']}"))
        else:
            evidence = f": {candidate['evidence']}" if candidate["evidence"] else ""
            options.append(
                (str(candidate["id"]), f"Use {candidate['name']} (#{candidate['id']}){evidence}")
            )
    record = "organisation" if row["kind"] == SignerKind.ORGANISATION else "person"
    options.append((NEW, f"Create a new {record}"))
    options.append((SKIP, "Skip this row"))
    return options


def set_choice(row: ImportRow, choice: str, by_curator: bool = True) -> bool:
    """Record a choice if it is one offered for the row (a curator's, unless told)."""
    if choice == UNDECIDED or choice not in {value for value, _ in choices_for(row)}:
        return False
    row["choice"] = choice
    row["chosen_by_curator"] = by_curator
    return True


# What the bulk choice per status (and the command's --close policy) may apply.
BulkChoice = Literal["first", "new", "skip"]


def choose_for_status(rows: list[ImportRow], status: str, choice: BulkChoice) -> int:
    """Apply one choice to every row of a status: its first offered record, a new record,
    or skip. Returns how many rows took it."""
    changed = 0
    for row in rows:
        if row["status"] != status:
            continue
        if choice == "first":
            options = [
                value for value, _ in choices_for(row) if value not in (UNDECIDED, NEW, SKIP)
            ]
            value = options[0] if options else ""
        else:
            value = NEW if choice == "new" else SKIP
        changed += set_choice(row, value)
    return changed


def undecided(rows: list[ImportRow]) -> list[ImportRow]:
    """Rows that wait for a choice: a confirmation refuses to start until there are none."""
    return [row for row in rows if row["status"] in TO_CHECK and row["choice"] == UNDECIDED]


def counts(rows: list[ImportRow], key: Literal["status", "outcome"] = "status") -> dict[str, int]:
    return dict(Counter(row[key] for row in rows if row.get(key)))
