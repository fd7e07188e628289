"""A letter's signature list and everything derived from it, kept in one place.

What is derived, and why it is stored rather than computed per page view:

- `Signature.search_text`: the published name, the signer's canonical name and every
  alias, normalised, so that search is one substring match (served by the trigram index
  of letters/search_index.py). `Organisation.search_text` and `Person.search_text` hold
  the signer's own names the same way; `Letter.search_text` the title, the organisers and
  addressees as the letter names them, and the letter's own texts (`letter_search_names`).
- `Signature.sourced`: whether a source cites it (or it was signed on this site), since
  nothing is public without one (`models.on_public_list`).
- `Signature.list_rank`: each public signature's place in its letter's public list
  (1, 2, …), so that page N of 100,000 is an index range rather than a large OFFSET.
- The letter's `listed_count`, `public_count`, `signatory_countries` and
  `listing_timeline`, so that a page reads a few columns instead of counting rows.

Every path that writes signatures keeps them right by calling this module: the signals
(saves and deletes, fixture loads included, sources added or removed), `SignatureQuerySet.
update()` and `bulk_create()`, the import, merges, the fixture builder and the synthetic
letters.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from . import models
from .lib.text import normalise

# Changing any of these can move a signature in, out of, or within a letter's public list.
LIST_FIELDS = {"status", "sourced", "letter", "letter_id", "position", "published_name"}
# Changing any of these changes the letter's summaries (its countries, its chart).
SUMMARY_FIELDS = {"country", "first_listed"}
# Changing any of these changes the names a signature is found by.
SEARCHED_FIELDS = {"published_name", "organisation", "organisation_id", "person", "person_id"}
# Which letter and which signer a signature belongs to.
SIGNER_FIELDS = {"letter", "letter_id", "organisation", "organisation_id", "person", "person_id"}
# Kept by this module from the other columns; writing them changes nothing by itself.
KEPT_FIELDS = {"search_text", "list_rank"}
# A signature's place in its letter's list, and what the letter's summaries count of it,
# as remembered when it is loaded (`Signature.remember_list_place`).
LIST_PLACE_FIELDS = (
    "letter_id",
    "status",
    "sourced",
    "position",
    "published_name",
    "country",
    "first_listed",
)


# ---------------------------------------------------------------------------
# Search text
# ---------------------------------------------------------------------------


def search_text(names: Iterable[str | None]) -> str:
    """The searchable form of a list of names: each normalised, once, in order."""
    return " | ".join(dict.fromkeys(normalise(name) for name in names if name))


def signer_names(signer: "models.Organisation | models.Person") -> list[str]:
    """A signer's canonical name, then its aliases (one query for a saved signer)."""
    names = [signer.name]
    if signer.pk:
        names.extend(signer.aliases.values_list("name", flat=True))
    return names


def signature_search_text(signature: "models.Signature") -> str:
    """The published name, the canonical name and every alias of the signer."""
    signer = signature.signer
    return search_text([signature.published_name, *(signer_names(signer) if signer else [])])


def refresh_signer_search_text(signer: "models.Organisation | models.Person") -> None:
    """Recompute the searchable names of a signer and of every signature it made."""
    names = signer_names(signer)
    type(signer).objects.filter(pk=signer.pk).update(search_text=search_text(names))
    for pk, published_name in signer.signatures.values_list("pk", "published_name"):
        models.Signature.objects.filter(pk=pk).update(
            search_text=search_text([published_name, *names])
        )


def letter_search_names(letter: "models.Letter") -> list[str]:
    """What a letter is found by besides its signatories: its title, its organisers and
    addressees as it names them, and the title and body of each text that may be shown
    (one that cites its source, or any on a letter hosted here). Read from the database,
    except the letter's own fields, which may be unsaved."""
    names = [letter.title]
    if letter.pk:
        names.extend(letter.organisers.values_list("name", flat=True))
        names.extend(letter.addressees.values_list("name", flat=True))
        # As LetterText.objects.sourced() says, from the letter's own (maybe unsaved) value.
        texts = letter.texts.all() if letter.accepts_signups else letter.texts.exclude(source=None)
        for title, body in texts.values_list("title", "body"):
            names.extend([title, body])
    return names


def refresh_letter_search_text(letter_id: int) -> None:
    """Recompute a letter's search text after one of its parties or texts changed."""
    letter = models.Letter.objects.filter(pk=letter_id).first()
    if letter is not None:  # None when the row goes with its deleted letter
        text = search_text(letter_search_names(letter))
        models.Letter.objects.filter(pk=letter_id).update(search_text=text)


def refresh_signature_search_text(signature_ids: Iterable[int]) -> None:
    """Recompute the search text of these signatures (after a bulk rename or re-link)."""
    changed = models.Signature.objects.filter(pk__in=list(signature_ids))
    for signature in changed.select_related("organisation", "person"):
        models.Signature.objects.filter(pk=signature.pk).update(
            search_text=signature_search_text(signature)
        )


# ---------------------------------------------------------------------------
# Places in the list
# ---------------------------------------------------------------------------


def next_position(letter_id: int) -> int:
    """The published-list position after the letter's last one."""
    last = models.Signature.objects.filter(letter_id=letter_id).aggregate(last=Max("position"))
    return (last["last"] or 0) + 1


def fill_positions(signatures: list["models.Signature"]) -> None:
    """Give signatures without a position the next ones of their letter, in order."""
    for letter_id in {s.letter_id for s in signatures if s.position is None}:
        unplaced = [s for s in signatures if s.letter_id == letter_id and s.position is None]
        for position, signature in enumerate(unplaced, start=next_position(letter_id)):
            signature.position = position


def recount(letters: "QuerySet[models.Letter]") -> None:
    """Recount these letters' listed and public signatures, and summarise them.

    The summaries (the countries in the country filter, the listed signatures per
    first-listed date for the chart) are kept on the letter so that a page view reads
    them instead of scanning every signature.
    """
    signatures = models.Signature.objects

    def count(statuses: tuple[str, ...]) -> Coalesce:
        return Coalesce(
            Subquery(
                signatures.filter(models.on_public_list(statuses=statuses), letter=OuterRef("pk"))
                .order_by()
                .values("letter")
                .annotate(total=Count("pk"))
                .values("total")
            ),
            0,
        )

    letters.update(
        listed_count=count(models.LISTED_STATUSES), public_count=count(models.PUBLIC_STATUSES)
    )
    for letter_id in letters.values_list("pk", flat=True):
        on_letter = signatures.filter(letter_id=letter_id).order_by()
        countries = (
            on_letter.filter(models.on_public_list())
            .exclude(country="")
            .values_list("country", flat=True)
            .distinct()
        )
        per_date = (
            on_letter.filter(
                models.on_public_list(statuses=models.LISTED_STATUSES), first_listed__isnull=False
            )
            .values_list("first_listed")
            .annotate(total=Count("pk"))
        )
        models.Letter.objects.filter(pk=letter_id).update(
            signatory_countries=sorted(countries),
            listing_timeline=dict(sorted(per_date)),
        )


def renumber(letters: "QuerySet[models.Letter]") -> None:
    """Give each public signature its place in its letter's public list (1, 2, …).

    Pages of the list are then ranges of `list_rank`, found through an index whatever
    the page number, instead of a scan past a large OFFSET. Only rows whose place
    changed are written.
    """
    public = models.PUBLIC_STATUSES
    placeholders = ", ".join(["%s"] * len(public))
    connection = connections[letters.db]
    table = connection.ops.quote_name(models.Signature._meta.db_table)
    with connection.cursor() as cursor:
        for letter_id in letters.values_list("pk", flat=True):
            # The SQL of `models.on_public_list`: a public status and a source.
            cursor.execute(
                f"UPDATE {table} SET list_rank = NULL WHERE letter_id = %s "
                f"AND list_rank IS NOT NULL AND (status NOT IN ({placeholders}) OR NOT sourced)",
                [letter_id, *public],
            )
            cursor.execute(
                f"UPDATE {table} SET list_rank = ranked.place FROM ("
                "  SELECT id, ROW_NUMBER() OVER (ORDER BY position, published_name, id)"
                f"  AS place FROM {table} WHERE letter_id = %s AND status IN ({placeholders})"
                "  AND sourced"
                f") AS ranked WHERE {table}.id = ranked.id "
                f"AND ({table}.list_rank IS NULL OR {table}.list_rank <> ranked.place)",
                [letter_id, *public],
            )


def refresh(letters: "QuerySet[models.Letter]") -> None:
    """Counts and places, after a change that may have reordered the list."""
    recount(letters)
    renumber(letters)


def letters_with_ids(ids: Iterable[int | None]) -> "QuerySet[models.Letter]":
    return models.Letter.objects.filter(pk__in={pk for pk in ids if pk is not None})


@dataclass(frozen=True)
class PublicChange:
    """What a save changed on the public lists."""

    # The letter the signature was on before the save (the one it is on, unless moved).
    old_letter_id: int | None
    # Public before and after, on the same letter, by the same signer: who is public, and
    # on how many letters, is unchanged, so the organisation and people indexes are too.
    stayed_public: bool


def after_signature_saved(signature: "models.Signature") -> PublicChange | None:
    """Recount and re-place only what the save actually moved; say what public changed,
    or None when nothing did (so that the public pages stay as they are).

    The common writes cost O(1) even on a letter of 100,000 signatures: a status change
    between public statuses only recounts, and a signature that becomes public at the
    end of the list (a new signatory, an approval) takes the next place. Anything else
    renumbers the letters involved in one statement.
    """
    before = getattr(signature, "_saved_place", None) or (None,) * len(LIST_PLACE_FIELDS)
    old_letter_id, old_status, old_sourced, old_position, old_name, *old_summary = before
    old_signer = getattr(signature, "_saved_signer", None)
    signature.remember_list_place()
    same_letter = old_letter_id == signature.letter_id
    same_order = (old_position, old_name) == (signature.position, signature.published_name)
    same_summary = old_summary == [signature.country, signature.first_listed]
    was_public = bool(old_sourced) and old_status in models.PUBLIC_STATUSES
    is_public = signature.is_on_public_list
    if not (was_public or is_public):
        return None  # a pending sign-up, a rejected one, one without a source yet
    same_signer = old_signer == (signature.organisation_id, signature.person_id)
    change = PublicChange(
        old_letter_id=old_letter_id,
        stayed_public=same_letter and same_signer and was_public and is_public,
    )
    same_status = (old_status, old_sourced) == (signature.status, signature.sourced)
    if same_letter and same_order and same_summary and same_status:
        return change
    letters = letters_with_ids([signature.letter_id, old_letter_id])
    recount(letters)
    if same_letter and same_order and was_public and is_public:
        return change
    if same_letter and is_public and not was_public and _place_at_end(signature):
        return change
    renumber(letters)
    return change


def refresh_sourced(signature_ids: Iterable[int]) -> set[int]:
    """Recompute `Signature.sourced` for these signatures: cited by a source, or signed on
    this site (a confirmed sign-up made it). Refreshes the lists of the letters whose
    public signatures changed, and returns their ids."""
    ids = list(set(signature_ids))
    if not ids:
        return set()
    signatures = models.Signature.objects.filter(pk__in=ids)
    cited = Exists(models.Signature.sources.through.objects.filter(signature=OuterRef("pk")))
    signed_here = Exists(
        models.SignupRequest.objects.filter(
            signature=OuterRef("pk"),
            action=models.SignupAction.SIGN,
            confirmed_at__isnull=False,
        )
    )
    has_provenance = Q(cited) | Q(signed_here)
    gaining = list(signatures.filter(has_provenance, sourced=False).values_list("pk", "letter_id"))
    losing = list(signatures.filter(~has_provenance, sourced=True).values_list("pk", "letter_id"))
    # Plain UPDATEs: the queryset's own update() would refresh every letter once more.
    plain: QuerySet[models.Signature] = QuerySet(models.Signature)
    plain.filter(pk__in=[pk for pk, _ in gaining]).update(sourced=True)
    plain.filter(pk__in=[pk for pk, _ in losing]).update(sourced=False)
    letter_ids = {letter_id for _, letter_id in gaining + losing}
    if letter_ids:
        refresh(letters_with_ids(letter_ids))
    return letter_ids


def _place_at_end(signature: "models.Signature") -> bool:
    """Give a newly public signature the last place if it sorts after every other one."""
    last = (
        models.Signature.objects.filter(letter_id=signature.letter_id, list_rank__isnull=False)
        .exclude(pk=signature.pk)
        .order_by("-list_rank")
        .values_list("position", "list_rank")
        .first()
    )
    if last is not None and signature.position <= last[0]:
        return False
    # The last rank is never None: only ranked signatures were read.
    signature.list_rank = (last[1] or 0) + 1 if last else 1
    models.Signature.objects.filter(pk=signature.pk).update(list_rank=signature.list_rank)
    return True
