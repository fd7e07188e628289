"""A signature's search text is one rule, `signature_list.signature_search_text`: its
published name, its signer's name, then the signer's aliases, each normalised, once.
Every path that writes signatures stores exactly that, whether it goes through save() or
around it (QuerySet.update(), bulk_create(), imports, merges, fixtures, synthetic letters).
Signers keep their own names and aliases the same way."""

import json

import pytest
from django.core.management import call_command

from letters import signature_list
from letters.curation.merging import merge_organisations
from letters.models import Organisation, Person, Signature
from tests import factories
from tests.curation.conftest import confirm, preview
from tests.helpers import DEMO_FIXTURE


def assert_every_search_text_follows_the_rule() -> None:
    """Every signature and signer in the database stores what the rule computes now."""
    for signature in Signature.objects.select_related("organisation", "person"):
        rule = signature_list.signature_search_text(signature)
        assert signature.search_text == rule, signature.published_name
    for model in (Organisation, Person):
        for signer in model.objects.all():
            rule = signature_list.search_text(signature_list.signer_names(signer))
            assert signer.search_text == rule, signer.name


@pytest.fixture
def marsupials(db) -> Organisation:
    organisation = factories.OrganisationFactory(name="Marsupial Alliance", slug="marsupials")
    factories.OrganisationAliasFactory(organisation=organisation, name="Koala Café")
    factories.OrganisationAliasFactory(organisation=organisation, name="Quokka  Club")
    return organisation


def test_a_saved_signature_holds_its_published_canonical_and_alias_names(
    published_letter, marsupials
):
    signature = factories.SignatureFactory(
        letter=published_letter, organisation=marsupials, published_name="WOMBAT Watch"
    )

    signature.refresh_from_db()
    assert signature.search_text == "wombat watch | marsupial alliance | koala cafe | quokka club"
    assert_every_search_text_follows_the_rule()


def test_a_published_name_equal_to_the_canonical_one_is_kept_once(published_letter, marsupials):
    factories.SignatureFactory(
        letter=published_letter, organisation=marsupials, published_name="Marsupial ALLIANCE"
    )

    assert Signature.objects.get().search_text == "marsupial alliance | koala cafe | quokka club"
    assert_every_search_text_follows_the_rule()


def test_a_bulk_rename_stores_the_new_search_text(published_letter, marsupials):
    factories.SignatureFactory(letter=published_letter, organisation=marsupials)

    Signature.objects.update(published_name="Numbat Network")

    assert Signature.objects.get().search_text.startswith("numbat network | ")
    assert_every_search_text_follows_the_rule()


def test_a_bulk_change_of_signer_stores_the_new_signers_names(published_letter, marsupials, sofia):
    factories.PersonAliasFactory(person=sofia, name="Sofía Núñez García")
    signature = factories.SignatureFactory(letter=published_letter, organisation=marsupials)

    Signature.objects.filter(pk=signature.pk).update(organisation=None, person=sofia)

    assert "sofia nunez garcia" in Signature.objects.get().search_text
    assert_every_search_text_follows_the_rule()


def test_bulk_created_signatures_store_their_signers_names(published_letter, marsupials, sofia):
    Signature.objects.bulk_create(
        [
            Signature(letter=published_letter, organisation=marsupials, published_name="Wombats"),
            Signature(letter=published_letter, person=sofia, published_name="Dr S. Núñez"),
        ]
    )

    assert_every_search_text_follows_the_rule()


@pytest.mark.parametrize("change", ["add an alias", "remove an alias", "rename the signer"])
def test_a_signers_new_names_reach_its_signatures(published_letter, marsupials, change):
    factories.SignatureFactory(letter=published_letter, organisation=marsupials)

    if change == "add an alias":
        factories.OrganisationAliasFactory(organisation=marsupials, name="Bilby Burrow")
    elif change == "remove an alias":
        marsupials.aliases.get(name="Koala Café").delete()
    else:
        marsupials.name = "Possum Partnership"
        marsupials.save()

    assert_every_search_text_follows_the_rule()


def test_imported_signatures_store_the_same_search_text_as_a_save(
    published_letter, marsupials, curator
):
    source = factories.SourceFactory(url="https://example.org/list")
    signatory_import = preview(published_letter, source, "Koala Cafe\nBrand New Charity\n")

    report = confirm(signatory_import, curator)

    assert report["outcomes"] == {"signed": 1, "created": 1}
    assert_every_search_text_follows_the_rule()


def test_merged_signatures_are_found_by_the_merged_records_names(published_letter, marsupials):
    duplicate = factories.OrganisationFactory(name="Marsupials United", slug="united")
    factories.OrganisationAliasFactory(organisation=duplicate, name="MU")
    factories.SignatureFactory(letter=published_letter, organisation=duplicate)
    factories.SignatureFactory(letter=factories.LetterFactory(), organisation=marsupials)

    merge_organisations(marsupials, [duplicate])

    moved = Signature.objects.get(letter=published_letter)
    assert "marsupials united" in moved.search_text and "mu" in moved.search_text.split(" | ")
    assert_every_search_text_follows_the_rule()


def test_the_demo_fixtures_carry_and_load_the_rules_search_text(demo_data):
    fixture = json.loads(DEMO_FIXTURE.read_text())
    in_fixture = {
        (row["letter"][0], (row["organisation"] or [""])[0], (row["person"] or [""])[0]): row[
            "search_text"
        ]
        for row in (obj["fields"] for obj in fixture if obj["model"] == "letters.signature")
    }
    loaded = Signature.objects.select_related("letter", "organisation", "person")

    assert len(in_fixture) == loaded.count()
    for signature in loaded:
        key = (
            signature.letter.slug,
            signature.organisation.slug if signature.organisation else "",
            signature.person.slug if signature.person else "",
        )
        assert in_fixture[key] == signature_list.signature_search_text(signature), key
    assert_every_search_text_follows_the_rule()


def test_a_synthetic_letter_stores_the_same_search_text_as_a_save(db):
    call_command("make_synthetic_letter", signatories=60, verbosity=0)

    assert Signature.objects.count() == 60
    assert_every_search_text_follows_the_rule()
