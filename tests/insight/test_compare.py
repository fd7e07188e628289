"""Comparing two letters: who signed both and who signed only one, through canonical records."""

import pytest
from django.template.loader import render_to_string

from letters.insight.compare import compare_letters
from letters.models import Letter, SignatureStatus
from tests import factories
from tests.helpers import rendering_context

CIVIL_SOCIETY = "2019-10-04_civil-society-letter-facebook-e2ee"
CDT_TO_APPLE = "2021-08-19_cdt-coalition-letter-to-tim-cook"
SIGNED_BOTH = [
    "Access Now",
    "Association for Progressive Communications (APC)",
    "Digital Rights Watch",
    "Global Partners Digital",
    "PEN America",
]


def names(matches) -> list[str]:
    return [match.signer.name for match in matches]


def test_five_organisations_on_both_demo_letters_by_name_only_are_not_counted_as_both(
    client, demo_data
):
    """The demo data names them alike on both letters, and nothing more: no website, no
    curated canonical name. So they are not claimed as one signer of both."""
    response = client.get(f"/compare/?a={CIVIL_SOCIETY}&b={CDT_TO_APPLE}")

    assert response.status_code == 200
    comparison = response.context["comparison"]
    both = names(comparison.organisations["both"])
    assert not set(SIGNED_BOTH) & set(both)
    assert set(SIGNED_BOTH) <= set(names(comparison.organisations["only_a"]))
    assert set(SIGNED_BOTH) <= set(names(comparison.organisations["only_b"]))
    assert comparison.by_name_only["organisations"] >= len(SIGNED_BOTH)
    html = response.content.decode()
    assert "but nothing establishes that the two listings are the same signer" in html


def test_a_name_alone_is_not_signing_both(db):
    """Two GitHub-signed lists made "Alexander" one person on both letters."""
    a, b = factories.LetterFactory(), factories.LetterFactory()
    alexander = factories.PersonFactory(name="Alexander")
    factories.PersonSignatureFactory(letter=a, person=alexander, identity_basis="new")
    factories.PersonSignatureFactory(letter=b, person=alexander, identity_basis="name")

    comparison = compare_letters(a, b)

    assert comparison.people["both"] == []
    assert names(comparison.people["only_a"]) == names(comparison.people["only_b"]) == ["Alexander"]
    assert comparison.by_name_only == {"organisations": 0, "people": 1}


@pytest.mark.parametrize(
    "basis", ["url", "email_domain", "affiliation", "alias", "record_url", "curator"]
)
def test_evidence_or_a_curator_makes_one_signer_of_both(db, basis):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    person = factories.PersonFactory(name="Alexander Volkov")
    factories.PersonSignatureFactory(letter=a, person=person, identity_basis="new")
    factories.PersonSignatureFactory(letter=b, person=person, identity_basis=basis)

    assert names(compare_letters(a, b).people["both"]) == ["Alexander Volkov"]


def test_co_signers_count_only_established_identities(db):
    from letters.insight.cosigners import co_signers

    first, second, third = (factories.LetterFactory() for _ in range(3))
    hub = factories.OrganisationFactory(name="Hub")
    friend = factories.OrganisationFactory(name="Friend")
    namesake = factories.OrganisationFactory(name="Namesake")
    for letter in (first, second, third):
        factories.SignatureFactory(letter=letter, organisation=hub)
        factories.SignatureFactory(letter=letter, organisation=friend)
    factories.SignatureFactory(letter=first, organisation=namesake, identity_basis="new")
    factories.SignatureFactory(letter=second, organisation=namesake, identity_basis="name")
    factories.SignatureFactory(letter=third, organisation=namesake, identity_basis="name")

    shared = {org.name: org.shared for org in co_signers(hub)}

    assert shared == {"Friend": 3, "Namesake": 1}


def test_an_organisation_published_under_two_names_is_matched_once(db, five_rights):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    factories.SignatureFactory(letter=a, organisation=five_rights, published_name="5 Rights")
    factories.SignatureFactory(letter=b, organisation=five_rights)
    only_a = factories.SignatureFactory(letter=a).organisation

    comparison = compare_letters(a, b)

    assert names(comparison.organisations["both"]) == ["5Rights Foundation"]
    assert names(comparison.organisations["only_a"]) == [only_a.name]
    assert comparison.organisations["only_b"] == []


def test_people_are_compared_too(db, sofia):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    factories.PersonSignatureFactory(letter=a, person=sofia)
    factories.PersonSignatureFactory(letter=b, person=sofia)

    assert names(compare_letters(a, b).people["both"]) == ["Sofía Núñez"]


@pytest.mark.parametrize(
    ("status", "counted"),
    [
        (SignatureStatus.CONFIRMED, True),
        (SignatureStatus.DISPUTED, True),
        (SignatureStatus.WITHDRAWN, False),
        (SignatureStatus.PENDING, False),
        (SignatureStatus.REJECTED, False),
    ],
)
def test_which_statuses_count_as_signed(db, status, counted):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    organisation = factories.OrganisationFactory()
    factories.SignatureFactory(letter=a, organisation=organisation)
    factories.SignatureFactory(letter=b, organisation=organisation, status=status)

    both = compare_letters(a, b).organisations["both"]

    assert names(both) == ([organisation.name] if counted else [])


def test_a_disputed_signature_is_shown_as_disputed(client, db):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    organisation = factories.OrganisationFactory(name="Contested Org")
    factories.SignatureFactory(letter=a, organisation=organisation)
    factories.SignatureFactory(letter=b, organisation=organisation, status="disputed")

    html = client.get(f"/compare/?a={a.slug}&b={b.slug}").content.decode()

    assert "disputed on the second letter" in html


def test_the_form_lists_published_letters_only(client, published_letter, draft_letter):
    html = client.get("/compare/").content.decode()

    assert f'value="{published_letter.slug}"' in html
    assert draft_letter.slug not in html


@pytest.mark.parametrize(
    "query",
    [
        "?a=no-such-letter&b=letter-to-a-platform",
        "?a=unpublished-letter&b=letter-to-a-platform",
        "?a=letter-to-a-platform&b=letter-to-a-platform",
        "?a=letter-to-a-platform",
        "?a=%00&b=",
    ],
)
def test_bad_choices_get_a_clear_error_not_a_comparison(
    client, published_letter, draft_letter, query
):
    response = client.get("/compare/" + query)

    assert response.status_code == 400
    assert response.context["comparison"] is None
    assert 'class="field-errors"' in response.content.decode() or "different letters" in (
        response.content.decode()
    )


def test_names_are_escaped(client, db):
    a, b = factories.LetterFactory(title="<b>A</b>"), factories.LetterFactory()
    organisation = factories.OrganisationFactory(name="<script>x</script>", slug="script-x")
    factories.SignatureFactory(letter=a, organisation=organisation)

    html = client.get(f"/compare/?a={a.slug}&b={b.slug}").content.decode()

    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<b>A</b>" not in html


def test_comparison_queries_do_not_grow_with_signatures(client, db, django_assert_num_queries):
    a, b = factories.LetterFactory(), factories.LetterFactory()
    factories.create_signatures(a, 4)
    shared = factories.OrganisationFactory()
    sofia = factories.PersonFactory()
    for letter in (a, b):
        factories.SignatureFactory(letter=letter, organisation=shared)
        factories.PersonSignatureFactory(letter=letter, person=sofia)
    url = f"/compare/?a={a.slug}&b={b.slug}"
    client.get(url)  # warm the content version in the cache
    # The two letters and the form's two lists of letters, then for organisations and for
    # people: three groups each counted and listed, the second letter's signatures of
    # those who signed both, and the count of those on both by name only.
    with django_assert_num_queries(4 + 2 * 8):
        client.get(url)
    factories.create_signatures(a, 60)
    factories.create_signatures(b, 60)
    with django_assert_num_queries(4 + 2 * 8):
        response = client.get(url)
    assert shared.name in names(response.context["comparison"].organisations["both"])
    assert Letter.objects.count() == 2


def test_an_organisation_page_lists_its_most_frequent_co_signers(client, db):
    organisation = factories.OrganisationFactory(name="Hub")
    often, once, withdrawn = (
        factories.OrganisationFactory(name=n) for n in ["Often", "Once", "Gone"]
    )
    letters = factories.LetterFactory.create_batch(3)
    for letter in letters:
        factories.SignatureFactory(letter=letter, organisation=organisation)
        factories.SignatureFactory(letter=letter, organisation=often)
    factories.SignatureFactory(letter=letters[0], organisation=once)
    factories.SignatureFactory(
        letter=letters[1], organisation=withdrawn, status="withdrawn", withdrawn_on="2021"
    )
    draft = factories.LetterFactory(visibility="draft")
    factories.SignatureFactory(letter=draft, organisation=organisation)
    factories.SignatureFactory(
        letter=draft, organisation=factories.OrganisationFactory(name="Hidden")
    )

    html = client.get(organisation.get_absolute_url()).content.decode()
    section = html[html.index("Most frequent co-signers") :]

    assert "Often</a> — 3 letters in common" in section
    assert "Once</a> — 1 letter in common" in section
    assert "Gone" not in section and "Hidden" not in section and ">Hub<" not in section


def test_co_signers_come_from_the_view_and_the_page_renders_them_without_a_query(
    client, db, django_assert_num_queries
):
    organisation = factories.OrganisationFactory(name="Hub")
    often = factories.OrganisationFactory(name="Often")
    for letter in factories.LetterFactory.create_batch(2):
        factories.SignatureFactory(letter=letter, organisation=organisation)
        factories.SignatureFactory(letter=letter, organisation=often)

    response = client.get(organisation.get_absolute_url())

    assert [(o, o.shared) for o in response.context["co_signers"]] == [(often, 2)]
    template = "letters/public/organisation_detail.html"
    context = rendering_context(response, template)
    with django_assert_num_queries(0):
        html = render_to_string(template, context)
    assert "Often</a> — 2 letters in common" in html


def test_a_long_comparison_lists_the_first_signers_and_counts_them_all(client, db, monkeypatch):
    monkeypatch.setattr("letters.insight.compare.COMPARED_SHOWN", 3)
    a, b = factories.LetterFactory(), factories.LetterFactory()
    shared = [factories.OrganisationFactory(name=f"Shared {n}") for n in range(5)]
    for organisation in shared:
        factories.SignatureFactory(letter=a, organisation=organisation)
        factories.SignatureFactory(letter=b, organisation=organisation)
    factories.create_signatures(a, 4)

    comparison = compare_letters(a, b)

    both = comparison.organisations["both"]
    assert names(both) == ["Shared 0", "Shared 1", "Shared 2"]
    assert both.total == 5 and both.truncated
    assert [match.on_b.letter_id for match in both] == [b.pk] * 3
    assert comparison.organisations["only_a"].total == 2  # and two people
    assert comparison.people["only_a"].total == 2
    assert comparison.organisations["only_b"].total == 0
    response = client.get(f"/compare/?a={a.slug}&b={b.slug}")
    assert "Signed both: 5" in response.content.decode()
    assert "The first 3 by name" in response.content.decode()
