"""The data migration that stores every normalised name again under today's rule
(letters/migrations/0011): rows written under the old rule (which kept apostrophes, dots
and hyphens) are found by the new one, the search index follows, and a change that would
make two organisations share an alias stops the migration and changes nothing."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction

from letters import signature_list
from letters.models import Letter, OrganisationAlias, Signature, SignupRequest
from tests import factories
from tests.core.test_search_index import assert_index_sound
from tests.core.test_search_text import assert_every_search_text_follows_the_rule

migration = importlib.import_module("letters.migrations.0020_recompute_normalised_names")


def recompute() -> None:
    with transaction.atomic():
        migration.recompute_normalised_names(apps, connection.schema_editor())


@pytest.fixture
def barnardos(published_letter):
    """Barnardo's with an alias, signed under a typographic apostrophe, as the old rule
    stored it: "barnardo’s" folded to "barnardo's", never to "barnardos"."""
    organisation = factories.OrganisationFactory(name="Barnardo's", slug="barnardos")
    alias = factories.OrganisationAliasFactory(organisation=organisation, name="Barnardo's UK")
    signature = factories.SignatureFactory(
        letter=published_letter, organisation=organisation, published_name="Barnardo’s"
    )
    factories.AddresseeFactory(letter=published_letter, name="Meta Platforms, Inc.")
    factories.SignupRequestFactory(letter=published_letter, name="Save-the-Children")
    OrganisationAlias.objects.filter(pk=alias.pk).update(normalised_name="barnardo's uk")
    type(organisation).objects.filter(pk=organisation.pk).update(
        search_text="barnardo's | barnardo's uk"
    )
    Signature.objects.filter(pk=signature.pk).update(
        search_text="barnardo's | barnardo's | barnardo's uk"
    )
    Letter.objects.filter(pk=published_letter.pk).update(search_text="letter to a platform")
    SignupRequest.objects.update(name_key="save-the-children")
    return organisation


def test_rows_stored_under_the_old_rule_are_found_after_the_migration(barnardos, published_letter):
    assert not Signature.objects.matching("Barnardos").exists()

    recompute()

    assert_every_search_text_follows_the_rule()
    assert list(Signature.objects.matching("Barnardos")) == list(barnardos.signatures.all())
    assert list(type(barnardos).objects.matching("barnardos uk")) == [barnardos]
    assert OrganisationAlias.objects.get().normalised_name == "barnardos uk"
    assert SignupRequest.objects.get().name_key == "save the children"
    letter = Letter.objects.get(pk=published_letter.pk)
    assert letter.search_text == signature_list.search_text(
        signature_list.letter_search_names(letter)
    )
    assert list(Letter.objects.matching("Meta Platforms Inc")) == [letter]
    assert_index_sound()


def test_running_it_again_writes_nothing(barnardos, django_assert_max_num_queries):
    recompute()
    # Reads only: aliases, sign-ups, signers, signatures, letters and their parties.
    with django_assert_max_num_queries(20):
        recompute()


def test_two_aliases_of_one_organisation_that_become_one_name_are_kept_once(barnardos):
    other = factories.OrganisationAliasFactory(organisation=barnardos, name="Temporary")
    OrganisationAlias.objects.filter(pk=other.pk).update(
        name="Barnardo’s U.K.", normalised_name="barnardo's u.k."
    )

    recompute()

    assert list(barnardos.aliases.values_list("name", flat=True)) == ["Barnardo's UK"]
    assert_every_search_text_follows_the_rule()


def test_aliases_of_two_organisations_that_become_one_name_stop_the_migration(barnardos):
    other = factories.OrganisationAliasFactory(name="Temporary")
    OrganisationAlias.objects.filter(pk=other.pk).update(
        name="Barnardos UK", normalised_name="barnardos uk"
    )
    before = list(Signature.objects.values_list("search_text", flat=True))

    with pytest.raises(RuntimeError, match="Barnardo's UK.*Barnardos UK.*Rename or merge"):
        recompute()

    assert list(Signature.objects.values_list("search_text", flat=True)) == before
    assert OrganisationAlias.objects.count() == 2
