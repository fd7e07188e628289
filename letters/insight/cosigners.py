"""Who signs alongside an organisation: its most frequent co-signers."""

from django.db.models import Count

from letters.models import Organisation, Signature

CO_SIGNERS_SHOWN = 10


def co_signers(organisation: Organisation, limit: int = CO_SIGNERS_SHOWN) -> list[Organisation]:
    """The organisations that most often listed their name on the same published letters,
    with the number of letters shared (`shared`). Listed signatures only: a disputed or
    withdrawn signature is no evidence of signing side by side. And only signatures
    established as their record's (not joined to it by name alone), on both sides: the
    same name on two letters is no evidence of one signer.

    Counted over the signatures alone, then the few organisations shown are read: counting
    through `Organisation.signatures` joined the signatures twice (the filter and the
    count), which PostgreSQL took 10 to 20 seconds a page to plan and run.

    The organisation's letters are read first and given to the count as a list: as a
    subquery, PostgreSQL's plan depended on the tables' statistics, and tables never
    analysed since a bulk load (a fresh database, a test's) made it take 15 seconds and
    more for one organisation of the demo."""
    evidence = Signature.objects.public().listed().identified()
    letters = list(
        evidence.filter(organisation=organisation).order_by().values_list("letter", flat=True)
    )
    if not letters:
        return []
    ranked = list(
        evidence.filter(letter__in=set(letters), organisation__isnull=False)
        .exclude(organisation=organisation)
        .values("organisation")
        .annotate(shared=Count("letter", distinct=True))
        .order_by("-shared", "organisation__name", "organisation")
        .values_list("organisation", "shared")[:limit]
    )
    found = Organisation.objects.in_bulk([pk for pk, _ in ranked])
    shown = []
    for pk, shared in ranked:
        record = found[pk]
        record.shared = shared  # type: ignore[attr-defined]
        shown.append(record)
    return shown
