"""Publishing discipline: a letter goes public only when every listed fact has a source.

Endorsements cannot lack one (their source is a required foreign key); listed signatures
(reported or confirmed) can, because their sources are a many-to-many. The admin form and
the bulk "publish" action both ask `publishing_problems`, so the rule has one home.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from letters.models import LISTED_STATUSES, Letter, Signature, Visibility

# How many unsourced signatories a problem message names before it just counts the rest.
NAMED_IN_PROBLEMS = 10


def unsourced_listed_signatures(letter: Letter) -> QuerySet[Signature]:
    cited = Signature.sources.through.objects.filter(signature=OuterRef("pk"))
    return (
        Signature.objects.filter(letter=letter, status__in=LISTED_STATUSES)
        .filter(~Exists(cited))
        .order_by("position", "published_name")
    )


def publishing_problems(letter: Letter) -> list[str]:
    """Why the letter cannot be published yet, for the curator; empty when it can."""
    if letter._state.adding:
        return []
    unsourced = unsourced_listed_signatures(letter)
    names = list(unsourced.values_list("published_name", flat=True)[: NAMED_IN_PROBLEMS + 1])
    if not names:
        return []
    total = unsourced.count() if len(names) > NAMED_IN_PROBLEMS else len(names)
    shown = ", ".join(names[:NAMED_IN_PROBLEMS])
    more = f" and {total - NAMED_IN_PROBLEMS} more" if total > NAMED_IN_PROBLEMS else ""
    noun = "signature has" if total == 1 else "signatures have"
    return [f"{total} listed {noun} no source: {shown}{more}."]


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
