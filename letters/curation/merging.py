"""Merge duplicate organisations (or people) into one record, in one transaction.

The record kept takes over everything the others had: signatures, endorsements, aliases,
the letters they organised or were addressed by, quotes, and the redirects of records
merged into them before. Each other record's name becomes an alias, its public URL
redirects (301) to the kept record, and then it is deleted. When two of the records
signed the same letter, the two signatures become one that keeps both published names
and every source.

Anything that fails rolls the whole merge back: nothing is ever half merged.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import transaction

from letters import signature_list
from letters.lib.text import normalise
from letters.models import (
    Addressee,
    CorrectionRequest,
    Endorsement,
    IdentityBasis,
    Letter,
    Organisation,
    OrganisationAlias,
    OrganisationRedirect,
    Organiser,
    Person,
    PersonAlias,
    PersonRedirect,
    Quote,
    Signature,
    SignatureStatus,
    Signer,
    SignupRequest,
)
from letters.page_cache import public_content_changed

# When two signatures of the same letter are combined, which status the one left keeps.
# A withdrawal is the signatory's own latest word: a merge must never put back on the
# public list a name someone asked to remove, so it wins outright. Otherwise the best
# evidence wins: confirmed by us, then reported by a source, then disputed; the private
# moderation states come last because the other record was already on the list.
_STATUS_PRECEDENCE: list[str] = [
    SignatureStatus.WITHDRAWN,
    SignatureStatus.CONFIRMED,
    SignatureStatus.REPORTED,
    SignatureStatus.DISPUTED,
    SignatureStatus.PENDING,
    SignatureStatus.REJECTED,
]


# A record whose history names the merge: each one the merge changes or deletes.
_Recorded = TypeVar("_Recorded", bound=Signer | Signature | Endorsement)


class MergeError(ValueError):
    """The records cannot be merged as asked (nothing was changed)."""


@dataclass
class MergeReport:
    kept: Signer
    merged_names: list[str]
    signatures_moved: int = 0
    signatures_combined: int = 0
    endorsements_moved: int = 0
    endorsements_combined: int = 0

    def summary(self) -> str:
        names = ", ".join(f"“{name}”" for name in self.merged_names)
        return (
            f"Merged {names} into “{self.kept}”: {self.signatures_moved} signature(s) moved, "
            f"{self.signatures_combined} combined with one already on the same letter, "
            f"{self.endorsements_moved} endorsement(s) moved, "
            f"{self.endorsements_combined} duplicate endorsement(s) dropped."
        )


@dataclass(frozen=True)
class _Kind:
    """What differs between merging organisations and merging people."""

    model: type[Organisation] | type[Person]
    field: str
    alias_model: type[OrganisationAlias] | type[PersonAlias]
    redirect_model: type[OrganisationRedirect] | type[PersonRedirect]


_ORGANISATIONS = _Kind(Organisation, "organisation", OrganisationAlias, OrganisationRedirect)
_PEOPLE = _Kind(Person, "person", PersonAlias, PersonRedirect)


def merge_organisations(
    keep: Organisation, others: Sequence[Organisation], user: User | None = None
) -> MergeReport:
    return _merge(_ORGANISATIONS, keep, others, user)


def merge_people(keep: Person, others: Sequence[Person], user: User | None = None) -> MergeReport:
    return _merge(_PEOPLE, keep, others, user)


def _merge(kind: _Kind, keep: Signer, records: Sequence[Signer], user: User | None) -> MergeReport:
    others = [other for other in records if other.pk != keep.pk]
    if not others:
        raise MergeError("Choose at least one other record to merge into the one kept.")
    with transaction.atomic():
        # Lock the records (PostgreSQL) so that no one edits them half way through.
        ids = [keep.pk, *(other.pk for other in others)]
        locked = {o.pk: o for o in kind.model.objects.select_for_update().filter(pk__in=ids)}
        if len(locked) != len(ids):
            raise MergeError("One of the records no longer exists; reload and try again.")
        keep = locked[keep.pk]
        report = MergeReport(kept=keep, merged_names=[])
        letters: set[int] = set()
        reason = f"Merged into {keep.name} (#{keep.pk})"[:100]
        for other in (locked[other.pk] for other in others):
            report.merged_names.append(other.name)
            letters |= _move_signatures(kind, keep, other, report, user, reason)
            _move_endorsements(kind, keep, other, report, user, reason)
            _move_links(kind, keep, other)
            _move_aliases(kind, keep, other)
            # Older redirects to the merged record follow it, so links never chain.
            kind.redirect_model.objects.filter(**{kind.field: other}).update(**{kind.field: keep})
            kind.redirect_model.objects.update_or_create(
                old_slug=other.slug, defaults={kind.field: keep}
            )
            _with_history(other, user, reason).delete()
        # The kept record's own history says what it took in, and who merged it.
        merged = ", ".join(report.merged_names)
        _with_history(keep, user, f"Merged into this record: {merged}"[:100]).save()
        signature_list.refresh_signer_search_text(keep)
        signature_list.refresh(Letter.objects.filter(pk__in=letters))
        public_content_changed()
    return report


def _with_history(instance: _Recorded, user: User | None, reason: str) -> _Recorded:
    """Name the acting user and the reason on the history row the next save writes."""
    instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    return instance


def _move_signatures(
    kind: _Kind, keep: Signer, other: Signer, report: MergeReport, user: User | None, reason: str
) -> set[int]:
    letters = set()
    kept_by_letter = {s.letter_id: s for s in Signature.objects.filter(**{kind.field: keep})}
    for signature in Signature.objects.filter(**{kind.field: other}).prefetch_related("sources"):
        letters.add(signature.letter_id)
        kept = kept_by_letter.get(signature.letter_id)
        if kept is None:
            setattr(signature, kind.field, keep)
            # A merge is a curator's statement that the two records are one signer.
            who = user.get_username() if user is not None else "a curator"
            signature.identity_basis = IdentityBasis.CURATOR
            signature.identity_evidence = f"Merged into {keep.name} (#{keep.pk}) by {who}."[:300]
            _with_history(signature, user, reason).save()
            kept_by_letter[signature.letter_id] = signature
            report.signatures_moved += 1
            continue
        _combine_signatures(kept, signature)
        # Requests about the duplicate now concern the signature that stays.
        SignupRequest.objects.filter(signature=signature).update(signature=kept)
        CorrectionRequest.objects.filter(signature=signature).update(signature=kept)
        kept.sources.add(*signature.sources.all())
        _with_history(signature, user, reason).delete()
        _with_history(kept, user, reason).save()
        report.signatures_combined += 1
    return letters


def _combine_signatures(kept: Signature, other: Signature) -> None:
    """Fold `other` into `kept` (same letter, same signer once merged)."""
    names = [
        *kept.other_published_names.splitlines(),
        other.published_name,
        *other.other_published_names.splitlines(),
    ]
    kept.other_published_names = "\n".join(
        dict.fromkeys(n.strip() for n in names if n.strip() and n.strip() != kept.published_name)
    )
    best = min((kept, other), key=lambda s: _STATUS_PRECEDENCE.index(s.status))
    if best is other:
        kept.status = other.status
        kept.withdrawn_on = other.withdrawn_on
        kept.withdrawal_reason = other.withdrawal_reason
    # The earliest source that listed either name is the earliest listing of the signer.
    # Partial dates sort as text ('2020' < '2020-02' < '2020-02-06'): the coarser date is
    # the one that can start earliest, as `listed_as_of` also reads it.
    dates = [d for d in (kept.first_listed, other.first_listed) if d]
    kept.first_listed = min(dates) if dates else kept.first_listed
    # The earlier place in the published list, and the earlier date we recorded it.
    kept.position = min(kept.position, other.position)
    kept.entered_at = min(kept.entered_at, other.entered_at)
    for field in ("role", "country", "note"):
        if not getattr(kept, field):
            setattr(kept, field, getattr(other, field))
    if not kept.country:
        kept.country_is_inferred = other.country_is_inferred


def _move_endorsements(
    kind: _Kind, keep: Signer, other: Signer, report: MergeReport, user: User | None, reason: str
) -> None:
    for endorsement in Endorsement.objects.filter(**{kind.field: other}):
        duplicate = Endorsement.objects.filter(
            letter_id=endorsement.letter_id, source_id=endorsement.source_id, **{kind.field: keep}
        ).first()
        if duplicate is None:
            setattr(endorsement, kind.field, keep)
            _with_history(endorsement, user, reason).save()
            report.endorsements_moved += 1
        else:
            # The same endorsement, from the same source: one row says it.
            CorrectionRequest.objects.filter(endorsement=endorsement).update(endorsement=duplicate)
            _with_history(endorsement, user, reason).delete()
            report.endorsements_combined += 1


def _move_links(kind: _Kind, keep: Signer, other: Signer) -> None:
    model: type[Addressee] | type[Organiser]
    for model in (Addressee, Organiser):
        model.objects.filter(**{kind.field: other}).update(**{kind.field: keep})
    if kind is _PEOPLE:
        Quote.objects.filter(person=other).update(person=keep)


def _move_aliases(kind: _Kind, keep: Signer, other: Signer) -> None:
    aliases = kind.alias_model.objects
    kept_keys = {
        normalise(keep.name),
        *aliases.filter(**{kind.field: keep}).values_list("normalised_name", flat=True),
    }
    for alias in aliases.filter(**{kind.field: other}):
        if alias.normalised_name in kept_keys:
            alias.delete()
        else:
            setattr(alias, kind.field, keep)
            alias.save()
            kept_keys.add(alias.normalised_name)
    key = normalise(other.name)
    # Organisation aliases are unique across all organisations: a name that is already
    # another organisation's alias stays that one's.
    taken = kind is _ORGANISATIONS and aliases.filter(normalised_name=key).exists()
    if key not in kept_keys and not taken:
        aliases.create(**{kind.field: keep, "name": other.name})
