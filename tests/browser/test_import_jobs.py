"""A curator follows an import's jobs in Chromium: the page shows a progress bar that
polls (htmx) while a worker reads the list, then becomes the preview; the confirmation
likewise ends on the report. Tasks wait in the database queue; the test plays the worker.
"""

import re

import pytest
from playwright.sync_api import expect

from letters.curation import tasks
from letters.models import Job, JobStatus, Letter, Signature, Visibility
from tests.browser.helpers import screenshot

PASSWORD = "a-long-browser-password"
LIST = "Queued Group One\nQueued Group Two\nQueued Group Three\n"


@pytest.fixture
def curator_page(open_context, transactional_db, live_server, django_user_model, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    django_user_model.objects.create_superuser("importer", "i@example.org", PASSWORD)
    letter = Letter.objects.create(
        slug="browser-jobs", title="A letter imported by jobs", visibility=Visibility.DRAFT
    )
    page = open_context().new_page()
    page.goto("/admin/login/")
    page.fill("#id_username", "importer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page, letter


def test_the_progress_bar_polls_until_the_preview_then_the_report(curator_page):
    page, letter = curator_page
    page.goto(f"/admin/letters/letter/{letter.pk}/import/")
    page.get_by_label("or a new source URL").fill("https://example.org/queued-list")
    page.get_by_label("Paste the list").fill(LIST)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", name="Reading the list")).to_be_visible()
    expect(page.get_by_text("Waiting for a worker to start.")).to_be_visible()
    expect(page.get_by_role("link", name="Check again")).to_be_visible()
    job = Job.objects.get()
    # The worker is half-way: the next poll shows it, without reloading the page.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=1, total=3)
    bar = page.locator("#import-progress-bar")
    expect(bar).to_have_attribute("value", "1", timeout=10_000)
    expect(bar).to_have_attribute("max", "3")
    expect(page.get_by_text("1 of 3 rows (33%)")).to_be_visible()
    screenshot(page, "import-progress")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280

    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, done=0, total=None)
    tasks.preview_signatory_import.call(job.pk)

    # The poll finds the job done and the page becomes the preview.
    expect(page.get_by_role("heading", name="Check the import before confirming")).to_be_visible(
        timeout=10_000
    )
    expect(page.locator("#import-rows tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_role("heading", name="Importing the list")).to_be_visible()
    expect(page.get_by_text(re.compile("all in one transaction"))).to_be_visible()
    assert not Signature.objects.filter(letter=letter).exists()
    confirmation = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    tasks.confirm_signatory_import.call(confirmation.pk)

    expect(page.get_by_text("Imported: 3 new records signed")).to_be_visible(timeout=10_000)
    assert Signature.objects.filter(letter=letter).count() == 3
