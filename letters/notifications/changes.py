"""What changed during a period, read from the history the models keep: signatures that
became public (or confirmed) and endorsements recorded. The digest and the alerts report
these; a signature counts on the day it first reached the statuses asked for, so a
later edit of a confirmed signature is not news again."""

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from letters.models import (
    PUBLIC_STATUSES,
    Endorsement,
    Letter,
    Organisation,
    Person,
    Signature,
    Visibility,
)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first moment of `day` and of the next, in the site's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def signatures_that_became(
    statuses: Collection[str], start: datetime, end: datetime
) -> QuerySet[Signature]:
    """Signatures in one of `statuses` now that first reached one of them in [start, end)."""
    history = Signature.history.model.objects.filter(id=OuterRef("pk"), status__in=statuses)
    return Signature.objects.filter(
        Exists(history.filter(history_date__gte=start, history_date__lt=end)),
        ~Exists(history.filter(history_date__lt=start)),
        status__in=statuses,
    )


def public_signatures_new(start: datetime, end: datetime) -> QuerySet[Signature]:
    """Public signatures on published letters that became public in [start, end)."""
    return signatures_that_became(PUBLIC_STATUSES, start, end).filter(
        letter__visibility=Visibility.PUBLISHED
    )


def endorsements_new(start: datetime, end: datetime) -> QuerySet[Endorsement]:
    """Endorsements on published letters first recorded in [start, end)."""
    recorded = Endorsement.history.model.objects.filter(
        id=OuterRef("pk"), history_type="+", history_date__gte=start, history_date__lt=end
    )
    return Endorsement.objects.public().filter(Exists(recorded))


def changes_for(
    target: Organisation | Person | Letter, start: datetime, end: datetime
) -> tuple[list[Signature], list[Endorsement]]:
    """What a follower of `target` hears about: the letters it signed and its
    endorsements (an organisation or a person), or the letter's new signatures and
    endorsements."""
    field = target._meta.model_name
    assert field in {"organisation", "person", "letter"}
    signatures = (
        public_signatures_new(start, end)
        .filter(**{field: target})
        .select_related("letter", "organisation", "person")
        .order_by("letter__title", "list_rank", "pk")
    )
    endorsements = (
        endorsements_new(start, end)
        .filter(**{field: target})
        .select_related("letter", "organisation", "person")
        .order_by("letter__title", "pk")
    )
    return list(signatures), list(endorsements)
