"""Who signs alongside an organisation: its most frequent co-signers."""

from django.db.models import Count, Q

from letters.models import ESTABLISHED_IDENTITY, LISTED_STATUSES, Organisation, Signature

CO_SIGNERS_SHOWN = 10


def co_signers(organisation: Organisation, limit: int = CO_SIGNERS_SHOWN) -> list[Organisation]:
    """The organisations that most often listed their name on the same published letters,
    with the number of letters shared (`shared`). Listed signatures only: a disputed or
    withdrawn signature is no evidence of signing side by side. And only signatures
    established as their record's (not joined to it by name alone), on both sides: the
    same name on two letters is no evidence of one signer."""
    letters = (
        Signature.objects.public()
        .listed()
        .identified()
        .filter(organisation=organisation)
        .values("letter")
    )
    alongside = Q(
        signatures__letter__in=letters,
        signatures__status__in=LISTED_STATUSES,
        signatures__sourced=True,
        signatures__identity_basis__in=ESTABLISHED_IDENTITY,
    )
    return list(
        Organisation.objects.filter(alongside)
        .exclude(pk=organisation.pk)
        .annotate(shared=Count("signatures__letter", filter=alongside, distinct=True))
        .order_by("-shared", "name", "pk")[:limit]
    )
