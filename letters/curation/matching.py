"""Matching rows against the organisations and people we hold, in memory.

Every known name and alias is loaded once per import (`KnownSigners`), so the number of
queries does not grow with the number of rows.
"""

import difflib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

from letters.lib.text import normalise
from letters.models import (
    Letter,
    Organisation,
    OrganisationAlias,
    Person,
    PersonAlias,
    Signature,
    Signer,
    SignerKind,
)
from letters.signature_list import search_text

from .rows import NEW, SKIP, ImportRow, RowStatus, SignerLabel

# Similarity (difflib ratio) from which a name is offered as a close match to check.
CLOSE_MATCH_CUTOFF = 0.85
CLOSE_MATCH_LIMIT = 3
# Close matches are looked for among names sharing this share of the row's trigrams
# (letter triples), or all of them but the three a single typo can change, whichever
# asks less: difflib is then run on a few names instead of every name held.
CLOSE_MATCH_TRIGRAM_SHARE = 0.7
# Names shorter than this have no trigram to share: no close match is looked for.
CLOSE_MATCH_MIN_LENGTH = 3
# Trigrams held by at most this many names are counted even beyond what the prefix
# filter needs: counting them costs little and proves most candidates too far.
CLOSE_MATCH_RARE_TRIGRAM = 2000


def trigrams(key: str) -> set[str]:
    """The letter triples of a normalised name, its ends marked by a space so that a
    typo in the first or last letter still leaves trigrams to share."""
    padded = f" {key} "
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


@dataclass
class KnownSigners:
    """Every organisation (or person) we hold, by normalised name and alias, loaded once."""

    model: type[Signer]
    names: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_alias: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Close matching: every normalised name and alias as (key, pk), and for each trigram
    # the positions in that list of the keys that contain it.
    keys: list[tuple[str, int]] = field(default_factory=list)
    by_trigram: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    signed: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, kind: str, letter: Letter) -> "KnownSigners":
        organisations = kind == SignerKind.ORGANISATION
        known = cls(Organisation if organisations else Person)
        for pk, name in known.model.objects.order_by().values_list("pk", "name").iterator():
            key = normalise(name)
            known.names[pk] = name
            known.by_name[key].append(pk)
            known._index(key, pk)
        alias_model = OrganisationAlias if organisations else PersonAlias
        owner = "organisation_id" if organisations else "person_id"
        for pk, alias in alias_model.objects.order_by("name").values_list(owner, "normalised_name"):
            known.aliases[pk].append(alias)
            if pk not in known.by_alias[alias]:
                known.by_alias[alias].append(pk)
                known._index(alias, pk)
        signed = Signature.objects.filter(letter=letter).exclude(**{owner: None})
        known.signed = set(signed.values_list(owner, flat=True))
        return known

    def _index(self, key: str, pk: int) -> None:
        if len(key) < CLOSE_MATCH_MIN_LENGTH:
            return
        position = len(self.keys)
        self.keys.append((key, pk))
        for gram in trigrams(key):
            self.by_trigram[gram].append(position)

    def label(self, pk: int) -> SignerLabel:
        return [pk, self.names[pk]]

    def close_to(self, key: str) -> list[int]:
        """The records whose name or alias is most like `key` (difflib ratio at least
        CLOSE_MATCH_CUTOFF), best first.

        Only names sharing enough trigrams with `key` are compared. A name sharing
        `needed` of the row's n trigrams must hold one of any n - needed + 1 of them
        (prefix filtering), so the rarest are looked up; rare trigrams past those are
        counted too, since each one a name lacks lowers what it can still share.
        """
        if len(key) < CLOSE_MATCH_MIN_LENGTH:
            return []
        postings = sorted((self.by_trigram.get(gram, ()) for gram in trigrams(key)), key=len)
        needed = max(
            1, min(math.ceil(CLOSE_MATCH_TRIGRAM_SHARE * len(postings)), len(postings) - 3)
        )
        looked_up = len(postings) - needed + 1
        while looked_up < len(postings) and len(postings[looked_up]) <= CLOSE_MATCH_RARE_TRIGRAM:
            looked_up += 1
        # A name found in `shared` of the looked-up trigrams can share at most
        # `shared + unlooked` in all.
        unlooked = len(postings) - looked_up
        shared = Counter(chain.from_iterable(postings[:looked_up]))
        enough = needed - unlooked
        candidates = [position for position, count in shared.items() if count >= enough]
        best: dict[int, float] = {}
        matcher = difflib.SequenceMatcher(b=key, autojunk=False)
        for position in candidates:
            other, pk = self.keys[position]
            if abs(len(other) - len(key)) > len(key) * (1 - CLOSE_MATCH_CUTOFF) + 1:
                continue
            matcher.set_seq1(other)
            if matcher.quick_ratio() >= CLOSE_MATCH_CUTOFF:
                ratio = matcher.ratio()
                if ratio >= max(CLOSE_MATCH_CUTOFF, best.get(pk, 0)):
                    best[pk] = ratio
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [pk for pk, _ in ranked[:CLOSE_MATCH_LIMIT]]

    def signature_search_text(self, pk: int, published_name: str) -> str:
        """A signature's search text (letters/signature_list.py), from the names loaded
        here rather than a query per row."""
        return search_text([published_name, self.names[pk], *self.aliases.get(pk, ())])


def classify(rows: list[ImportRow], known: dict[str, KnownSigners]) -> None:
    """Set each valid row's status, proposed match and default choice, in file order."""
    seen_names: dict[tuple[str, str], int] = {}
    seen_signers: dict[tuple[str, int], int] = {}
    for row in rows:
        if row["status"] == RowStatus.INVALID:
            row["choice"] = SKIP
            continue
        kind, key = row["kind"], normalise(row["name"])
        signers = known[kind]
        earlier = seen_names.get((kind, key))
        if earlier is not None:
            _set(row, RowStatus.DUPLICATE, f"Same name as line {earlier}.", SKIP)
            continue
        seen_names[(kind, key)] = row["line"]
        by_name, by_alias = signers.by_name.get(key, []), signers.by_alias.get(key, [])
        if len(by_name) == 1 or (not by_name and len(by_alias) == 1):
            pk = (by_name or by_alias)[0]
            row["match"] = signers.label(pk)
            earlier = seen_signers.get((kind, pk))
            if pk in signers.signed:
                _set(
                    row, RowStatus.SIGNED, f"{signers.names[pk]} already signed this letter.", SKIP
                )
            elif earlier is not None:
                _set(row, RowStatus.DUPLICATE, f"Same signatory as line {earlier}.", SKIP)
            elif by_name:
                _set(row, RowStatus.EXACT, "", str(pk))
            else:
                _set(
                    row,
                    RowStatus.ALIAS,
                    f"'{row['name']}' is an alias of {signers.names[pk]}.",
                    str(pk),
                )
            seen_signers.setdefault((kind, pk), row["line"])
            continue
        ambiguous = by_name or by_alias
        candidates = ambiguous or signers.close_to(key)
        if candidates:
            row["candidates"] = [signers.label(pk) for pk in candidates]
            reason = (
                f"{len(ambiguous)} records have this name: choose one."
                if ambiguous
                else "A similar name exists: choose it, or create a new record."
            )
            # Never applied without a curator: until one chooses, the row is skipped.
            _set(row, RowStatus.CLOSE, reason, SKIP)
        else:
            _set(row, RowStatus.NEW, "", NEW)


def _set(row: ImportRow, status: str, reason: str, choice: str) -> None:
    row["status"], row["reason"], row["choice"] = status, reason, choice


def choices_for(row: ImportRow) -> list[tuple[str, str]]:
    """What a curator may choose for a row, as (value, label)."""
    if row["status"] == RowStatus.INVALID:
        return [(SKIP, "Skip (invalid)")]
    options = []
    for pk, name in ([row["match"]] if row["match"] else []) + row["candidates"]:
        options.append((str(pk), f"Use {name} (#{pk})"))
    record = "organisation" if row["kind"] == SignerKind.ORGANISATION else "person"
    options.append((NEW, f"Create a new {record}"))
    options.append((SKIP, "Skip this row"))
    return options


def set_choice(row: ImportRow, choice: str) -> bool:
    """Record a curator's choice if it is one offered for the row."""
    if choice in {value for value, _ in choices_for(row)}:
        row["choice"] = choice
        return True
    return False


def counts(rows: list[ImportRow], key: Literal["status", "outcome"] = "status") -> dict[str, int]:
    return dict(Counter(row[key] for row in rows if row.get(key)))
