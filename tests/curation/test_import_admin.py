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
    assert first_page.count("<select") == ROWS_PER_PAGE
    # Skip the first row, then go to page 2 and skip its last row, then confirm.
    response = curator_client.post(url, {"row-0": "skip", "page": "1", "goto": "2"})
    assert response.url == f"{url}?page=2"
    second_page = curator_client.get(response.url).content.decode()
    assert second_page.count("<select") == 5
    last = ROWS_PER_PAGE + 4
    curator_client.post(url, {f"row-{last}": "skip", "page": "2", "action": "confirm"})
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


def test_unreadable_file_gets_a_form_error(curator_client, letter):
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
    assert response.status_code == 200
    assert "one called &#x27;name&#x27;" in response.content.decode()


def test_import_needs_permission_to_add_signatures(client, django_user_model, letter):
    user = django_user_model.objects.create_user(
        "viewer", password="pw-long-enough-1", is_staff=True
    )
    client.force_login(user)
    assert client.get(upload_url(letter)).status_code == 403


def test_import_of_another_letter_is_not_found(curator_client, letter):
    other = factories.LetterFactory()
    signatory_import = SignatoryImport.objects.create(
        letter=other, source=factories.SourceFactory(), rows=[]
    )
    url = reverse("admin:letters_letter_import_preview", args=[letter.pk, signatory_import.pk])
    assert curator_client.get(url).status_code == 404


def test_confirm_needs_a_csrf_token(client, curator, letter):
    client.handler.enforce_csrf_checks = True
    client.force_login(curator)
    signatory_import = SignatoryImport.objects.create(
        letter=letter, source=factories.SourceFactory(), rows=[]
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
