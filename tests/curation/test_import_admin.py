"""The admin's import: upload → paginated preview with choices → confirm → report."""

import csv
import io

import pytest
from django.urls import reverse

from letters.curation.import_admin import ROWS_PER_PAGE
from letters.models import ImportStatus, Organisation, SignatoryImport, Source
from tests import factories


def upload_url(letter):
    return reverse("admin:letters_letter_import", args=[letter.pk])


def preview_url(signatory_import):
    return reverse(
        "admin:letters_letter_import_preview",
        args=[signatory_import.letter_id, signatory_import.pk],
    )


def csv_file(names, name="list.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Country"])
    for signatory in names:
        writer.writerow([signatory, "Chile"])
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = name
    return upload


def test_letter_page_links_to_the_import(curator_client, letter):
    response = curator_client.get(reverse("admin:letters_letter_change", args=[letter.pk]))
    assert f'href="{upload_url(letter)}"' in response.content.decode()


def test_pasted_list_previews_then_imports(curator_client, curator, letter, five_rights):
    response = curator_client.post(
        upload_url(letter),
        {
            "source_url": "https://example.org/published-list",
            "text": "5 Rights\nNew Coalition, Chile\n<script>alert(1)</script>Bad & Co\n",
            "default_kind": "organisation",
            "first_listed": "2020-02-06",
            "encoding": "auto",
        },
    )
    signatory_import = SignatoryImport.objects.get()
    assert response.status_code == 302 and response.url == preview_url(signatory_import)
    assert signatory_import.created_by == curator
    assert signatory_import.source.url == "https://example.org/published-list"
    page = curator_client.get(response.url).content.decode()
    assert "Matches by alias" in page and "5Rights Foundation" in page
    assert "<script>" not in page
    response = curator_client.post(response.url, {"action": "confirm", "page": "1"})
    assert response.status_code == 302
    signatory_import.refresh_from_db()
    assert signatory_import.status == ImportStatus.CONFIRMED
    assert set(letter.signatures.values_list("published_name", flat=True)) == {
        "5 Rights",
        "New Coalition",
        "alert(1)Bad & Co",
    }
    report = curator_client.get(response.url).content.decode()
    assert "Signed by a new record" in report and "Signed by an existing record" in report
    assert "alert(1)Bad &amp; Co" in report


def test_choices_are_kept_across_pages_and_applied(curator_client, letter):
    source = factories.SourceFactory(url="https://example.org/long-list")
    names = [f"Group {number:04d}" for number in range(ROWS_PER_PAGE + 5)]
    response = curator_client.post(
        upload_url(letter),
        {
            "source": source.pk,
            "file": csv_file(names),
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    url = response.url
    first_page = curator_client.get(url).content.decode()
    assert first_page.count('class="import-choice"') == ROWS_PER_PAGE
    # Skip the first row, then go to page 2 and skip its last row, then confirm.
    response = curator_client.post(url, {"rows": ["0"], "row-0": "skip", "page": "1", "goto": "2"})
    assert response.url == f"{url}?page=2"
    second_page = curator_client.get(response.url).content.decode()
    assert second_page.count('class="import-choice"') == 5
    last = ROWS_PER_PAGE + 4
    curator_client.post(
        url, {"rows": [str(last)], f"row-{last}": "skip", "page": "2", "action": "confirm"}
    )
    imported = set(letter.signatures.values_list("published_name", flat=True))
    assert len(imported) == len(names) - 2
    assert names[0] not in imported and names[-1] not in imported
    assert not Organisation.objects.filter(name__in=[names[0], names[-1]]).exists()


def test_discarding_writes_nothing(curator_client, letter):
    curator_client.post(
        upload_url(letter),
        {
            "source_url": "https://example.org/x",
            "text": "Some Trust",
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    signatory_import = SignatoryImport.objects.get()
    response = curator_client.post(preview_url(signatory_import), {"action": "discard"})
    assert response.status_code == 302
    signatory_import.refresh_from_db()
    assert signatory_import.status == ImportStatus.DISCARDED
    assert not letter.signatures.exists()
    # A discarded import cannot be confirmed afterwards.
    curator_client.post(preview_url(signatory_import), {"action": "confirm"})
    assert not letter.signatures.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"text": "A"}, "Choose an existing source or give a new source URL"),
        ({"source_url": "https://e.org/"}, "Upload a file or paste a list"),
        ({"source_url": "https://e.org/", "text": "A", "first_listed": "Feb 2020"}, "not a date"),
        ({"source_url": "https://e.org/", "text": " \n \n"}, "Upload a file or paste a list"),
    ],
)
def test_bad_uploads_get_form_errors(curator_client, letter, data, error):
    response = curator_client.post(
        upload_url(letter), {"default_kind": "organisation", "encoding": "auto", **data}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not SignatoryImport.objects.exists() and not Source.objects.exists()


def test_an_unreadable_file_is_refused_with_the_reason(curator_client, letter):
    upload = io.BytesIO(b"title,country\nA,B\n")
    upload.name = "list.csv"
    response = curator_client.post(
        upload_url(letter),
        {
            "source_url": "https://e.org/",
            "file": upload,
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    # The file is read by a job: its page says why nothing was imported.
    assert response.status_code == 302
    page = curator_client.get(response.url).content.decode()
    assert "The file could not be read, so nothing was imported" in page
    assert "one called &#x27;name&#x27;" in page
    assert SignatoryImport.objects.get().status == ImportStatus.FAILED
    assert not letter.signatures.exists()


def test_import_needs_permission_to_add_signatures(client, django_user_model, letter):
    user = django_user_model.objects.create_user(
        "viewer", password="pw-long-enough-1", is_staff=True
    )
    client.force_login(user)
    assert client.get(upload_url(letter)).status_code == 403


def test_import_of_another_letter_is_not_found(curator_client, letter):
    other = factories.LetterFactory()
    signatory_import = SignatoryImport.objects.create(
        letter=other, source=factories.SourceFactory()
    )
    url = reverse("admin:letters_letter_import_preview", args=[letter.pk, signatory_import.pk])
    assert curator_client.get(url).status_code == 404


def test_confirm_needs_a_csrf_token(client, curator, letter):
    client.handler.enforce_csrf_checks = True
    client.force_login(curator)
    signatory_import = SignatoryImport.objects.create(
        letter=letter, source=factories.SourceFactory()
    )
    assert client.post(preview_url(signatory_import), {"action": "confirm"}).status_code == 403


def test_past_imports_are_listed_read_only(curator_client, letter):
    signatory_import = SignatoryImport.objects.create(
        letter=letter,
        source=factories.SourceFactory(),
        file_name="<b>list</b>.csv",
        report={"outcomes": {"created": 3}},
    )
    listing = curator_client.get(reverse("admin:letters_signatoryimport_changelist"))
    assert listing.status_code == 200
    assert "created 3" in listing.content.decode()
    assert "<b>list</b>" not in listing.content.decode()
    detail = curator_client.get(
        reverse("admin:letters_signatoryimport_change", args=[signatory_import.pk])
    )
    assert detail.status_code == 200 and preview_url(signatory_import) in detail.content.decode()
    assert curator_client.get(reverse("admin:letters_signatoryimport_add")).status_code == 403


def test_ten_thousand_rows_through_the_admin_then_nothing_new(curator_client, letter):
    names = [f"Signatory Organisation {number:05d}" for number in range(10_000)]
    form = {"source_url": "https://e.org/big", "default_kind": "organisation", "encoding": "auto"}
    for attempt in ("first", "second"):
        response = curator_client.post(upload_url(letter), {**form, "file": csv_file(names)})
        preview = curator_client.get(response.url)
        assert preview.status_code == 200
        response = curator_client.post(response.url, {"action": "confirm", "page": "1"})
        report = curator_client.get(response.url + "?page=50").content.decode()
        if attempt == "first":
            assert "Rows 9801–10000 of 10000" in report
            assert report.count("Signed by a new record") == ROWS_PER_PAGE + 1  # + the counts
            organisations = Organisation.objects.count()
    assert "already signs this letter" in report or "already signed this letter" in report
    assert Organisation.objects.count() == organisations
    assert letter.signatures.count() == 10_000


def upload(client, letter, text, **fields):
    response = client.post(
        upload_url(letter),
        {
            "source_url": "https://example.org/list",
            "text": text,
            "default_kind": "organisation",
            "encoding": "auto",
            **fields,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def test_the_preview_filters_rows_by_status(curator_client, letter, five_rights):
    factories.OrganisationFactory(name="Electronic Frontier Foundation")
    url = upload(
        curator_client, letter, "5 Rights\nElectronic Frontier Foundaton\nNew Group\nn/a\n"
    )
    page = curator_client.get(url).content.decode()
    assert '<a href="?status=close">Close match, to check (1)</a>' in page
    assert page.count('class="import-choice"') == 4
    close = curator_client.get(url, {"status": "close"}).content.decode()
    assert close.count('class="import-choice"') == 1
    assert "Electronic Frontier Foundaton" in close and "New Group" not in close
    assert '<strong aria-current="page">Close match, to check (1)</strong>' in close
    # An unknown status shows every row rather than failing.
    assert curator_client.get(url, {"status": "<x>"}).status_code == 200


def test_a_choice_for_every_row_of_a_status(curator_client, letter):
    for number in range(3):
        factories.OrganisationFactory(name=f"Held Group {number}")
    url = upload(curator_client, letter, "\n".join(f"Held Group {n}" for n in range(3)))
    signatory_import = SignatoryImport.objects.get()
    assert {row["status"] for row in signatory_import.rows} == {"same_name"}
    page = curator_client.get(url).content.decode()
    assert "3 rows wait for your choice" in page
    # Confirming first is refused, and shows the rows that wait.
    response = curator_client.post(url, {"action": "confirm"})
    assert response.url == f"{url}?status=same_name"
    assert not letter.signatures.exists()
    response = curator_client.post(
        url, {"action": "bulk", "bulk_status": "same_name", "bulk_choice": "first"}
    )
    assert response.status_code == 302
    signatory_import.refresh_from_db()
    assert {row["chosen_by_curator"] for row in signatory_import.rows} == {True}
    curator_client.post(url, {"action": "confirm"})
    assert letter.signatures.count() == 3
    assert set(letter.signatures.values_list("identity_basis", flat=True)) == {"curator"}
    assert Organisation.objects.count() == 3


def test_a_bulk_choice_not_offered_for_a_status_changes_nothing(curator_client, letter):
    url = upload(curator_client, letter, "Group A\nGroup A\n")
    curator_client.post(url, {"action": "bulk", "bulk_status": "duplicate", "bulk_choice": "first"})
    signatory_import = SignatoryImport.objects.get()
    assert [row["choice"] for row in signatory_import.rows] == ["new", "skip"]


def test_a_row_corrected_in_the_preview_is_checked_and_matched_again(curator_client, letter):
    eff = factories.OrganisationFactory(name="Electronic Frontier Foundation")
    data = io.BytesIO(b"name,country\nElectronic Frontier Foundaton,Narnia\n")
    data.name = "list.csv"
    response = curator_client.post(
        upload_url(letter),
        {
            "source_url": "https://e.org/",
            "file": data,
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    url = response.url
    signatory_import = SignatoryImport.objects.get()
    (row,) = signatory_import.rows
    assert row["status"] == "invalid" and "narnia" in row["reason"].lower()
    curator_client.post(
        url,
        {
            "rows": ["0"],
            "name-0": "Electronic Frontier Foundation, US",
            "kind-0": "organisation",
            "country-0": "USA",
            "action": "save",
        },
    )
    signatory_import.refresh_from_db()
    (row,) = signatory_import.rows
    assert (row["name"], row["country"]) == ("Electronic Frontier Foundation, US", "US")
    curator_client.post(
        url,
        {"rows": ["0"], "name-0": "Electronic Frontier Foundation", "country-0": "US"},
    )
    signatory_import.refresh_from_db()
    (row,) = signatory_import.rows
    assert row["status"] == "same_name" and row["candidates"][0]["id"] == eff.pk
    curator_client.post(url, {"rows": ["0"], "kind-0": "individual", "row-0": str(eff.pk)})
    signatory_import.refresh_from_db()
    (row,) = signatory_import.rows
    # As an individual it is an organisation's name listed as one.
    assert row["kind"] == "individual" and row["kind_reason"] == "set by the curator"
    assert row["status"] == "organisation"


def test_page_links_are_elided_to_fit_the_screen(curator_client, letter):
    names = [f"Group {number:05d}" for number in range(ROWS_PER_PAGE * 45)]
    source = factories.SourceFactory(url="https://example.org/huge-list")
    response = curator_client.post(
        upload_url(letter),
        {
            "source": source.pk,
            "file": csv_file(names),
            "default_kind": "organisation",
            "encoding": "auto",
        },
    )
    page = curator_client.get(response.url, {"page": "20"}).content.decode()
    navigation = page.split('aria-label="Pages of rows"')[1].split("</nav>")[0]
    assert navigation.count('name="goto"') <= 8
    assert "…" in navigation and 'value="45"' in navigation and 'value="1"' in navigation


def test_after_the_import_the_draft_letter_is_published_from_the_report(curator_client, letter):
    letter.visibility = "draft"
    letter.save()
    url = upload(curator_client, letter, "Alpha Group\nBeta Group\n")
    curator_client.post(url, {"action": "confirm"})
    report = curator_client.get(url).content.decode()
    publish_url = reverse("admin:letters_letter_publish", args=[letter.pk])
    assert f'action="{publish_url}"' in report
    response = curator_client.post(publish_url)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.visibility == "published"
    assert curator_client.get(publish_url).status_code == 405
