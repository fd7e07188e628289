"""Publishing discipline: a letter goes public only when every fact it lists has a source.

The rule itself lives on the signature list (`models.on_public_list`): a signature with
no source, whatever way it came in, is never shown, counted or downloaded. This module
is the curator's side of it: before a letter is published (admin form, or the bulk
"publish" action) it names the signatures that would stay hidden, so that nothing the
curator meant to list is silently missing. Endorsements cannot lack a source (a required
foreign key).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from letters.models import PUBLIC_STATUSES, Letter, Signature, Visibility

# How many unsourced signatories a problem message names before it just counts the rest.
NAMED_IN_PROBLEMS = 10


def unsourced_signatures(letter: Letter) -> QuerySet[Signature]:
    """The letter's signatures with a public status but no source: not shown until cited."""
    return (
        Signature.objects.filter(letter=letter, status__in=PUBLIC_STATUSES)
        .unsourced()
        .order_by("position", "published_name")
    )


def unsourced_problem(signatures: QuerySet[Signature]) -> str:
    """A sentence naming the unsourced signatures ('' when there are none)."""
    names = list(signatures.values_list("published_name", flat=True)[: NAMED_IN_PROBLEMS + 1])
    if not names:
        return ""
    total = signatures.count() if len(names) > NAMED_IN_PROBLEMS else len(names)
    shown = ", ".join(names[:NAMED_IN_PROBLEMS])
    more = f" and {total - NAMED_IN_PROBLEMS} more" if total > NAMED_IN_PROBLEMS else ""
    noun = "signature has" if total == 1 else "signatures have"
    return f"{total} {noun} no source and will not be shown until one cites it: {shown}{more}."


def publishing_problems(letter: Letter) -> list[str]:
    """Why the letter cannot be published yet, for the curator; empty when it can."""
    if letter._state.adding:
        return []
    problem = unsourced_problem(unsourced_signatures(letter))
    return [problem] if problem else []


@dataclass
class PublishResult:
    published: list[Letter] = field(default_factory=list)
    refused: dict[Letter, list[str]] = field(default_factory=dict)


def publish(letters: QuerySet[Letter]) -> PublishResult:
    """Publish each draft among `letters` that has no publishing problem; report the rest."""
    result = PublishResult()
    with transaction.atomic():
        for letter in letters.select_for_update().filter(visibility=Visibility.DRAFT):
            problems = publishing_problems(letter)
            if problems:
                result.refused[letter] = problems
                continue
            letter.visibility = Visibility.PUBLISHED
            # A save, not an update: the letter's history records who published it.
            letter._change_reason = "Published"
            letter.save(update_fields=["visibility"])
            result.published.append(letter)
    return result
