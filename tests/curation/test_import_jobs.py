"""The admin's import as background jobs: the upload is read and matched by a job whose
progress the import's page shows (polled by htmx, or reloaded), then confirmed by
another that writes every row or none; a failure shows its error, a retry or a resumed
run writes nothing twice, and a double submission makes one job."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bench import messy_lists
from letters.curation import import_admin, tasks, writing
from letters.curation.rows import RowStatus
from letters.jobs.tasks import sweep
from letters.models import ImportStatus, Job, JobStatus, Organisation, SignatoryImport, Signature
from tests import factories
from tests.curation.test_import_admin import csv_file, preview_url, upload_url

FORM = {"source_url": "https://example.org/big-list", "default_kind": "organisation"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def queued_tasks(settings):
    """Tasks wait in the database queue for a worker, as in production, instead of
    running at once: the test plays the worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def names(count, prefix="Signatory Organisation"):
    return [f"{prefix} {number:05d}" for number in range(count)]


def upload(client, letter, names_or_file, **fields):
    file = names_or_file if hasattr(names_or_file, "read") else csv_file(names_or_file)
    response = client.post(upload_url(letter), {**FORM, "encoding": "auto", "file": file, **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def run_worker(job):
    """What a worker does with the job's queued task (letters/jobs/runner.py)."""
    job.refresh_from_db()
    task = {
        tasks.preview_signatory_import.module_path: tasks.preview_signatory_import,
        tasks.rematch_signatory_import.module_path: tasks.rematch_signatory_import,
        tasks.confirm_signatory_import.module_path: tasks.confirm_signatory_import,
    }[job.task_path]
    task.call(job.pk)
    job.refresh_from_db()
    return job


def test_the_upload_is_read_by_a_job_whose_progress_the_page_follows(
    curator_client, curator, letter, queued_tasks
):
    response = upload(curator_client, letter, names(1200))

    signatory_import = SignatoryImport.objects.get()
    job = Job.objects.get()
    assert response.url == preview_url(signatory_import)
    assert (job.status, job.params, job.created_by) == (
        JobStatus.QUEUED,
        {"import_id": signatory_import.pk},
        curator,
    )
    # The upload waits in the database, for a worker on any machine.
    assert signatory_import.status == ImportStatus.READING
    assert bytes(signatory_import.upload).startswith(b"Name,Country")

    page = curator_client.get(response.url).content.decode()
    assert "Waiting for a worker to start" in page
    assert f'hx-get="{response.url}"' in page and 'hx-trigger="every 2s"' in page
    assert f'<a href="{response.url}">Check again</a>' in page  # without JavaScript
    assert re.search(r'<script src="[^"]*htmx[^"]*"', page)  # bundled, not inline (CSP)
    assert "<script>" not in page
    fragment = curator_client.get(response.url, **HTMX)
    assert "<html" not in fragment.content.decode()
    assert 'id="import-progress"' in fragment.content.decode()

    job = run_worker(job)

    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 1200, 1200)
    assert job.result_url == response.url
    assert job.message == "1,200 rows read and matched, waiting for a curator's confirmation."
    signatory_import.refresh_from_db()
    assert signatory_import.status == ImportStatus.PREVIEW and signatory_import.upload is None
    # The page that polled is told to reload itself, and then shows the preview.
    assert curator_client.get(response.url, **HTMX)["HX-Refresh"] == "true"
    page = curator_client.get(response.url).content.decode()
    assert "Check the import before confirming" in page and "Rows 1–200 of 1200" in page


def test_the_preview_records_its_progress_as_it_matches(
    curator_client, letter, queued_tasks, monkeypatch
):
    monkeypatch.setattr(tasks, "PROGRESS_EVERY_SECONDS", 0)
    seen = []
    checkpoint = tasks.JobRun.checkpoint

    def recording(run, *, done, **kwargs):
        seen.append((done, run.job.total))
        checkpoint(run, done=done, **kwargs)

    monkeypatch.setattr(tasks.JobRun, "checkpoint", recording)
    upload(curator_client, letter, names(2500))

    run_worker(Job.objects.get())

    # Every 1,000 rows matched (letters/curation/matching.py), then the end.
    assert [done for done, _ in seen] == [1000, 2000, 2500, 2500]
    assert {total for _, total in seen} == {2500}


def test_a_double_submission_makes_one_import_and_one_job(curator_client, letter, queued_tasks):
    first = upload(curator_client, letter, names(50))
    second = upload(curator_client, letter, names(50))

    assert first.url == second.url
    assert SignatoryImport.objects.count() == 1 and Job.objects.count() == 1
    # Another list (or the same list from another form) is another import.
    upload(curator_client, letter, names(50, "Other Organisation"))
    assert SignatoryImport.objects.count() == 2

    run_worker(Job.objects.get(params__import_id=SignatoryImport.objects.earliest("pk").pk))
    confirm = {"action": "confirm", "page": "1"}
    curator_client.post(first.url, confirm)
    curator_client.post(first.url, confirm)  # the double click

    confirmation = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    assert confirmation.status == JobStatus.QUEUED
    page = curator_client.get(first.url).content.decode()
    assert "Writing the chosen rows, all in one transaction" in page
    run_worker(confirmation)
    assert letter.signatures.count() == 50


def test_the_confirmation_runs_as_a_job_and_reports(curator_client, curator, letter):
    response = upload(curator_client, letter, names(30))
    curator_client.post(response.url, {"action": "confirm", "page": "1"})

    job = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    assert (job.status, job.done, job.total, job.created_by) == (
        JobStatus.SUCCEEDED,
        30,
        30,
        curator,
    )
    assert (
        job.message == "Imported: 30 new records signed, 0 existing records signed, 0 rows skipped."
    )
    report = curator_client.get(response.url).content.decode()
    assert job.message in report
    assert letter.signatures.count() == 30
    history = Signature.history.filter(letter=letter)
    assert {(h.history_user, h.history_change_reason) for h in history} == {
        (curator, "Imported from https://example.org/big-list")
    }


class DatabaseGone(Exception):
    pass


def test_a_failure_mid_confirmation_writes_nothing_shows_its_error_and_a_retry_imports_once(
    curator_client, letter, monkeypatch
):
    response = upload(curator_client, letter, names(300))
    history = writing._insert_history
    calls = []

    def fails_on_the_signatures(model, *args):
        calls.append(model)
        if model is Signature:  # after the new organisations and the signatures are in
            raise DatabaseGone("the database went away")
        history(model, *args)

    monkeypatch.setattr(writing, "_insert_history", fails_on_the_signatures)
    curator_client.post(response.url, {"action": "confirm", "page": "1"})

    job = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    assert job.status == JobStatus.FAILED and Organisation in calls
    assert not letter.signatures.exists()
    assert not Organisation.objects.filter(name__startswith="Signatory Organisation").exists()
    assert SignatoryImport.objects.get().status == ImportStatus.PREVIEW
    page = curator_client.get(response.url).content.decode()
    assert "The last confirmation failed and wrote nothing: the database went away" in page
    assert "Traceback" not in page

    monkeypatch.setattr(writing, "_insert_history", history)
    retried = curator_client.post(response.url, {"action": "retry"}, follow=True)
    assert "Started again." in retried.content.decode()
    again = curator_client.post(response.url, {"action": "retry"}, follow=True)
    assert "Nothing to retry" in again.content.decode()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert letter.signatures.count() == 300
    assert Organisation.objects.filter(name__startswith="Signatory Organisation").count() == 300


def test_a_failed_reading_shows_its_error_and_is_retried(curator_client, letter, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the matching index is not there")

    monkeypatch.setattr(writing, "match_rows", broken)
    response = upload(curator_client, letter, names(20))

    page = curator_client.get(response.url).content.decode()
    assert "Reading the list failed: the matching index is not there" in page
    assert 'name="action" value="retry"' in page and "Traceback" not in page

    monkeypatch.undo()
    curator_client.post(response.url, {"action": "retry"})
    page = curator_client.get(response.url).content.decode()
    assert "Check the import before confirming" in page and "Rows 1–20 of 20" in page


def confirmation_claimed(client, letter, count):
    """A list read, and its confirmation claimed by a worker (running): the page's URL
    and the job."""
    response = upload(client, letter, names(count))
    run_worker(Job.objects.get())
    client.post(response.url, {"action": "confirm", "page": "1"})
    job = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1)
    return response.url, job


def stall(job):
    """The job's worker died: its heartbeat stopped long ago."""
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))


def test_a_confirmation_whose_worker_died_is_redone_from_nothing(
    curator_client, letter, queued_tasks
):
    url, job = confirmation_claimed(curator_client, letter, 40)
    # Killed half-way: its transaction was rolled back, the job left running.
    stall(job)
    page = curator_client.get(url).content.decode()
    assert "Writing the chosen rows" in page

    assert sweep.call()["jobs_resumed"] == 1
    job = run_worker(job)

    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2)
    assert letter.signatures.count() == 40
    assert Organisation.objects.filter(name__startswith="Signatory Organisation").count() == 40


def test_a_confirmation_whose_worker_died_after_the_commit_is_not_written_twice(
    curator_client, letter, queued_tasks
):
    _, job = confirmation_claimed(curator_client, letter, 40)
    # The worker wrote everything, then died before recording that the job was done.
    writing.confirm_import(job.params["import_id"])
    stall(job)

    assert sweep.call()["jobs_resumed"] == 1
    job = run_worker(job)

    assert job.status == JobStatus.SUCCEEDED
    assert job.message.startswith("Imported: 40 new records signed")
    assert letter.signatures.count() == 40
    assert Organisation.objects.filter(name__startswith="Signatory Organisation").count() == 40


def test_a_large_messy_list_through_the_jobs(curator_client, letter):
    messy = messy_lists.messy_rows(3000, seed=12)
    file = io.BytesIO(messy_lists.as_csv(messy))
    file.name = "messy.csv"
    response = upload(curator_client, letter, file, first_listed="2024-01-22")

    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 3000, 3000)
    signatory_import = SignatoryImport.objects.get()
    found = [row["status"] for row in signatory_import.rows]
    # Rows whose status the row alone decides come out as the generator says.
    alone = [
        (row.expect_status, status)
        for row, status in zip(messy, found, strict=True)
        if row.expect_status in (RowStatus.INVALID, RowStatus.NEW)
        and status in (RowStatus.INVALID, RowStatus.NEW)
    ]
    assert len(alone) > 2000 and all(want == got for want, got in alone)
    for status in {RowStatus.SAME_NAME, RowStatus.CLOSE, RowStatus.ORGANISATION} & set(found):
        curator_client.post(
            response.url,
            {"action": "bulk", "bulk_status": status, "bulk_choice": "new", "page": "1"},
        )
    curator_client.post(response.url, {"action": "confirm", "page": "1"})

    confirmation = Job.objects.get(task_path=tasks.confirm_signatory_import.module_path)
    assert confirmation.status == JobStatus.SUCCEEDED, confirmation.error
    signatory_import.refresh_from_db()
    outcomes = signatory_import.report["outcomes"]
    assert outcomes["created"] + outcomes.get("signed", 0) == letter.signatures.count()
    assert outcomes["skipped"] == found.count(RowStatus.INVALID) + found.count(RowStatus.DUPLICATE)
    assert sum(outcomes.values()) == 3000


def test_signatures_written_a_batch_at_a_time_keep_the_files_order_sources_and_history(
    curator_client, letter, monkeypatch
):
    monkeypatch.setattr(writing, "SIGNATURE_BATCH", 7)
    monkeypatch.setattr(writing, "BATCH_SIZE", 3)
    listed = names(30)
    response = upload(curator_client, letter, listed)
    curator_client.post(response.url, {"action": "confirm", "page": "1"})

    signatures = list(letter.signatures.order_by("position"))
    assert [s.published_name for s in signatures] == listed
    assert [s.position for s in signatures] == list(range(1, 31))
    assert [s.list_rank for s in signatures] == list(range(1, 31))
    assert all(s.sources.get().url == FORM["source_url"] for s in signatures)
    assert Signature.history.filter(letter=letter).count() == 30
    letter.refresh_from_db()
    assert letter.listed_count == 30


def test_a_correction_to_a_long_list_is_matched_again_by_a_job_before_anything_else(
    curator_client, letter, queued_tasks, monkeypatch
):
    monkeypatch.setattr(import_admin, "INLINE_MATCH_ROWS", 2)
    eff = factories.OrganisationFactory(name="Electronic Frontier Foundation")
    response = upload(curator_client, letter, ["Electronc Frontier Foundation", "Other", "Third"])
    run_worker(Job.objects.get())

    corrected = curator_client.post(
        response.url,
        {"rows": ["0"], "name-0": "Electronic Frontier Foundation", "action": "confirm"},
    )

    # The confirmation waits: the rows are matched again first, by a job.
    assert corrected.url == response.url
    job = Job.objects.get(task_path=tasks.rematch_signatory_import.module_path)
    assert not Job.objects.filter(task_path=tasks.confirm_signatory_import.module_path).exists()
    page = curator_client.get(response.url).content.decode()
    assert "Matching every row again after your corrections" in page
    assert run_worker(job).status == JobStatus.SUCCEEDED
    (row, *_) = SignatoryImport.objects.get().rows
    assert row["status"] == RowStatus.SAME_NAME and row["candidates"][0]["id"] == eff.pk
    page = curator_client.get(response.url).content.decode()
    assert "Check the import before confirming" in page


def test_a_failed_match_again_shows_no_rows_to_confirm_until_retried(
    curator_client, letter, queued_tasks, monkeypatch
):
    monkeypatch.setattr(import_admin, "INLINE_MATCH_ROWS", 2)
    response = upload(curator_client, letter, ["Oen", "Two", "Three"])
    run_worker(Job.objects.get())
    curator_client.post(response.url, {"rows": ["0"], "name-0": "One"})
    match_rows = writing.match_rows

    def broken(*args, **kwargs):
        raise RuntimeError("the matching index is not there")

    monkeypatch.setattr(writing, "match_rows", broken)
    job = run_worker(Job.objects.get(task_path=tasks.rematch_signatory_import.module_path))

    assert job.status == JobStatus.FAILED
    page = curator_client.get(response.url).content.decode()
    assert "Matching the corrected list again failed" in page
    assert 'value="confirm"' not in page and 'name="action" value="retry"' in page
    monkeypatch.setattr(writing, "match_rows", match_rows)
    curator_client.post(response.url, {"action": "retry"})
    assert run_worker(job).status == JobStatus.SUCCEEDED
    assert [row["name"] for row in SignatoryImport.objects.get().rows] == ["One", "Two", "Three"]
