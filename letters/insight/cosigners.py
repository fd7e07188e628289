"""Who signs alongside an organisation: its most frequent co-signers."""

from django.db.models import Count

from letters.models import LISTED_STATUSES, Organisation, Signature

CO_SIGNERS_SHOWN = 10


def co_signers(organisation: Organisation, limit: int = CO_SIGNERS_SHOWN) -> list[Organisation]:
    """The organisations that most often listed their name on the same published letters,
    with the number of letters shared (`shared`). Listed signatures only: a disputed or
    withdrawn signature is no evidence of signing side by side."""
    letters = Signature.objects.public().listed().filter(organisation=organisation).values("letter")
    return list(
        Organisation.objects.filter(
            signatures__letter__in=letters, signatures__status__in=LISTED_STATUSES
        )
        .exclude(pk=organisation.pk)
        .annotate(shared=Count("signatures__letter", distinct=True))
        .order_by("-shared", "name", "pk")[:limit]
    )
