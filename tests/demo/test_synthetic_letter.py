"""`manage.py make_synthetic_letter`: a large letter of generated signatories, clearly marked,
quick to make and to remake, that never touches real data."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from letters import signature_list
from letters.lib.text import normalise
from letters.models import Letter, Organisation, Person, Signature
from tests import factories

COUNT = 300
SLUG = f"synthetic-{COUNT}"


def make(**options) -> Letter:
    call_command("make_synthetic_letter", signatories=COUNT, verbosity=0, **options)
    return Letter.objects.get(slug=options.get("slug", SLUG))


@pytest.fixture
def real_signature(db) -> Signature:
    """A real letter signed by a real organisation, which no synthetic run may touch."""
    return factories.SignatureFactory(
        letter=factories.LetterFactory(title="A real letter", slug="a-real-letter"),
        organisation=factories.OrganisationFactory(name="A Real Charity", slug="a-real-charity"),
    )


def test_the_letter_is_published_and_marked_synthetic_everywhere(db):
    letter = make()

    assert letter.visibility == "published"
    assert letter.slug.startswith("synthetic-")
    assert letter.title.startswith("[Synthetic data]")
    assert "not a real letter" in letter.summary
    assert "Synthetic" in letter.signatories_note
    signatures = Signature.objects.filter(letter=letter)
    by_organisations = signatures.filter(person=None)
    by_people = signatures.filter(organisation=None)
    assert not by_organisations.exclude(organisation__slug__startswith=f"{SLUG}-org-")
    assert not by_people.exclude(person__slug__startswith=f"{SLUG}-person-")


def test_it_has_exactly_the_requested_signatories_in_order_and_counted(db):
    letter = make()

    signatures = Signature.objects.filter(letter=letter)
    assert signatures.count() == COUNT
    assert letter.listed_count == COUNT
    assert sorted(signatures.values_list("position", flat=True)) == list(range(1, COUNT + 1))
    assert set(signatures.values_list("status", flat=True)) == {"reported"}


def test_signatories_are_a_realistic_mix(db):
    letter = make()

    signatures = Signature.objects.filter(letter=letter)
    organisations = signatures.exclude(organisation=None).count()
    assert 0.25 * COUNT < organisations < 0.55 * COUNT
    assert signatures.exclude(role="").filter(person__isnull=False).exists()
    assert signatures.values("country").distinct().count() > 20
    dates = set(signatures.values_list("first_listed", flat=True))
    assert None in dates
    assert any(date and len(date) == 7 for date in dates)  # known only to the month
    assert any(date and len(date) == 10 for date in dates)
    names = signatures.values_list("published_name", flat=True)
    assert any(normalise(name) != name.casefold() for name in names)  # accents to fold


def test_search_text_is_what_the_app_would_compute(db):
    letter = make()

    signatures = Signature.objects.filter(letter=letter).select_related("organisation", "person")
    sample = [*signatures.exclude(organisation=None)[:5], *signatures.exclude(person=None)[:5]]
    for signature in sample:
        assert signature.search_text == signature_list.signature_search_text(signature)
        assert signature.signer.search_text == normalise(signature.signer.name)
    accented = next(s for s in signatures if s.search_text != s.published_name.casefold())
    assert signatures.matching(accented.published_name.upper()).filter(pk=accented.pk).exists()


def test_the_same_seed_gives_the_same_signatories(db):
    first = make(slug="synthetic-a", seed=7)
    second = make(slug="synthetic-b", seed=7)

    def names(letter):
        return list(letter.signatures.order_by("position").values_list("published_name", "country"))

    assert names(first) == names(second)


def test_replace_recreates_the_letter_without_duplicates_or_touching_real_data(db, real_signature):
    make()
    organisations, people = Organisation.objects.count(), Person.objects.count()

    with pytest.raises(CommandError, match="--replace"):
        make()
    letter = make(replace=True)

    assert Signature.objects.filter(letter=letter).count() == COUNT
    assert letter.listed_count == COUNT
    assert Letter.objects.filter(slug__startswith="synthetic-").count() == 1
    assert (Organisation.objects.count(), Person.objects.count()) == (organisations, people)
    real_signature.refresh_from_db()
    assert real_signature.letter.listed_count == 1
    assert real_signature.organisation.name == "A Real Charity"


def test_replace_refuses_a_letter_that_is_not_marked_synthetic(db):
    factories.LetterFactory(title="A real letter with an odd slug", slug=SLUG)

    with pytest.raises(CommandError, match="not marked synthetic"):
        make(replace=True)

    assert Letter.objects.get(slug=SLUG).title == "A real letter with an odd slug"


def test_a_slug_that_does_not_read_as_synthetic_is_refused(db):
    with pytest.raises(CommandError, match="must start with 'synthetic-'"):
        make(slug="a-big-letter")

    assert not Letter.objects.exists()
