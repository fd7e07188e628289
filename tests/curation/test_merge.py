"""Merging duplicate organisations and people: one record keeps everything, old URLs 301."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from letters.curation.merging import MergeError, merge_organisations, merge_people
from letters.models import (
    Endorsement,
    Organisation,
    OrganisationAlias,
    OrganisationRedirect,
    PersonRedirect,
    Signature,
    SignatureStatus,
)
from tests import factories


@pytest.fixture
def duplicate(db):
    """'5 Rights' entered twice: the real record and a duplicate with its own letters."""
    kept = factories.OrganisationFactory(name="5Rights Foundation", slug="5rights-foundation")
    copy = factories.OrganisationFactory(name="5 Rights Org", slug="5-rights-org")
    factories.OrganisationAliasFactory(organisation=copy, name="Five Rights")
    return kept, copy


def test_merge_moves_signatures_endorsements_aliases_and_links(duplicate):
    kept, copy = duplicate
    letter = factories.LetterFactory()
    signature = factories.SignatureFactory(letter=letter, organisation=copy)
    endorsement = factories.EndorsementFactory(person=None, organisation=copy)
    organiser = factories.OrganiserFactory(organisation=copy)
    addressee = factories.AddresseeFactory(organisation=copy)

    report = merge_organisations(kept, [copy])

    assert not Organisation.objects.filter(pk=copy.pk).exists()
    signature.refresh_from_db()
    endorsement.refresh_from_db()
    organiser.refresh_from_db()
    addressee.refresh_from_db()
    assert signature.organisation == kept
    assert endorsement.organisation == kept
    assert organiser.organisation == kept
    assert addressee.organisation == kept
    assert set(kept.aliases.values_list("name", flat=True)) == {"5 Rights Org", "Five Rights"}
    assert OrganisationRedirect.objects.get(old_slug="5-rights-org").organisation == kept
    assert report.signatures_moved == 1
    # The moved signature is found by the merged names too.
    assert Signature.objects.matching("five rights").get() == signature
    letter.refresh_from_db()
    assert letter.listed_count == 1


def test_both_on_one_letter_become_one_signature_with_both_names_and_all_sources(duplicate):
    kept, copy = duplicate
    letter = factories.LetterFactory()
    first_source, second_source = factories.SourceFactory(), factories.SourceFactory()
    mine = factories.SignatureFactory(
        letter=letter,
        organisation=kept,
        published_name="5Rights Foundation",
        first_listed="2020-03-01",
        sources=[first_source],
    )
    factories.SignatureFactory(
        letter=letter,
        organisation=copy,
        published_name="5 Rights",
        status=SignatureStatus.CONFIRMED,
        first_listed="2020-02-06",
        country="GB",
        sources=[second_source],
    )
    factories.SignatureFactory(letter=letter)  # someone else, to check the counts

    report = merge_organisations(kept, [copy])

    assert report.signatures_combined == 1
    merged = Signature.objects.get(letter=letter, organisation=kept)
    assert merged.pk == mine.pk
    assert merged.published_name == "5Rights Foundation"
    assert merged.other_published_names == "5 Rights"
    assert set(merged.sources.all()) == {first_source, second_source}
    assert merged.status == SignatureStatus.CONFIRMED
    assert merged.first_listed == "2020-02-06"
    assert merged.country == "GB"
    letter.refresh_from_db()
    assert letter.listed_count == 2
    assert sorted(Signature.objects.filter(letter=letter).values_list("list_rank", flat=True)) == [
        1,
        2,
    ]


def test_a_withdrawal_survives_the_merge(duplicate):
    kept, copy = duplicate
    letter = factories.LetterFactory()
    factories.SignatureFactory(letter=letter, organisation=kept, status=SignatureStatus.CONFIRMED)
    factories.SignatureFactory(
        letter=letter,
        organisation=copy,
        status=SignatureStatus.WITHDRAWN,
        withdrawn_on="2020-05",
        withdrawal_reason="Asked to be removed.",
    )

    merge_organisations(kept, [copy])

    merged = Signature.objects.get(letter=letter)
    assert merged.status == SignatureStatus.WITHDRAWN
    assert merged.withdrawn_on == "2020-05"
    letter.refresh_from_db()
    assert letter.listed_count == 0


def test_duplicate_endorsements_from_one_source_become_one(duplicate):
    kept, copy = duplicate
    letter, source = factories.LetterFactory(), factories.SourceFactory()
    factories.EndorsementFactory(letter=letter, source=source, person=None, organisation=kept)
    factories.EndorsementFactory(letter=letter, source=source, person=None, organisation=copy)

    merge_organisations(kept, [copy])

    assert Endorsement.objects.filter(letter=letter).get().organisation == kept


def test_older_redirects_follow_the_merged_record(duplicate):
    kept, copy = duplicate
    OrganisationRedirect.objects.create(old_slug="five-rights-old", organisation=copy)

    merge_organisations(kept, [copy])

    assert OrganisationRedirect.objects.get(old_slug="five-rights-old").organisation == kept


def test_merging_people_moves_quotes_and_keeps_aliases_unique(db):
    kept = factories.PersonFactory(name="William P. Barr", slug="william-p-barr")
    factories.PersonAliasFactory(person=kept, name="William Barr")
    copy = factories.PersonFactory(name="William Barr", slug="william-barr")
    factories.PersonAliasFactory(person=copy, name="Bill Barr")
    quote = factories.QuoteFactory(person=copy)

    merge_people(kept, [copy])

    quote.refresh_from_db()
    assert quote.person == kept
    assert sorted(kept.aliases.values_list("name", flat=True)) == ["Bill Barr", "William Barr"]
    assert PersonRedirect.objects.get(old_slug="william-barr").person == kept


def test_a_failed_merge_changes_nothing(duplicate, monkeypatch):
    kept, copy = duplicate
    signature = factories.SignatureFactory(organisation=copy)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("letters.curation.merging._move_links", broken)
    with pytest.raises(RuntimeError):
        merge_organisations(kept, [copy])

    signature.refresh_from_db()
    assert signature.organisation == copy
    assert Organisation.objects.filter(pk=copy.pk).exists()
    assert not OrganisationAlias.objects.filter(name="5 Rights Org").exists()


def test_merging_a_record_into_itself_is_refused(duplicate):
    kept, _ = duplicate
    with pytest.raises(MergeError):
        merge_organisations(kept, [kept])


def test_old_url_answers_301_to_the_kept_record(client, duplicate):
    kept, copy = duplicate
    factories.SignatureFactory(organisation=kept)
    merge_organisations(kept, [copy])

    response = client.get("/organisations/5-rights-org/")

    assert response.status_code == 301
    assert response["Location"] == "/organisations/5rights-foundation/"
    assert client.get("/organisations/never-existed/").status_code == 404


def test_the_api_answers_an_old_slug_with_a_301(client, duplicate, db):
    kept, copy = duplicate
    factories.SignatureFactory(organisation=kept)
    merge_organisations(kept, [copy])
    person, merged = factories.PersonFactory(slug="kept"), factories.PersonFactory(slug="copy")
    factories.PersonSignatureFactory(person=person)
    merge_people(person, [merged])

    for old, new in [
        ("/api/v1/organisations/5-rights-org/", "/api/v1/organisations/5rights-foundation/"),
        ("/api/v1/people/copy/", "/api/v1/people/kept/"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
        assert client.get(new).status_code == 200
    assert client.get("/api/v1/organisations/never-existed/").status_code == 404


def test_a_merge_appears_in_the_kept_records_history(duplicate, django_user_model):
    kept, copy = duplicate
    user = django_user_model.objects.create_user("merger")
    moved = factories.SignatureFactory(organisation=copy)
    merge_organisations(kept, [copy], user=user)

    latest = kept.history.latest()
    assert latest.history_change_reason == "Merged into this record: 5 Rights Org"
    assert latest.history_user == user
    moved.refresh_from_db()
    assert moved.organisation == kept
    assert moved.identity_basis == "curator"
    assert moved.identity_evidence == f"Merged into 5Rights Foundation (#{kept.pk}) by merger."


def test_old_person_url_answers_301(client, db):
    kept, copy = factories.PersonFactory(slug="kept"), factories.PersonFactory(slug="copy")
    factories.PersonSignatureFactory(person=kept)
    merge_people(kept, [copy])

    response = client.get("/people/copy/")

    assert response.status_code == 301
    assert response["Location"] == "/people/kept/"


def test_signer_page_looks_up_no_redirect_when_found(client, duplicate):
    kept, copy = duplicate
    factories.SignatureFactory(organisation=kept)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(kept.get_absolute_url())
    assert response.status_code == 200
    assert not any("redirect" in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def merger(db, django_user_model):
    user = django_user_model.objects.create_user("merger", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_organisation", "change_organisation"])
    )
    return user


def test_admin_action_asks_which_record_to_keep_then_merges(client, merger, duplicate):
    kept, copy = duplicate
    signature = factories.SignatureFactory(organisation=copy)
    client.force_login(merger)
    url = reverse("admin:letters_organisation_changelist")
    selection = {"action": "merge_selected", "_selected_action": [kept.pk, copy.pk]}

    confirm = client.post(url, selection)
    assert confirm.status_code == 200
    assert b"Keep this record" in confirm.content
    assert b"csrfmiddlewaretoken" in confirm.content

    done = client.post(url, {**selection, "apply": "1", "keep": kept.pk}, follow=True)

    assert "Merged “5 Rights Org” into “5Rights Foundation”" in done.content.decode()
    signature.refresh_from_db()
    assert signature.organisation == kept
    history = signature.history.first()
    assert history.history_user == merger
    assert history.history_change_reason.startswith("Merged into 5Rights Foundation")


def test_admin_merge_without_a_choice_shows_the_form_again(client, merger, duplicate):
    kept, copy = duplicate
    client.force_login(merger)
    url = reverse("admin:letters_organisation_changelist")
    selection = {"action": "merge_selected", "_selected_action": [kept.pk, copy.pk]}

    response = client.post(url, {**selection, "apply": "1", "keep": "999999"})

    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert Organisation.objects.count() == 2


def test_admin_merge_needs_the_change_permission(client, django_user_model, duplicate):
    kept, copy = duplicate
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisation"]))
    client.force_login(user)
    url = reverse("admin:letters_organisation_changelist")

    client.post(
        url,
        {
            "action": "merge_selected",
            "_selected_action": [kept.pk, copy.pk],
            "apply": "1",
            "keep": kept.pk,
        },
    )

    assert Organisation.objects.count() == 2


def test_curators_can_merge_though_they_cannot_delete(curator_client, duplicate):
    # A merge erases nothing: the old name stays as an alias, its URL redirects and the
    # history keeps the record, so it is an edit that the Curators group may make.
    kept, copy = duplicate
    url = reverse("admin:letters_organisation_changelist")
    selection = {"action": "merge_selected", "_selected_action": [kept.pk, copy.pk]}

    curator_client.post(url, {**selection, "apply": "1", "keep": kept.pk})

    assert list(Organisation.objects.all()) == [kept]
    assert kept.aliases.filter(name=copy.name).exists()
