"""Which public pages a change touches, named as the scopes of letters/page_cache.py.

Pages depend on:

- `letter:<slug>`: a letter's own pages and fragments (page, list, print, timeline,
  corrections, feed, badge, widget, downloads, API), which show the letter, its parts
  and its signatures, with each signer's name;
- `organisation:<slug>`, `person:<slug>`: a signer's pages, which also depend on the
  letters the signer appears on (their titles, and the co-signers on them);
- `INDEXES`: every page that lists across letters or signers (home, search, topics,
  comparisons, sitemaps, the letters feed, API lists);
- `SIGNER_INDEXES`: the organisation and people indexes, which show which signers are
  public and how many letters each signed. Every change that touches `INDEXES` touches
  them too, except one that leaves a signature public on the same letter and signer (a
  status changed from confirmed to disputed, say): with a letter being moderated, those
  two slowest indexes are not rendered again in every coalescing window for nothing;
- `SITE`: everything (a source's details, shown wherever it is cited; a merge).

A change on one letter therefore leaves every other letter's pages alone. Scopes are
named by slug, as URLs are, so a page knows its scopes without a query; a change finds
the slugs of what it touched (and the old slug of what it renamed).
"""

from collections.abc import Iterable

from django.db.models import Model, QuerySet

from . import models
from .page_cache import SITE, changed

__all__ = ["SITE", "INDEXES", "SIGNER_INDEXES", "letter", "organisation", "person", "letters_of"]

INDEXES = "indexes"
SIGNER_INDEXES = "signer-indexes"
# What a change that touches the indexes names, unless it leaves the signer indexes alone.
ALL_INDEXES = [INDEXES, SIGNER_INDEXES]


def letter(slug: str) -> str:
    return f"letter:{slug}"


def organisation(slug: str) -> str:
    return f"organisation:{slug}"


def person(slug: str) -> str:
    return f"person:{slug}"


def signer(record: "models.Organisation | models.Person") -> str:
    return (
        organisation(record.slug)
        if isinstance(record, models.Organisation)
        else person(record.slug)
    )


# ---------------------------------------------------------------------------
# What a signer's pages show of letters
# ---------------------------------------------------------------------------


def _letters_showing(record: "models.Organisation | models.Person") -> QuerySet:
    """The slugs of every letter on which the signer appears, in any role, published or
    not (a letter published later must make its signers' pages stale too)."""
    field = "organisation" if isinstance(record, models.Organisation) else "person"
    shown_on: list[type[Model]] = [
        models.Signature,
        models.Endorsement,
        models.Organiser,
        models.Addressee,
    ]
    if field == "person":
        shown_on.append(models.Quote)
    branches = [
        model._default_manager.using(record._state.db or "default")
        .filter(**{field: record.pk})
        .order_by()
        .values_list("letter__slug")
        for model in shown_on
    ]
    return branches[0].union(*branches[1:])


def letters_of(record: "models.Organisation | models.Person") -> list[str]:
    """The scopes of the letters a signer appears on, which its pages depend on."""
    return [letter(slug) for (slug,) in _letters_showing(record)]


# ---------------------------------------------------------------------------
# What a change touches
# ---------------------------------------------------------------------------

SignatureRow = tuple[int | None, int | None, int | None]  # letter, organisation, person


def _slugs(model: type[Model], ids: Iterable[int | None], using: str) -> list[str]:
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return []
    return list(
        model._default_manager.using(using).filter(pk__in=wanted).values_list("slug", flat=True)
    )


# A change naming more signers than this (an import, a bulk action) refreshes every page
# rather than each signer's: one write to the cache instead of thousands.
MAX_SIGNERS_NAMED = 100


def signatures_changed(
    rows: Iterable[SignatureRow],
    using: str,
    *,
    signers_moved: bool = True,
    stayed_public: bool = False,
) -> None:
    """Public signatures on these (letter, organisation, person) ids changed: their
    letters' pages (which the pages of the letters' signers depend on) and the indexes
    (counts, search). Their signers' own pages too when `signers_moved`: when a signature
    is created, deleted or moved to another letter or signer, the set of letters a
    signer's page depends on changes. The signer indexes too unless `stayed_public`: each
    signature was public before and after, on the same letter and signer."""
    rows = list(rows)
    if not rows:
        return
    organisation_ids = {r[1] for r in rows if r[1] is not None} if signers_moved else set()
    person_ids = {r[2] for r in rows if r[2] is not None} if signers_moved else set()
    if len(organisation_ids) + len(person_ids) > MAX_SIGNERS_NAMED:
        changed([SITE], using)
        return
    scopes = [INDEXES] if stayed_public else list(ALL_INDEXES)
    scopes += [letter(slug) for slug in _slugs(models.Letter, (r[0] for r in rows), using)]
    scopes += [organisation(s) for s in _slugs(models.Organisation, organisation_ids, using)]
    scopes += [person(slug) for slug in _slugs(models.Person, person_ids, using)]
    changed(scopes, using)


def letter_changed(record: "models.Letter", old_slugs: Iterable[str], using: str) -> None:
    """The letter's own fields: its pages (under every slug it had), the indexes, and
    the letters that name it ("Answers", "Answered by"). Its signers' pages depend on
    its scope already."""
    answering = models.Letter.objects.using(using).filter(in_response_to=record.pk)
    linked = {*answering.values_list("slug", flat=True), *old_slugs, record.slug}
    if record.in_response_to_id is not None:
        linked.update(_slugs(models.Letter, [record.in_response_to_id], using))
    changed([*ALL_INDEXES, *(letter(slug) for slug in linked)], using)


def letter_part_changed(record: Model, using: str) -> None:
    """Something shown on a letter's page (an endorsement, an organiser, an addressee, a
    quote, an outcome, a reported count, a correction), and on the page of the
    organisation or person it names."""
    letter_id = getattr(record, "letter_id", None)
    scopes = [*ALL_INDEXES, *(letter(s) for s in _slugs(models.Letter, [letter_id], using))]
    organisation_id = getattr(record, "organisation_id", None)
    person_id = getattr(record, "person_id", None)
    scopes += [organisation(s) for s in _slugs(models.Organisation, [organisation_id], using)]
    scopes += [person(slug) for slug in _slugs(models.Person, [person_id], using)]
    changed(scopes, using)


def signer_changed(
    record: "models.Organisation | models.Person", old_slugs: Iterable[str], using: str
) -> None:
    """A signer's name, aliases or details: its pages (under every slug it had), the
    pages of the letters that name it (and find it by its aliases), and the indexes."""
    kind = organisation if isinstance(record, models.Organisation) else person
    scopes = [*ALL_INDEXES, kind(record.slug), *(kind(slug) for slug in old_slugs)]
    if record.pk is not None:
        scopes += letters_of(record)
    changed(scopes, using)


def topic_changed(record: "models.Topic", using: str) -> None:
    """A topic: its pages (indexes) and its letters' (the API lists their topics)."""
    slugs = record.letters.using(using).values_list("slug", flat=True) if record.pk else []
    changed([*ALL_INDEXES, *(letter(slug) for slug in slugs)], using)


def letter_ids_changed(letter_ids: Iterable[int], using: str) -> None:
    """What is attached to these letters changed (documents, coverage, topics)."""
    changed([*ALL_INDEXES, *(letter(s) for s in _slugs(models.Letter, letter_ids, using))], using)
