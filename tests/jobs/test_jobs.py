"""Jobs: a large admin action runs as a job the curator follows; a job stopped half-way
is resumed, never redone; a failed job shows its error and a retry finishes it once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from letters.curation import tasks as curation_tasks
from letters.jobs import runner
from letters.jobs.tasks import sweep
from letters.models import Job, JobStatus, Signature, SignatureStatus
from tests import factories

CHANGELIST = reverse("admin:letters_signature_changelist")


@pytest.fixture
def letter_of_12(published_letter, settings):
    """A letter whose 12 signatures are "many" for this test: above the job threshold,
    and changed 5 at a time."""
    settings.BULK_ACTION_JOB_THRESHOLD = 10
    factories.SignatureFactory.create_batch(12, letter=published_letter)
    return published_letter


@pytest.fixture
def chunks_of_5(monkeypatch):
    monkeypatch.setattr(curation_tasks, "STATUS_CHUNK", 5)


def reject_all(client, letter):
    ids = list(letter.signatures.values_list("pk", flat=True))
    return client.post(
        CHANGELIST, {"action": "mark_rejected", "_selected_action": ids}, follow=True
    )


def history_rows(letter) -> dict[int, int]:
    rejected = Signature.history.filter(letter=letter, status=SignatureStatus.REJECTED)
    counts: dict[int, int] = {}
    for row in rejected:
        counts[row.id] = counts.get(row.id, 0) + 1
    return counts


def test_a_large_status_action_runs_as_a_job_the_curator_follows(
    curator_client, curator, letter_of_12, chunks_of_5
):
    response = reject_all(curator_client, letter_of_12)

    job = Job.objects.get()
    assert "in the background" in response.content.decode()
    assert job.admin_url in response.content.decode()
    assert (job.status, job.done, job.total) == (JobStatus.SUCCEEDED, 12, 12)
    assert job.message == "12 signatures marked rejected."
    assert job.created_by == curator
    assert set(letter_of_12.signatures.values_list("status", flat=True)) == {"rejected"}
    # One history row per signature, with the curator who asked.
    assert list(history_rows(letter_of_12).values()) == [1] * 12
    assert set(
        Signature.history.filter(status="rejected").values_list("history_user", flat=True)
    ) == {curator.pk}
    page = curator_client.get(job.admin_url).content.decode()
    assert "12 signatures marked rejected." in page
    assert 'http-equiv="refresh"' not in page  # finished: nothing to follow


def test_a_small_status_action_still_runs_at_once(curator_client, published_letter):
    signatures = factories.SignatureFactory.create_batch(3, letter=published_letter)

    response = curator_client.post(
        CHANGELIST,
        {"action": "mark_rejected", "_selected_action": [s.pk for s in signatures]},
        follow=True,
    )

    assert "3 signatures marked rejected." in response.content.decode()
    assert not Job.objects.exists()


def test_the_same_action_clicked_twice_is_one_job(curator, letter_of_12, settings):
    # A worker that has not started yet: the job stays queued.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    from django.test import Client

    client = Client()
    client.force_login(curator)

    reject_all(client, letter_of_12)
    reject_all(client, letter_of_12)

    assert Job.objects.count() == 1
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    page = client.get(job.admin_url).content.decode()
    assert 'http-equiv="refresh"' in page  # the page follows it until it ends


class Crash(Exception):
    pass


@pytest.fixture
def crash_on_second_chunk(monkeypatch):
    """The second chunk of work raises, as a database error or a bug would."""
    real = curation_tasks.apply_status
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(curation_tasks, "apply_status", flaky)


def test_a_failed_job_shows_its_error_and_a_retry_finishes_it_once(
    curator_client, letter_of_12, chunks_of_5, crash_on_second_chunk
):
    reject_all(curator_client, letter_of_12)

    job = Job.objects.get()
    assert (job.status, job.done) == (JobStatus.FAILED, 5)
    assert "Crash: the database went away" in job.error
    # The first chunk stays done, with its checkpoint; the second left nothing behind.
    assert letter_of_12.signatures.filter(status="rejected").count() == 5
    page = curator_client.get(job.admin_url).content.decode()
    assert "the database went away" in page
    assert 'value="Retry"' in page

    retry_url = reverse("admin:letters_job_retry", args=[job.pk])
    curator_client.post(retry_url)
    curator_client.post(retry_url)  # clicked twice

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (JobStatus.SUCCEEDED, 12, 2)
    assert job.message == "12 signatures marked rejected."
    assert list(history_rows(letter_of_12).values()) == [1] * 12


def test_a_job_whose_worker_died_is_resumed_from_its_checkpoint(
    curator, letter_of_12, chunks_of_5, settings
):
    ids = sorted(letter_of_12.signatures.values_list("pk", flat=True))
    job = Job.objects.create(
        name="Mark 12 signatures rejected",
        task_path=curation_tasks.set_signature_status.module_path,
        params={"ids": ids, "status": "rejected", "extra": {}},
        created_by=curator,
    )
    # A first run did one chunk, then its worker was killed (no more heartbeats).
    runner.execute(job.pk, lambda run: _one_chunk_then_die(run, ids[:5]))
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.RUNNING, 5)
    assert sweep.call()["jobs_resumed"] == 0  # still within JOB_STALLED_MINUTES
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=settings.JOB_STALLED_MINUTES + 1)
    )

    assert sweep.call()["jobs_resumed"] == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (JobStatus.SUCCEEDED, 12, 2)
    # The resumed run started at the checkpoint: the first five were not changed again.
    assert job.message == "12 signatures marked rejected."
    assert list(history_rows(letter_of_12).values()) == [1] * 12


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even the job's own error handling."""


def _one_chunk_then_die(run: runner.JobRun, chunk: list[int]) -> str:
    from django.db import transaction

    with transaction.atomic():
        changed = curation_tasks.apply_status(chunk, "rejected", run.job.created_by)
        run.checkpoint(done=len(chunk), state={"changed": changed})
    try:
        raise WorkerKilled
    except WorkerKilled:
        # The job row stays "running" with its last heartbeat, as after a SIGKILL.
        raise runner.JobLost("killed") from None


def test_a_run_that_lost_its_claim_stops_before_writing(curator, letter_of_12):
    job = Job.objects.create(
        name="Lost", task_path="x", status=JobStatus.RUNNING, attempts=1, created_by=curator
    )
    run = runner.JobRun(job)
    # Meanwhile the sweep took it for dead and another run claimed it.
    Job.objects.filter(pk=job.pk).update(attempts=2)

    with pytest.raises(runner.JobLost):
        run.checkpoint(done=1)

    job.refresh_from_db()
    assert job.done == 0


def test_a_job_stopped_too_often_is_failed_not_resumed_again(curator, settings):
    job = Job.objects.create(
        name="Kills its workers",
        task_path=curation_tasks.set_signature_status.module_path,
        status=JobStatus.RUNNING,
        attempts=runner.MAX_RUNS,
        heartbeat_at=timezone.now() - timedelta(minutes=settings.JOB_STALLED_MINUTES + 1),
    )

    assert sweep.call()["jobs_resumed"] == 0

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Stopped 5 times" in job.error


def test_the_progress_fragment_polls_while_the_job_runs(curator_client, curator):
    job = Job.objects.create(
        name="Halfway", task_path="x", status=JobStatus.RUNNING, done=50, total=200
    )
    url = reverse("admin:letters_job_progress", args=[job.pk])

    running = curator_client.get(url).content.decode()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, done=200, message="Done.")
    finished = curator_client.get(url).content.decode()

    assert "<html" not in running
    assert '<progress max="200" value="50">25%</progress>' in running
    assert f'hx-get="{url}"' in running
    assert "hx-get" not in finished
    assert "Done." in finished


def test_jobs_are_staff_only(client, db):
    job = Job.objects.create(name="Private", task_path="x")

    response = client.get(reverse("admin:letters_job_progress", args=[job.pk]))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_job_keeps_its_uploaded_file_in_the_database(curator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("list.csv", b"name\nAda Lovelace\n")
    job = runner.start(
        curation_tasks.check_source_links,  # any job task: it only reads its parameters
        "Keeps a file",
        params=curation_tasks.link_check_params(ids=[]),
        user=curator,
        upload=upload,
    )

    assert job.input_name == "list.csv"
    assert runner.JobRun(job).input_bytes() == b"name\nAda Lovelace\n"


def test_a_key_is_free_again_once_its_job_has_finished(db):
    first = Job.objects.create(name="x", task_path="x", key="same", status=JobStatus.SUCCEEDED)

    second = Job.objects.create(name="x", task_path="x", key="same")

    assert first.pk != second.pk
