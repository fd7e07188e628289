"""Publishing discipline: drafts stay private (staff preview them), a letter is published
only when every listed signature has a source, staff notes never leave the admin."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.urls import reverse

from letters.curation.forms import LetterAdminForm
from letters.curation.publishing import publish, publishing_problems
from letters.models import Letter, SignatureStatus, Visibility
from tests import factories

STAFF_NOTE = "INTERNAL: check the ITV source again before quoting"


def sourced_signature(letter, **fields):
    return factories.SignatureFactory(letter=letter, **fields)


def unsourced_signature(letter, **fields):
    return factories.SignatureFactory(letter=letter, sources=[], **fields)


def test_public_get_404_for_a_draft(client, draft_letter):
    assert client.get(draft_letter.get_absolute_url()).status_code == 404


def test_staff_preview_a_draft_with_a_banner_never_cached_nor_indexed(
    curator_client, draft_letter, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    response = curator_client.get(draft_letter.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Draft — not public" in content
    assert '<meta name="robots" content="noindex">' in content
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response
    assert not any(key for key in cache._cache if "page:" in str(key))


def test_a_preview_never_reaches_the_public_through_the_cache(
    client, curator_client, draft_letter, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    curator_client.get(draft_letter.get_absolute_url())
    client.logout()

    assert client.get(draft_letter.get_absolute_url()).status_code == 404


def test_staff_see_the_public_page_of_a_published_letter_without_banner(
    curator_client, published_letter
):
    content = curator_client.get(published_letter.get_absolute_url()).content.decode()
    assert "Draft — not public" not in content


def test_unsourced_listed_signatures_are_publishing_problems(draft_letter):
    sourced_signature(draft_letter, published_name="Sourced Org")
    unsourced_signature(draft_letter, published_name="No Source Org")
    unsourced_signature(draft_letter, published_name="Pending Org", status=SignatureStatus.PENDING)

    assert publishing_problems(draft_letter) == [
        "1 signature has no source and will not be shown until one cites it: No Source Org."
    ]


def test_a_long_list_of_problems_names_ten_and_counts_the_rest(draft_letter):
    for signature in factories.create_signatures(draft_letter, 12):
        signature.sources.clear()

    (problem,) = publishing_problems(draft_letter)
    assert problem.startswith("12 signatures have no source and will not be shown until one")
    assert "cites it: Signatory 0001," in problem
    assert problem.endswith(" and 2 more.")


def test_bulk_publish_publishes_clean_drafts_and_refuses_the_others(db):
    clean = factories.LetterFactory(visibility=Visibility.DRAFT)
    sourced_signature(clean)
    unsourced = factories.LetterFactory(visibility=Visibility.DRAFT)
    unsourced_signature(unsourced, published_name="Unsourced")

    result = publish(Letter.objects.filter(pk__in=[clean.pk, unsourced.pk]))

    assert result.published == [clean]
    assert list(result.refused) == [unsourced]
    clean.refresh_from_db()
    unsourced.refresh_from_db()
    assert clean.visibility == Visibility.PUBLISHED
    assert unsourced.visibility == Visibility.DRAFT
    assert clean.history.latest().history_change_reason == "Published"


def test_admin_publish_action_names_the_unsourced_signatures(admin_client, draft_letter):
    unsourced_signature(draft_letter, published_name="Mystery Coalition")

    response = admin_client.post(
        reverse("admin:letters_letter_changelist"),
        {"action": "publish_selected", "_selected_action": [draft_letter.pk]},
        follow=True,
    )

    assert "Mystery Coalition" in response.content.decode()
    draft_letter.refresh_from_db()
    assert draft_letter.visibility == Visibility.DRAFT


def test_admin_form_refuses_to_publish_with_an_unsourced_signature(rf, admin_user, draft_letter):
    unsourced_signature(draft_letter, published_name="Mystery Coalition")
    request = rf.get("/")
    request.user = admin_user
    form_class = site._registry[Letter].get_form(request, draft_letter)
    assert issubclass(form_class, LetterAdminForm)
    data = {
        "title": draft_letter.title,
        "date": draft_letter.date,
        "visibility": Visibility.PUBLISHED,
        "side": draft_letter.side,
    }
    form = form_class(data=data, instance=draft_letter)

    assert not form.is_valid()
    assert "Mystery Coalition" in str(form.errors["visibility"])


def test_staff_notes_never_appear_on_public_pages(client, published_letter):
    published_letter.staff_notes = STAFF_NOTE
    published_letter.save()
    sourced_signature(published_letter)

    for url in (
        published_letter.get_absolute_url(),
        reverse("letter_timeline", args=[published_letter.slug]),
        reverse("letter_print", args=[published_letter.slug]),
    ):
        assert STAFF_NOTE not in client.get(url).content.decode()


def test_staff_notes_and_review_date_are_editable_in_the_admin(admin_client, published_letter):
    content = admin_client.get(
        reverse("admin:letters_letter_change", args=[published_letter.pk])
    ).content.decode()
    assert 'name="staff_notes"' in content
    assert 'name="last_reviewed_on"' in content


@pytest.mark.parametrize(
    ("reviewed", "expected"),
    [(datetime.date(2026, 3, 3), "Last reviewed"), (None, "Not yet reviewed")],
)
def test_last_reviewed_is_shown_publicly(client, published_letter, reviewed, expected):
    published_letter.last_reviewed_on = reviewed
    published_letter.save()

    content = client.get(published_letter.get_absolute_url()).content.decode()

    assert expected in content
    if reviewed:
        assert '<time datetime="2026-03-03">3 March 2026</time>' in content
