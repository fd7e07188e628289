"""Public URL slugs: one rule (letters/lib/slugs.py) for every record that gets a new one,
which never hands out a slug that a record holds or that a merged record's old URL still
redirects from."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from letters.curation import import_rows, matching
from letters.curation.merging import merge_organisations
from letters.curation.rows import NEW
from letters.lib.slugs import BASE_MAX_LENGTH, unique_slug
from letters.models import Organisation, OrganisationRedirect, Person, PersonRedirect
from tests import factories
from tests.curation.conftest import confirm, preview


def nothing_taken(slug: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("5 Rights Org", "5-rights-org"),
        ("5-Rights Org", "5-rights-org"),
        ("  Fundación Café  ", "fundacion-cafe"),
        ("!!!", "organisation"),
        ("", "organisation"),
    ],
)
def test_a_slug_is_the_name_slugified_or_the_fallback(name, slug):
    assert unique_slug(name, nothing_taken, fallback="organisation") == slug


def test_a_taken_slug_gets_the_first_free_number():
    taken = {"same-name", "same-name-2", "same-name-4"}

    assert unique_slug("Same Name", taken.__contains__, fallback="x") == "same-name-3"


def test_a_long_name_leaves_room_for_the_number():
    name = "a" * 300
    taken = {"a" * BASE_MAX_LENGTH}

    slug = unique_slug(name, taken.__contains__, fallback="x")

    assert slug == "a" * BASE_MAX_LENGTH + "-2"
    assert len(slug) <= Organisation._meta.get_field("slug").max_length


@pytest.mark.parametrize(
    ("model", "redirect_model", "field", "factory"),
    [
        (Organisation, OrganisationRedirect, "organisation", factories.OrganisationFactory),
        (Person, PersonRedirect, "person", factories.PersonFactory),
    ],
    ids=["organisations", "people"],
)
def test_a_slug_is_taken_by_a_record_or_by_a_merged_records_old_url(
    db, model, redirect_model, field, factory
):
    kept = factory(name="Kept", slug="kept")
    redirect_model.objects.create(old_slug="merged-away", **{field: kept})

    assert model.objects.slug_is_taken("kept")
    assert model.objects.slug_is_taken("merged-away")
    assert not model.objects.slug_is_taken("free")
    assert model.objects.taken_slugs() == {"kept", "merged-away"}
    assert model.objects.unique_slug("Merged Away") == "merged-away-2"
    assert model.objects.unique_slug("Free") == "free"


def test_organisations_and_people_have_slugs_of_their_own(db):
    factories.PersonFactory(name="Ada Lovelace", slug="ada-lovelace")
    PersonRedirect.objects.create(old_slug="old-ada", person=factories.PersonFactory())

    assert Organisation.objects.unique_slug("Ada Lovelace") == "ada-lovelace"
    assert Organisation.objects.unique_slug("Old Ada") == "old-ada"


@pytest.fixture
def merged_away(db):
    """'5 Rights Org' merged into '5Rights Foundation': /organisations/5-rights-org/ now
    answers 301 to the foundation's page."""
    kept = factories.OrganisationFactory(name="5Rights Foundation", slug="5rights-foundation")
    merged = factories.OrganisationFactory(name="5 Rights Org", slug="5-rights-org")
    factories.SignatureFactory(letter=factories.LetterFactory(), organisation=kept)
    merge_organisations(kept, [merged])
    return kept


def test_a_sign_up_never_takes_a_merged_records_old_url(
    client, curator_client, settings, hosted, merged_away
):
    """The reported bug: a sign-up as '5-Rights Org' (then not the alias '5 Rights Org' the
    merge left, so a new record) took the slug 5-rights-org, and once approved the old URL
    showed the new organisation instead of redirecting. Hyphens now match the alias, so
    the new record here is '5 / Rights Org', whose slug is the same."""
    settings.SIGNUP_MIN_SECONDS = 0
    form = factories.organisation_sign_form(name="5 / Rights Org", website="")
    assert client.post(reverse("sign_letter", args=[hosted.slug]), form).status_code == 302
    confirm_path = re.search(r"/signups/confirm/[^/\s]+/", mail.outbox[0].body).group(0)
    assert client.post(confirm_path).status_code == 200
    new = Organisation.objects.get(name="5 / Rights Org")
    signature = new.signatures.get()

    approved = curator_client.post(
        reverse("admin:letters_signature_changelist"),
        {"action": "mark_confirmed", "_selected_action": [signature.pk]},
    )

    assert approved.status_code == 302
    signature.refresh_from_db()
    assert signature.status == "confirmed"
    assert new.slug == "5-rights-org-2"
    old_url = client.get("/organisations/5-rights-org/")
    assert old_url.status_code == 301
    assert old_url["Location"] == merged_away.get_absolute_url()
    assert client.get(new.get_absolute_url()).context["organisation"] == new


def test_an_import_never_takes_a_merged_records_old_url(curator, merged_away):
    letter = factories.LetterFactory(slug="imported-letter")
    source = factories.SourceFactory(url="https://example.org/list")
    signatory_import = preview(letter, source, "5-Rights Org\n")
    rows = signatory_import.rows
    assert matching.set_choice(rows[0], NEW)
    import_rows.replace(signatory_import, rows)

    confirm(signatory_import, curator)

    assert Organisation.objects.get(name="5-Rights Org").slug == "5-rights-org-2"
    assert OrganisationRedirect.objects.get(old_slug="5-rights-org").organisation == merged_away
